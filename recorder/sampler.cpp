#include "recorder/sampler.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace h5rec {

Sampler::Sampler(double rate_hz, std::vector<SampledChannel> channels, ChunkRing& ring,
                 platform::Clock& clock)
    : schedule_(rate_hz), channels_(std::move(channels)), ring_(ring), clock_(clock) {
  size_t widest = 1;
  for (const auto& c : channels_) widest = std::max(widest, c.components);
  values_.resize(widest);
  // Channels whose sensors report one device key share a handoff.
  std::vector<const void*> keys;
  device_of_.resize(channels_.size());
  for (size_t c = 0; c < channels_.size(); ++c) {
    const void* key = channels_[c].sensor->device_key();
    const auto same = key ? std::find(keys.begin(), keys.end(), key) : keys.end();
    device_of_[c] = static_cast<size_t>(same - keys.begin());
    if (same == keys.end()) keys.push_back(key);
  }
  device_count_ = keys.size();
  devices_ = std::make_unique<DeviceHandoff[]>(device_count_);
  for (size_t c = 0; c < channels_.size(); ++c) {
    DeviceHandoff& device = devices_[device_of_[c]];
    device.members.push_back({channels_[c].sensor.get(), channels_[c].open});
  }
  for (size_t d = 0; d < device_count_; ++d) {
    DeviceHandoff& device = devices_[d];
    const bool all_open = std::all_of(device.members.begin(), device.members.end(),
                                      [](const DeviceHandoff::Member& m) { return m.open; });
    if (!all_open) {  // missing at start-up: tried at the reopener's first wake
      device.requested_at_ns = -1;
      device.attempt_at_ns = 0;
      device.owner.store(DeviceHandoff::Owner::kRequested, std::memory_order_relaxed);
    }
  }
  counters_.channel_errors = std::make_unique<std::atomic<uint64_t>[]>(channels_.size());
  counters_.channel_reads = std::make_unique<std::atomic<uint64_t>[]>(channels_.size());
}

void Sampler::run(const RecordingStart& start, std::optional<int64_t> duration_ns,
                  const std::atomic<int64_t>& stop_at_ns) {
  const uint64_t end_index =
      duration_ns ? schedule_.rows_before(*duration_ns) : std::numeric_limits<uint64_t>::max();
  const auto stop_at = [&] { return stop_at_ns.load(std::memory_order_relaxed); };
  uint64_t index = 0;
  while (index < end_index) {
    const int64_t due = start.monotonic_ns + schedule_.offset_ns(index);
    int64_t now = clock_.monotonic_ns();
    while (now < due && now < stop_at()) {
      clock_.sleep_until(std::min(due, now + kStopCheckNs));
      now = clock_.monotonic_ns();
    }
    const int64_t stop = stop_at();
    if (due >= stop) break;  // due at or after the stop: not part of the recording
    if (now - due > kMaxLatenessNs) {
      const int64_t until = std::min(now, stop) - start.monotonic_ns;
      const uint64_t resume = std::min(end_index, schedule_.rows_before(until));
      counters_.dropped_rows.fetch_add(resume - index, std::memory_order_relaxed);
      counters_.rows_due.store(resume, std::memory_order_relaxed);
      index = resume;
      continue;
    }
    take_row(index, start);
    ++index;
    counters_.rows_due.store(index, std::memory_order_relaxed);
  }
}

void Sampler::take_row(uint64_t index, const RecordingStart& start) {
  if (!ring_.can_push()) {
    counters_.dropped_rows.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const int64_t offset = schedule_.offset_ns(index);
  const int64_t time_ns = start.utc_ns + offset;
  std::memcpy(ring_.row(0), &time_ns, sizeof time_ns);
  const platform::SampleTick tick{index, static_cast<double>(offset) * 1e-9};
  for (size_t c = 0; c < channels_.size(); ++c) {
    SampledChannel& channel = channels_[c];
    const std::span<double> values(values_.data(), channel.components);
    if (read_channel(c, tick, offset)) {
      counters_.channel_reads[c].fetch_add(1, std::memory_order_relaxed);
    } else {
      std::fill(values.begin(), values.end(), std::numeric_limits<double>::quiet_NaN());
      counters_.sensor_errors.fetch_add(1, std::memory_order_relaxed);
      counters_.channel_errors[c].fetch_add(1, std::memory_order_relaxed);
    }
    std::byte* out = ring_.row(c + 1);
    const size_t size = dtype_size(channel.dtype);
    for (size_t k = 0; k < channel.components; ++k)
      store_as(channel.dtype, values[k], out + k * size);
  }
  ring_.commit_row();
  const uint64_t held = ring_.rows_held();
  if (held > counters_.ring_high_water.load(std::memory_order_relaxed)) {
    counters_.ring_high_water.store(held, std::memory_order_relaxed);
  }
}

bool Sampler::read_channel(size_t c, const platform::SampleTick& tick, int64_t offset_ns) {
  SampledChannel& channel = channels_[c];
  DeviceHandoff& device = devices_[device_of_[c]];
  if (!device.sampler_owns(offset_ns)) return false;
  const std::span<double> values(values_.data(), channel.components);
  switch (channel.sensor->read(tick, values)) {
    case platform::ReadResult::kOk:
      device.delay_ns = kFirstRetryNs;  // back-off starts again once the device works
      return true;
    case platform::ReadResult::kBadValue:
      return false;
    case platform::ReadResult::kDeviceError:
      device.request_reopen(offset_ns);
      return false;
  }
  return false;
}

}  // namespace h5rec
