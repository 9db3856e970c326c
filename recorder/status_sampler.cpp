#include "recorder/status_sampler.hpp"

#include <algorithm>

namespace h5rec {

StatusSampler::StatusSampler(double interval_s, StatusLog& log, const Writer& writer,
                             std::span<const SamplerCounters* const> groups, platform::Clock& clock)
    : schedule_(1.0 / interval_s), log_(log), writer_(writer), groups_(groups), clock_(clock) {}

void StatusSampler::run(const RecordingStart& start, std::optional<int64_t> duration_ns,
                        const std::atomic<int64_t>& stop_at_ns) {
  const auto stop_at = [&] { return stop_at_ns.load(std::memory_order_relaxed); };
  for (uint64_t index = 0;; ++index) {
    const int64_t offset = schedule_.offset_ns(index);
    if (duration_ns && offset >= *duration_ns) return;
    const int64_t due = start.monotonic_ns + offset;
    for (int64_t now = clock_.monotonic_ns(); now < due && now < stop_at();
         now = clock_.monotonic_ns()) {
      clock_.sleep_until(std::min(due, now + kStopCheckNs));
    }
    if (due >= stop_at()) return;
    // A full ring means the writer has been stalled for longer than the ring holds: this row
    // is lost, the counters go on (the writer's last row at the end has the final counts).
    (void)log_.append(start.utc_ns + offset, writer_.health(), groups_);
  }
}

}  // namespace h5rec
