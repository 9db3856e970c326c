#include "tools/recover.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/exit_code.hpp"
#include "tools/recording_paths.hpp"
#include "tools/recording_reader.hpp"

namespace h5rec::tools {
namespace {

std::string rows_text(uint64_t rows) {
  return std::to_string(rows) + (rows == 1 ? " row" : " rows");
}

// "fast 3000 rows, slow 30 rows": the rows of every group's time (not _status's); for a file
// without groups of a recording, of every dataset.
std::string kept_rows(const journal::RecoveryReport& r) {
  constexpr std::string_view kTime = "/time";
  std::string groups, datasets;
  for (const journal::DatasetRows& d : r.datasets) {
    datasets += (datasets.empty() ? "" : ", ") + d.name + " " + rows_text(d.rows);
    if (d.name.size() <= kTime.size() || !d.name.ends_with(kTime)) continue;
    const std::string group = d.name.substr(0, d.name.size() - kTime.size());
    if (group == kStatusGroup) continue;
    groups += (groups.empty() ? "" : ", ") + group + " " + rows_text(d.rows);
  }
  return groups.empty() ? datasets : groups;
}

// The time of the last row the recording kept (the latest of its groups'), if it has one.
std::optional<int64_t> last_row_time(const std::string& path) {
  auto opened = RecordingReader::open(path);
  if (!opened || opened->layout() != Layout::kRecording) return std::nullopt;
  const RecordingReader& r = opened.value();
  std::optional<int64_t> last;
  for (size_t g = 0; g < r.groups().size(); ++g) {
    const uint64_t rows = r.rows(g);
    if (r.groups()[g] == kStatusGroup || rows == 0) continue;
    auto time = r.read_int64(g, 0, rows - 1, 1);
    if (time) last = std::max(last.value_or(INT64_MIN), time.value().front());
  }
  return last;
}

}  // namespace

int run_recover(const std::string& path, bool verbose) {
  platform::PosixStorage storage;
  const std::string normal = normal_path(path);
  auto reports = journal::recover_path(storage, normal);
  if (!reports) {
    std::fprintf(stderr, "h5rec recover: %s\n", reports.message().c_str());
    return kExitNoInput;
  }
  if (reports->empty()) std::printf("%s: no HDF5 files\n", normal.c_str());
  int exit_code = 0;
  for (const journal::RecoveryReport& r : reports.value()) {
    std::string line = r.path + ": " + journal::describe(r.outcome);
    const bool kept = r.outcome == journal::RecoveryOutcome::kClean ||
                      r.outcome == journal::RecoveryOutcome::kRecovered;
    if (kept) {
      if (const std::string rows = kept_rows(r); !rows.empty()) line += ": " + rows;
      if (const auto last = last_row_time(r.path)) {
        line += ", last row " + format_utc_iso8601(*last);
      }
    }
    if (!r.detail.empty()) line += " (" + r.detail + ")";
    std::printf("%s\n", line.c_str());
    if (verbose) {
      for (const journal::DatasetRows& d : r.datasets) {
        std::printf("  %-40s %s\n", d.name.c_str(), rows_text(d.rows).c_str());
      }
    }
    if (r.outcome == journal::RecoveryOutcome::kUnrecoverable) exit_code = kExitBadInput;
  }
  return exit_code;
}

}  // namespace h5rec::tools
