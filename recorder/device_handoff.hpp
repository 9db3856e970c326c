// Who may touch the sensors of one device: the sampler of their rate group while they work, the
// recorder's reopener thread (recorder/reopener.hpp) from the moment one of them fails until
// they are all open again. open() and close() of board sensors allocate (paths, directory scans,
// messages), and the sampler must not, so it never calls them after start-up: it hands the
// device over, stores fill for its channels meanwhile, and takes it back once reopened.
//
// The unit handed over is a device, not a channel: the channels whose sensors report the same
// Sensor::device_key() (an IIO buffer, a BME280 chip, a GPS port) share state that one
// channel's open() or close() rewrites, so none of them is read while the reopener has any of
// them. A device goes back to the sampler only when every one of its channels opened.
//
// Handing over and back is one atomic per device (release/acquire): the side that stores the new
// owner has finished with the sensors and the plain fields below, the side that loads it sees
// them. Neither side waits, locks or allocates.
//
// Timing (schedule offsets, ns since the recording's start, so it is deterministic on a virtual
// clock): the reopener wakes every kReopenPeriodNs; at a wake W it takes a device whose failure
// was requested strictly before W, closes its sensors, and opens them once its back-off has
// passed; the sampler takes a device back only at rows scheduled strictly after the wake that
// reopened it. A row at W itself therefore never depends on which thread ran first.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "platform/clock.hpp"
#include "platform/sensor.hpp"

namespace h5rec {

// The reopener's period, which is also the first back-off step: a failed device is tried at the
// first wake at least kFirstRetryNs after the row that failed, then after twice as long each time
// it fails again, up to kMaxRetryNs. The delay starts again at kFirstRetryNs once the sampler
// reads a value from it.
constexpr int64_t kReopenPeriodNs = 100 * platform::kNsPerMs;
constexpr int64_t kFirstRetryNs = kReopenPeriodNs;
constexpr int64_t kMaxRetryNs = 30 * platform::kNsPerSecond;
static_assert(kMaxRetryNs % kReopenPeriodNs == 0, "back-off steps fall on reopener wakes");

struct DeviceHandoff {
  enum class Owner : uint8_t {
    kSampler,    // the sampler reads the sensors
    kRequested,  // a sensor failed; the reopener closes and reopens them all
    kReopened,   // all open again at reopened_at_ns; the sampler takes them at a later row
  };
  struct Member {
    platform::Sensor* sensor = nullptr;  // owned by the sampler's channel
    bool open = false;
  };

  std::atomic<Owner> owner{Owner::kSampler};
  std::vector<Member> members;  // made before the threads start, never resized after
  // Plain fields, written only by the current owner.
  int64_t requested_at_ns = 0;       // the row that failed (negative: closed since start-up)
  int64_t attempt_at_ns = 0;         // the reopener's next open, a multiple of kReopenPeriodNs
  int64_t delay_ns = kFirstRetryNs;  // back-off after the next failure
  int64_t reopened_at_ns = 0;        // the reopener's wake that opened them all

  // The sampler, on a device error in the row scheduled at offset_ns: hands the device over.
  void request_reopen(int64_t offset_ns) {
    requested_at_ns = offset_ns;
    const int64_t earliest = offset_ns + delay_ns;
    attempt_at_ns = (earliest + kReopenPeriodNs - 1) / kReopenPeriodNs * kReopenPeriodNs;
    delay_ns = std::min(2 * delay_ns, kMaxRetryNs);
    owner.store(Owner::kRequested, std::memory_order_release);
  }

  // The sampler, before reading in the row scheduled at offset_ns: takes the device back if it
  // was reopened before this row. True when the sampler owns the device (may read it).
  bool sampler_owns(int64_t offset_ns) {
    const Owner o = owner.load(std::memory_order_acquire);
    if (o == Owner::kReopened && reopened_at_ns < offset_ns) {
      owner.store(Owner::kSampler, std::memory_order_relaxed);  // the reopener ignores kSampler
      return true;
    }
    return o == Owner::kSampler;
  }
};

}  // namespace h5rec
