// The recorder's reopener: one thread ("h5rec-reopen") that closes and reopens the sensors of
// devices that failed, so that the sampler threads, which hand them over (DeviceHandoff), never
// call open() or close() after start-up and never allocate. It wakes every kReopenPeriodNs of
// the recording's schedule and does, per device handed over:
//   - at the first wake strictly after the failed row: closes every open sensor of the device;
//   - at the wake its back-off names (attempt_at_ns): opens them all, in channel order; if one
//     fails it closes the ones it opened, doubles the back-off and tries again later; if all
//     open it hands the device back, stamped with this wake.
// A failed reopen's message is discarded (the fill values and the per-channel error counts in
// /_status say that the channel is missing). open() may take a while (a directory scan, an I2C
// transaction): the samplers go on meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "platform/clock.hpp"
#include "recorder/device_handoff.hpp"
#include "recorder/sampler.hpp"

namespace h5rec {

class Reopener {
 public:
  // The devices of every sampler; the samplers outlive the reopener's run().
  Reopener(std::span<Sampler* const> samplers, platform::Clock& clock);

  // Thread body; the calling thread must be attached to the clock. Wakes at every multiple of
  // kReopenPeriodNs before `duration_ns` (forever if empty) and before the monotonic time
  // `stop_at_ns`, as Sampler::run does.
  void run(const RecordingStart& start, std::optional<int64_t> duration_ns,
           const std::atomic<int64_t>& stop_at_ns);

  // One wake at schedule offset `wake_ns` (a multiple of kReopenPeriodNs); run() calls it, tests
  // may call it directly.
  void wake(int64_t wake_ns);

 private:
  static void attempt(DeviceHandoff& device, int64_t wake_ns);

  std::vector<DeviceHandoff*> devices_;
  platform::Clock& clock_;
};

}  // namespace h5rec
