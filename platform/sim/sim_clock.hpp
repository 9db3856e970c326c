// Virtual clock for host tests: time stands still while any attached thread runs and jumps to
// the earliest deadline once every attached thread sleeps. An hour at 1 kHz records in seconds,
// and a recording's content does not depend on how fast the host is.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "platform/clock.hpp"

namespace h5rec::platform {

class SimClock final : public Clock {
 public:
  // 2026-01-01T00:00:00Z: realtime_ns() = kDefaultEpochNs + monotonic_ns().
  static constexpr int64_t kDefaultEpochNs = 1'767'225'600LL * kNsPerSecond;
  static constexpr size_t kMaxAttached = 64;

  explicit SimClock(int64_t epoch_ns = kDefaultEpochNs) : epoch_ns_(epoch_ns) {}

  int64_t monotonic_ns() const override { return now_ns_.load(std::memory_order_acquire); }
  int64_t realtime_ns() const override { return epoch_ns_ + monotonic_ns(); }
  void sleep_until(int64_t deadline_ns) override;
  void attach() override;
  void detach() override;
  bool is_virtual() const override { return true; }

 private:
  struct Waiter {
    bool in_use = false;
    bool sleeping = false;
    int64_t deadline_ns = 0;
    std::condition_variable wake;
  };

  void advance_if_all_asleep(std::unique_lock<std::mutex>& lock);

  const int64_t epoch_ns_;
  std::atomic<int64_t> now_ns_{0};
  std::mutex mutex_;
  std::array<Waiter, kMaxAttached> waiters_;
  size_t attached_ = 0;
  size_t sleeping_ = 0;
};

}  // namespace h5rec::platform
