#include "tools/verify_accounting.hpp"

#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "platform/path.hpp"
#include "tools/time_step_check.hpp"

namespace h5rec::tools {
namespace {

// The realtime clock that stamps status rows may drift from the monotonic one that schedules
// rows (NTP slews it by at most 500 ppm): the margin allowed for rows due after the last one.
constexpr double kClockDrift = 1e-3;

const GroupReport* find_group(const FileReport& r, const std::string& name) {
  for (const GroupReport& g : r.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

// Whether a problem found in the file makes the group's rows uncountable.
bool time_unchecked(const FileReport& r, const std::string& group) {
  for (const Problem& p : r.problems) {
    if (p.dataset == group || p.dataset.starts_with(group + "/")) return true;
    if (p.dataset.empty() && p.check != "format") return true;  // the file as a whole
  }
  return false;
}

std::string text(uint64_t v) { return std::to_string(v); }

class ChainAccounting {
 public:
  ChainAccounting(std::vector<FileReport>& reports, std::vector<size_t> chain)
      : reports_(reports), chain_(std::move(chain)) {}

  void check(const std::string& why_unchecked) {
    FileReport& last = reports_[chain_.back()];
    const std::string last_name = platform::file_name_of(last.path);
    for (size_t i = 0; i + 1 < chain_.size(); ++i) {
      for (GroupReport& g : reports_[chain_[i]].groups) g.accounting = "see " + last_name;
    }
    for (GroupReport& g : last.groups) {
      if (!why_unchecked.empty()) {
        g.accounting = "not checked: " + why_unchecked;
      } else {
        check_group(last, g);
      }
    }
  }

 private:
  void check_group(FileReport& last, GroupReport& group) {
    const auto unchecked = [&](const std::string& why) {
      group.accounting = "not checked: " + why;
    };
    if (last.state != VerifiedState::kClosed) {
      return unchecked(std::string("the last segment is ") + describe(last.state));
    }
    if (!(group.rate_hz > 0)) return unchecked("no rate");
    const double period = 1e9 / group.rate_hz;
    uint64_t stored = 0, missing = 0;
    const GroupReport* previous = nullptr;
    int64_t chain_first_ns = 0;
    for (size_t i = 0; i < chain_.size(); ++i) {
      FileReport& r = reports_[chain_[i]];
      const std::string name = platform::file_name_of(r.path);
      const GroupReport* g = find_group(r, group.name);
      if (g == nullptr) return unchecked(name + " has no group " + group.name);
      if (time_unchecked(r, group.name)) return unchecked("its rows in " + name + " did not check");
      stored += g->rows;
      if (g->rows == 0) continue;
      missing += g->missing_rows;
      if (previous == nullptr) {
        chain_first_ns = g->first_time_ns;
        // Rows due before the first stored one: start_time_utc is taken after the start.
        const double before = ns_between(r.start_time_ns, g->first_time_ns) / period;
        if (r.start_time_ns > 0 && before > 0) missing += static_cast<uint64_t>(before + 1e-6);
      } else {
        const double dt = ns_between(previous->last_time_ns, g->first_time_ns);
        const double periods = std::round(dt / period);
        if (periods < 1 || std::fabs(dt - periods * period) > 2.0 + 1e-9 * std::fabs(dt)) {
          r.add({"time", group.name + "/time", 0, 1, 1,
                 "its first row is not on the schedule of the previous segment's last row (" +
                     std::to_string(dt / period) + " periods after it)"});
          return unchecked("the time of " + name + " does not continue the previous segment's");
        }
        missing += static_cast<uint64_t>(periods) - 1;
      }
      previous = g;
    }
    group.chain_stored = stored;
    group.chain_missing = missing;
    if (!last.has_status || !group.has_dropped) return unchecked("no /_status dropped-row counts");
    if (group.rows > 0 && last.last_status_time_ns < group.last_time_ns) {
      return unchecked(
          "the last status row is older than the last row (not the final segment, "
          "or the clock was set back)");
    }
    const uint64_t dropped = group.dropped_rows;
    if (last.status_final && group.has_due) {
      // The recording's own final counts: exact.
      if (stored + dropped != group.rows_due || missing > dropped) {
        group.accounting = "problem";
        last.add({"accounting", group.name, 0, 0, 1,
                  text(stored) + " rows of " + group.name + " stored + " + text(dropped) +
                      " dropped (/_status) != " + text(group.rows_due) + " due (/_status)" +
                      (missing > dropped ? "; " + text(missing) + " missing before its last row"
                                         : std::string())});
        return;
      }
      group.accounting = "ok";
      group.chain_due = group.rows_due;
      return;
    }
    if (missing > dropped) {
      group.accounting = "problem";
      last.add({"accounting", group.name, 0, 0, 1,
                text(missing) + " rows are missing from " + group.name +
                    "/time (before its first row and in its gaps, over the recording's "
                    "segments) but /_status counts only " +
                    text(dropped) + " dropped"});
      return;
    }
    double after = 1.0;  // rows that may have been due after the last stored row
    if (previous != nullptr) {
      after += std::floor(ns_between(previous->last_time_ns, last.last_status_time_ns) / period) +
               std::ceil(kClockDrift * ns_between(chain_first_ns, previous->last_time_ns) / period);
    }
    if (static_cast<double>(dropped - missing) > after) {
      group.accounting = "problem";
      last.add({"accounting", group.name, 0, 0, 1,
                "/_status counts " + text(dropped) + " rows of " + group.name +
                    " dropped, but only " + text(missing) +
                    " are missing before its last row and at most " +
                    text(static_cast<uint64_t>(after)) + " can have been due after it"});
      return;
    }
    group.accounting = "ok";
    group.chain_due = stored + dropped;
  }

  std::vector<FileReport>& reports_;
  std::vector<size_t> chain_;
};

}  // namespace

void check_accounting(std::vector<FileReport>& reports) {
  // Segments are found by name in their directory: previous_segment is a file name.
  std::map<std::pair<std::string, std::string>, size_t> by_name;
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].kind != FileKind::kRecording) continue;
    by_name.emplace(
        std::pair{platform::directory_of(reports[i].path), platform::file_name_of(reports[i].path)},
        i);
  }
  std::vector<std::ptrdiff_t> next(reports.size(), -1);
  std::vector<bool> has_previous(reports.size(), false);
  for (size_t j = 0; j < reports.size(); ++j) {
    const FileReport& r = reports[j];
    if (r.kind != FileKind::kRecording || r.previous_segment.empty()) continue;
    const auto found = by_name.find({platform::directory_of(r.path), r.previous_segment});
    if (found == by_name.end() || next[found->second] != -1) continue;
    const FileReport& p = reports[found->second];
    if (p.device_id != r.device_id || p.segment + 1 != r.segment) continue;
    next[found->second] = static_cast<std::ptrdiff_t>(j);
    has_previous[j] = true;
  }
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].kind != FileKind::kRecording || has_previous[i]) continue;
    std::vector<size_t> chain{i};
    while (next[chain.back()] != -1) chain.push_back(static_cast<size_t>(next[chain.back()]));
    std::string why;
    if (reports[i].segment != 1) {
      why = "segment " + std::to_string(reports[i].segment) + " follows '" +
            reports[i].previous_segment + "', not verified with it (or unreadable)";
    }
    ChainAccounting(reports, std::move(chain)).check(why);
  }
}

}  // namespace h5rec::tools
