// The status thread: one /_status row per status interval, stamped with the time it was due
// (the recording's start + i x status_interval, like a sample row), with the counters of that
// moment. It pushes into the status log's ring like a sampler and never waits on storage, so a
// stalled writer leaves no gap in /_status: the rows wait in the ring and are written when the
// writer is back. The writer's health comes from Writer::health() (atomics).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>

#include "platform/clock.hpp"
#include "recorder/row_schedule.hpp"
#include "recorder/sampler.hpp"
#include "recorder/status_log.hpp"
#include "recorder/writer.hpp"

namespace h5rec {

class StatusSampler {
 public:
  // `groups`: every rate group's counters, in /_status column order. All must outlive run().
  StatusSampler(double interval_s, StatusLog& log, const Writer& writer,
                std::span<const SamplerCounters* const> groups, platform::Clock& clock);

  // Thread body; the calling thread must be attached to the clock. Takes every row due before
  // `duration_ns` (forever if empty) and before the monotonic time `stop_at_ns`
  // (Sampler::kNotStopped until the recording stops), as the samplers do: the writer's last row,
  // stamped at the stop, comes after all of them. A row the thread reaches late (the machine
  // stalled) is still taken, with the counters it finds.
  void run(const RecordingStart& start, std::optional<int64_t> duration_ns,
           const std::atomic<int64_t>& stop_at_ns);

 private:
  // Longest single sleep, so a stop is noticed promptly with long status intervals.
  static constexpr int64_t kStopCheckNs = 200 * platform::kNsPerMs;

  RowSchedule schedule_;
  StatusLog& log_;
  const Writer& writer_;
  std::span<const SamplerCounters* const> groups_;
  platform::Clock& clock_;
};

}  // namespace h5rec
