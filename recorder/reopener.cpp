#include "recorder/reopener.hpp"

#include <algorithm>

namespace h5rec {

Reopener::Reopener(std::span<Sampler* const> samplers, platform::Clock& clock) : clock_(clock) {
  for (Sampler* sampler : samplers) {
    for (DeviceHandoff& device : sampler->devices()) devices_.push_back(&device);
  }
}

void Reopener::run(const RecordingStart& start, std::optional<int64_t> duration_ns,
                   const std::atomic<int64_t>& stop_at_ns) {
  // Longest single sleep, so a stop request is noticed promptly (as the sampler does).
  constexpr int64_t kStopCheckNs = 200 * platform::kNsPerMs;
  const auto stop_at = [&] { return stop_at_ns.load(std::memory_order_relaxed); };
  for (int64_t wake_ns = 0; !duration_ns || wake_ns < *duration_ns; wake_ns += kReopenPeriodNs) {
    const int64_t due = start.monotonic_ns + wake_ns;
    int64_t now = clock_.monotonic_ns();
    while (now < due && now < stop_at()) {
      clock_.sleep_until(std::min(due, now + kStopCheckNs));
      now = clock_.monotonic_ns();
    }
    if (due >= stop_at()) break;
    wake(wake_ns);
  }
}

void Reopener::wake(int64_t wake_ns) {
  for (DeviceHandoff* device : devices_) {
    if (device->owner.load(std::memory_order_acquire) != DeviceHandoff::Owner::kRequested) continue;
    if (device->requested_at_ns >= wake_ns) continue;  // asked at or after this wake: next one
    attempt(*device, wake_ns);
  }
}

void Reopener::attempt(DeviceHandoff& device, int64_t wake_ns) {
  for (DeviceHandoff::Member& m : device.members) {
    if (m.open) m.sensor->close();
    m.open = false;
  }
  if (wake_ns < device.attempt_at_ns) return;
  for (DeviceHandoff::Member& m : device.members) {
    if (!m.sensor->open()) {
      for (DeviceHandoff::Member& opened : device.members) {
        if (opened.open) opened.sensor->close();
        opened.open = false;
      }
      device.attempt_at_ns = wake_ns + device.delay_ns;
      device.delay_ns = std::min(2 * device.delay_ns, kMaxRetryNs);
      return;
    }
    m.open = true;
  }
  device.reopened_at_ns = wake_ns;
  device.owner.store(DeviceHandoff::Owner::kReopened, std::memory_order_release);
}

}  // namespace h5rec
