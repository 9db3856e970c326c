// Time source for the recorder. All times are integer nanoseconds.
//
// monotonic_ns() drives schedules; realtime_ns() (UTC, ns since the Unix epoch) stamps recordings.
// Threads that sleep on a clock attach to it first (ClockAttachment): the simulated clock only
// advances when every attached thread is asleep, which makes recordings on it deterministic.
#pragma once

#include <cstdint>

namespace h5rec::platform {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t monotonic_ns() const = 0;
  virtual int64_t realtime_ns() const = 0;
  // Sleeps until monotonic_ns() >= deadline_ns. Returns at once if the deadline has passed.
  // The calling thread must be attached. Never allocates.
  virtual void sleep_until(int64_t deadline_ns) = 0;
  virtual void attach() = 0;
  virtual void detach() = 0;
  // True when time only advances as attached threads sleep (simulation).
  virtual bool is_virtual() const = 0;
};

// Attaches the calling thread to a clock for the scope's lifetime.
class ClockAttachment {
 public:
  explicit ClockAttachment(Clock& clock) : clock_(clock) { clock_.attach(); }
  ~ClockAttachment() { clock_.detach(); }
  ClockAttachment(const ClockAttachment&) = delete;
  ClockAttachment& operator=(const ClockAttachment&) = delete;

 private:
  Clock& clock_;
};

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kNsPerMs = 1'000'000;

}  // namespace h5rec::platform
