#include "recorder/sensor_health_log.hpp"

#include "recorder/event_log.hpp"

namespace h5rec {

SensorHealthLog::SensorHealthLog(std::vector<std::vector<std::string>> names) {
  for (auto& group : names) {
    channels_.emplace_back();
    for (auto& name : group) channels_.back().push_back({std::move(name)});
  }
}

void SensorHealthLog::update(int64_t utc_ns, std::span<const SamplerCounters* const> groups) {
  for (size_t g = 0; g < channels_.size() && g < groups.size(); ++g) {
    for (size_t c = 0; c < channels_[g].size(); ++c) {
      Channel& ch = channels_[g][c];
      const uint64_t errors = groups[g]->channel_errors[c].load(std::memory_order_relaxed);
      const uint64_t reads = groups[g]->channel_reads[c].load(std::memory_order_relaxed);
      const bool failed_now = errors > ch.errors;
      const bool read_now = reads > ch.reads;
      if (failed_now && !ch.failing) ch.failing = true;
      if (ch.failing && failed_now && !ch.warned &&
          (!ch.ever_warned || utc_ns - ch.warned_utc_ns >= kQuietNs)) {
        log_event(EventLevel::kWarning,
                  "channel " + ch.name + ": sensor failing (" + std::to_string(errors) +
                      " failed reads so far, stored as fill values; the device is reopened "
                      "with back-off)");
        ch.warned = ch.ever_warned = true;
        ch.warned_utc_ns = utc_ns;
        ch.errors_at_warning = errors;
      }
      if (ch.failing && read_now && !failed_now) {
        if (ch.warned) {
          log_event(EventLevel::kInfo, "channel " + ch.name + ": sensor reads again (" +
                                           std::to_string(errors - ch.errors_at_warning) +
                                           " more failed reads since the warning)");
        }
        ch.failing = ch.warned = false;
      }
      ch.errors = errors;
      ch.reads = reads;
    }
  }
}

}  // namespace h5rec
