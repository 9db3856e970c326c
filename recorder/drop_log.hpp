// Tells the event log (journald on a board) while rows are being dropped and when they are
// stored again, from the groups' dropped and lost row counters. Runs on the status thread with
// each /_status row, so it speaks during a storage stall, not after it; the counts themselves
// are in /_status.
//
// A group starts dropping when its count grows. The warning gives the rows dropped since the
// last warning and in all, and how long ago the writer completed its last checkpoint (how long
// storage has been stalled, when that is the cause). While the drops go on it is repeated at
// most once a minute; the first status interval without a new drop ends the episode with one
// line saying how many rows it cost and for how long.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recorder/sampler.hpp"

namespace h5rec {

class DropLog {
 public:
  explicit DropLog(std::vector<std::string> group_names);

  // `utc_ns`: the status row's time; `since_checkpoint_ns`: time since the writer's last
  // completed checkpoint.
  void update(int64_t utc_ns, int64_t since_checkpoint_ns,
              std::span<const SamplerCounters* const> groups);

 private:
  static constexpr int64_t kRepeatNs = 60'000'000'000;

  struct Group {
    std::string name;
    uint64_t dropped = 0;           // count at the last update
    bool dropping = false;          // in an episode of drops
    uint64_t dropped_at_start = 0;  // count when the episode began
    int64_t started_utc_ns = 0;
    uint64_t dropped_at_warning = 0;  // count at the last warning
    int64_t warned_utc_ns = 0;
  };
  std::vector<Group> groups_;
};

}  // namespace h5rec
