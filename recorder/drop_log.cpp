#include "recorder/drop_log.hpp"

#include <cstdio>

#include "recorder/event_log.hpp"

namespace h5rec {
namespace {

std::string seconds_text(int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns) * 1e-9);
  return text;
}

}  // namespace

DropLog::DropLog(std::vector<std::string> group_names) {
  for (std::string& name : group_names) groups_.push_back({std::move(name)});
}

void DropLog::update(int64_t utc_ns, int64_t since_checkpoint_ns,
                     std::span<const SamplerCounters* const> groups) {
  for (size_t g = 0; g < groups_.size() && g < groups.size(); ++g) {
    Group& gr = groups_[g];
    const uint64_t dropped = groups[g]->dropped_rows.load(std::memory_order_relaxed) +
                             groups[g]->lost_rows.load(std::memory_order_relaxed);
    if (dropped > gr.dropped) {
      if (!gr.dropping) {
        gr.dropping = true;
        gr.dropped_at_start = gr.dropped;
        gr.started_utc_ns = gr.warned_utc_ns = utc_ns;
        log_event(EventLevel::kWarning, "group " + gr.name + ": rows are being dropped (" +
                                            std::to_string(dropped - gr.dropped) + " rows, " +
                                            std::to_string(dropped) + " in all; last checkpoint " +
                                            seconds_text(since_checkpoint_ns) + " ago)");
        gr.dropped_at_warning = dropped;
      } else if (utc_ns - gr.warned_utc_ns >= kRepeatNs) {
        log_event(EventLevel::kWarning,
                  "group " + gr.name + ": still dropping rows (" +
                      std::to_string(dropped - gr.dropped_at_warning) + " more in the last " +
                      seconds_text(utc_ns - gr.warned_utc_ns) + ", " + std::to_string(dropped) +
                      " in all; last checkpoint " + seconds_text(since_checkpoint_ns) + " ago)");
        gr.warned_utc_ns = utc_ns;
        gr.dropped_at_warning = dropped;
      }
    } else if (gr.dropping) {
      log_event(EventLevel::kInfo, "group " + gr.name + ": rows are stored again (" +
                                       std::to_string(dropped - gr.dropped_at_start) +
                                       " rows dropped over " +
                                       seconds_text(utc_ns - gr.started_utc_ns) + ")");
      gr.dropping = false;
    }
    gr.dropped = dropped;
  }
}

}  // namespace h5rec
