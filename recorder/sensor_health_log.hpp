// Tells the event log (journald on a board) when a channel's sensor starts failing and when it
// reads again, from the per-channel error and read counters the samplers keep. Runs on the
// writer thread with each /_status row; the counts themselves are in /_status.
//
// A channel fails when its error count grows. It reads again only when a status interval saw
// successful reads and no new error: an interval in which the channel was not read at all (a
// group slower than the status interval, the end of the recording) changes nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recorder/sampler.hpp"

namespace h5rec {

class SensorHealthLog {
 public:
  // names[g][c]: "group/channel" of channel c of group g.
  explicit SensorHealthLog(std::vector<std::vector<std::string>> names);

  void update(int64_t utc_ns, std::span<const SamplerCounters* const> groups);

 private:
  // A channel that fails again within this long of its last warning is not warned about again
  // until it has been failing for this long: a flaky sensor does not flood the log.
  static constexpr int64_t kQuietNs = 60'000'000'000;

  struct Channel {
    std::string name;
    uint64_t errors = 0;  // count at the last update
    uint64_t reads = 0;   // successful reads at the last update
    uint64_t errors_at_warning = 0;
    bool failing = false;
    bool warned = false;        // the current failure has been logged
    int64_t warned_utc_ns = 0;  // when the last warning was logged
    bool ever_warned = false;
  };
  std::vector<std::vector<Channel>> channels_;
};

}  // namespace h5rec
