#include "tools/info.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "platform/path.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/shape_text.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/exit_code.hpp"
#include "tools/guarded_read.hpp"
#include "tools/recording_paths.hpp"
#include "tools/recording_reader.hpp"

namespace h5rec::tools {
namespace {

// The last value of /_status/<column>, or "?" if the file has none yet.
std::string last_status(const RecordingReader& r, size_t status_group, const std::string& column) {
  const uint64_t rows = r.rows(status_group);
  const auto cols = r.columns(status_group);
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].name != column || rows == 0) continue;
    auto v = r.read_text(status_group, c, rows - 1, 1);
    if (v) return v.value().front();
  }
  return "?";
}

// "[a, b, c]" (a row of /_status/<group>_channel_errors) as its numbers.
std::vector<std::string> split_row(std::string text) {
  std::vector<std::string> values;
  if (text.size() < 2 || text.front() != '[') return values;
  text = text.substr(1, text.size() - 2);
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(", ", at), text.size());
    values.push_back(text.substr(at, comma - at));
    at = comma + 2;
  }
  return values;
}

// The recording part of info_file: groups, channels, status.
void print_recording(const RecordingReader& r) {
  std::printf("format:   h5rec %s (written by h5rec %s)\n",
              r.root_attribute("h5rec_format").c_str(), r.root_attribute("h5rec_version").c_str());
  std::printf("device:   %s\n", r.root_attribute("device_id").c_str());
  std::printf("started:  %s\n", r.root_attribute("start_time_utc").c_str());
  std::printf("state:    %s\n", describe(r.state()));
  size_t status_group = r.groups().size();
  for (size_t g = 0; g < r.groups().size(); ++g) {
    if (r.groups()[g] == kStatusGroup) status_group = g;
  }
  for (size_t g = 0; g < r.groups().size(); ++g) {
    if (g == status_group) continue;
    const std::string& name = r.groups()[g];
    const uint64_t rows = r.rows(g);
    std::printf("\ngroup %s: %g Hz, %llu rows", name.c_str(), r.rate_hz(g),
                static_cast<unsigned long long>(rows));
    if (rows > 0) {
      auto first = r.read_int64(g, 0, 0, 1);
      auto last = r.read_int64(g, 0, rows - 1, 1);
      if (first && last) {
        std::printf(
            ", %s .. %s (%.3f s)", format_utc_iso8601(first.value()[0]).c_str(),
            format_utc_iso8601(last.value()[0]).c_str(),
            // In double: a damaged time column may hold any two int64s.
            (static_cast<double>(last.value()[0]) - static_cast<double>(first.value()[0])) * 1e-9);
      }
    }
    std::vector<std::string> channel_errors;
    if (status_group < r.groups().size()) {
      std::printf(", dropped %s rows, sensor errors %s",
                  last_status(r, status_group, name + "_dropped_rows").c_str(),
                  last_status(r, status_group, name + "_sensor_errors").c_str());
      channel_errors = split_row(last_status(r, status_group, name + "_channel_errors"));
    }
    std::printf("\n");
    const auto cols = r.columns(g);
    for (size_t c = 1; c < cols.size(); ++c) {
      std::string errors;
      if (c - 1 < channel_errors.size() && channel_errors[c - 1] != "0") {
        errors = "  (" + channel_errors[c - 1] + " failed reads)";
      }
      std::printf("  %-24s %-8s %-16s %s%s\n", cols[c].name.c_str(), cols[c].type.c_str(),
                  shape_text(cols[c].dims).c_str(), cols[c].units.c_str(), errors.c_str());
    }
  }
  if (status_group < r.groups().size()) {
    std::printf("\nstatus: %llu rows, checkpoints %s, storage errors %s, last checkpoint %s ns\n",
                static_cast<unsigned long long>(r.rows(status_group)),
                last_status(r, status_group, "checkpoints").c_str(),
                last_status(r, status_group, "storage_errors").c_str(),
                last_status(r, status_group, "checkpoint_duration_ns").c_str());
  }
}

// A logger file: one line per dataset (name, type, shape, which holds the rows).
void print_logger(const RecordingReader& r) {
  std::printf("format:   h5logger layout (a logger file: one dataset per logged name)\n");
  std::printf("state:    %s\n", describe(r.state()));
  std::printf("\n%zu dataset%s:\n", r.groups().size(), r.groups().size() == 1 ? "" : "s");
  for (size_t g = 0; g < r.groups().size(); ++g) {
    const ColumnInfo c = r.columns(g).front();
    std::printf("  %-24s %-8s %-16s %s\n", c.name.c_str(), c.type.c_str(),
                shape_text(c.dims).c_str(), c.units.c_str());
  }
}

}  // namespace

int info_file(const std::string& path) {
  auto opened = RecordingReader::open(path);
  if (!opened) {
    std::fprintf(stderr, "h5rec info: %s\n", opened.message().c_str());
    return kExitBadInput;
  }
  const RecordingReader& r = opened.value();
  std::printf("file:     %s\n", path.c_str());
  platform::PosixStorage storage;
  if (storage.is_symlink(path)) std::printf("link to:  %s\n", r.path().c_str());
  if (r.layout() == Layout::kLogger) {
    print_logger(r);
  } else {
    print_recording(r);
  }
  std::fflush(stdout);
  return 0;
}

int run_info(const std::vector<std::string>& paths, double timeout_s) {
  platform::PosixStorage storage;
  int exit_code = 0;
  bool first = true;
  std::set<std::string> seen;  // files, links resolved: a live link and its segment once
  const auto one_file = [&](const std::string& path) {
    auto resolved = storage.resolve(path);
    if (resolved && !seen.insert(resolved.value()).second) return;
    if (!first) std::printf("\n");
    first = false;
    exit_code =
        std::max(exit_code, guarded_read("info", path, timeout_s, [&] { return info_file(path); }));
  };
  for (const std::string& named : paths) {
    if (!storage.list_directory(named)) {
      one_file(normal_path(named));
      continue;
    }
    auto chains = chains_in_directory(storage, named);
    if (!chains) {
      std::fprintf(stderr, "h5rec info: %s\n", chains.message().c_str());
      exit_code = kExitBadInput;
      continue;
    }
    for (const RecordingChain& chain : chains.value()) {
      if (!first) std::printf("\n");
      // The link is there while a recorder runs, and after one that crashed: states tell which.
      auto target =
          chain.live_link.empty() ? Result<std::string>(Error{}) : storage.resolve(chain.live_link);
      const std::string link = target ? "; " + platform::file_name_of(chain.live_link) + " -> " +
                                            platform::file_name_of(target.value())
                                      : "";
      std::printf("== %s: %zu segment%s, oldest first%s ==\n", chain.name.c_str(),
                  chain.segments.size(), chain.segments.size() == 1 ? "" : "s", link.c_str());
      first = true;
      for (const std::string& segment : chain.segments) one_file(segment);
      first = false;
    }
  }
  return exit_code;
}

}  // namespace h5rec::tools
