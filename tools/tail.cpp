#include "tools/tail.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <vector>

#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/exit_code.hpp"
#include "tools/guarded_read.hpp"
#include "tools/recording_paths.hpp"
#include "tools/recording_reader.hpp"

namespace h5rec::tools {
namespace {

// How long to wait, after the followed segment closed, for the recorder to open the next one.
constexpr int64_t kRotationWaitNs = 30 * platform::kNsPerSecond;
// Values (time plus every element of every printed column) read and printed per block: what
// tail holds in memory, whatever -n asks for (a few MB of text at most).
constexpr uint64_t kBlockValues = 16384;

struct Selection {
  size_t group;
  std::vector<size_t> columns;  // data columns (never a recording's time column)
};

Result<std::vector<Selection>> select(const RecordingReader& r, const std::string& channel) {
  const bool recording = r.layout() == Layout::kRecording;
  std::vector<Selection> out;
  for (size_t g = 0; g < r.groups().size(); ++g) {
    const std::string& group = r.groups()[g];
    if (recording && group == kStatusGroup && channel.empty()) continue;
    Selection s{g, {}};
    const auto cols = r.columns(g);
    for (size_t c = r.first_data_column(); c < cols.size(); ++c) {
      if (channel.empty() || channel == cols[c].name ||
          (recording && channel == group + "/" + cols[c].name)) {
        s.columns.push_back(c);
      }
    }
    if (!s.columns.empty()) out.push_back(std::move(s));
  }
  if (out.empty() && channel.empty()) return Error{r.path() + ": the recording has no channels"};
  if (out.empty()) return Error{r.path() + ": no channel '" + channel + "'"};
  if (!channel.empty() && out.size() > 1) {
    return Error{r.path() + ": channel '" + channel +
                 "' exists in several groups; name it as group/channel"};
  }
  return out;
}

// Prints rows [first, first + count) of a selection, kBlockValues values at a time.
Status print_rows(const RecordingReader& r, const Selection& s, uint64_t first, uint64_t count,
                  bool single_channel) {
  const bool timed = r.layout() == Layout::kRecording;
  const auto cols = r.columns(s.group);
  uint64_t values_per_row = 1;
  for (size_t c : s.columns) {
    uint64_t elements = 1;
    for (size_t d = 1; d < cols[c].dims.size(); ++d) elements *= cols[c].dims[d];
    values_per_row += elements;
  }
  const uint64_t block = std::max<uint64_t>(1, kBlockValues / values_per_row);
  std::vector<std::vector<std::string>> values(s.columns.size());
  std::string line;
  for (uint64_t at = first; at < first + count;) {
    const uint64_t n = std::min(block, first + count - at);
    std::vector<int64_t> times;
    if (timed) {
      auto read = r.read_int64(s.group, 0, at, n);
      if (!read) return read.error();
      times = std::move(read.value());
    }
    for (size_t k = 0; k < s.columns.size(); ++k) {
      auto v = r.read_text(s.group, s.columns[k], at, n);
      if (!v) return v.error();
      values[k] = std::move(v.value());
    }
    for (uint64_t i = 0; i < n; ++i) {
      line = timed ? format_utc_iso8601(times[i]) : std::to_string(at + i);
      if (single_channel) {
        line += " " + values[0][i];
      } else {
        if (timed) line += " " + r.groups()[s.group];
        for (size_t k = 0; k < s.columns.size(); ++k) {
          line += " " + cols[s.columns[k]].name + "=" + values[k][i];
        }
      }
      std::fputs(line.c_str(), stdout);
      std::fputc('\n', stdout);
    }
    at += n;
  }
  std::fflush(stdout);
  return {};
}

// Prints the rows of `r` past `printed` (per selection); false on a read error (reported).
bool print_new_rows(RecordingReader& r, const std::vector<Selection>& selection,
                    std::vector<uint64_t>& printed, bool single) {
  for (size_t i = 0; i < selection.size(); ++i) {
    const Selection& s = selection[i];
    const uint64_t rows = r.rows(s.group);
    if (rows <= printed[i]) continue;
    if (Status st = print_rows(r, s, printed[i], rows - printed[i], single); !st) {
      std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
      return false;
    }
    printed[i] = rows;
  }
  return true;
}

// The segment after `closed` in the chain of its directory (segments are named by their start
// time), or "" when it is the newest.
std::string successor(const std::string& closed) {
  platform::PosixStorage storage;
  const std::filesystem::path path(closed);
  auto chains = chains_in_directory(storage, path.parent_path().empty() ? "." : path.parent_path());
  if (!chains) return {};
  for (const RecordingChain& chain : chains.value()) {
    for (size_t i = 0; i + 1 < chain.segments.size(); ++i) {
      if (std::filesystem::path(chain.segments[i]).filename() == path.filename()) {
        return chain.segments[i + 1];
      }
    }
  }
  return {};
}

// After the followed segment closed: the segment the live link points to next, once the
// recorder has made it. When the link is gone (the recorder stopped), the segment after the
// closed one if there is one: a rotation just before the stop leaves a last segment the link
// may have pointed to only briefly. Else empty.
std::string next_segment(const std::string& link, const std::string& closed,
                         platform::PosixClock& clock, const std::atomic<bool>& interrupt) {
  platform::PosixStorage storage;
  const int64_t give_up = clock.monotonic_ns() + kRotationWaitNs;
  while (!interrupt.load() && clock.monotonic_ns() < give_up) {
    if (!storage.is_symlink(link)) return successor(closed);
    auto target = storage.resolve(link);
    if (target && target.value() != closed) return target.value();
    clock.sleep_until(clock.monotonic_ns() + 50 * platform::kNsPerMs);
  }
  return {};
}

// The segment the live link points to now, if not `current`; else "".
std::string link_moved_on(const std::string& link, const std::string& current) {
  platform::PosixStorage storage;
  auto target = storage.resolve(link);
  return target && target.value() != current ? target.value() : std::string();
}

// The newest segment of a chain that holds rows (a recording may end with an empty one), else
// its newest.
std::string newest_with_rows(const RecordingChain& chain) {
  for (auto segment = chain.segments.rbegin(); segment != chain.segments.rend(); ++segment) {
    auto opened = RecordingReader::open(*segment);
    if (!opened) continue;
    const RecordingReader& r = opened.value();
    for (size_t g = 0; g < r.groups().size(); ++g) {
      const bool status = r.layout() == Layout::kRecording && r.groups()[g] == kStatusGroup;
      if (!status && r.rows(g) > 0) return *segment;
    }
  }
  return chain.segments.back();
}

}  // namespace

int tail_file(const std::string& path, const TailOptions& options,
              const std::atomic<bool>& interrupt) {
  auto opened = RecordingReader::open(path);
  if (!opened) {
    std::fprintf(stderr, "h5rec tail: %s\n", opened.message().c_str());
    return kExitBadInput;
  }
  auto selection = select(opened.value(), options.channel);
  if (!selection) {
    std::fprintf(stderr, "h5rec tail: %s\n", selection.message().c_str());
    return kExitBadInput;
  }
  const bool single = !options.channel.empty();
  std::vector<uint64_t> printed;
  for (const Selection& s : selection.value()) {
    const uint64_t rows = opened->rows(s.group);
    printed.push_back(rows > options.lines ? rows - options.lines : 0);
  }
  if (!print_new_rows(opened.value(), selection.value(), printed, single)) return kExitBadInput;
  if (!options.follow) return 0;

  platform::PosixClock clock;
  platform::PosixStorage storage;
  const bool through_link = storage.is_symlink(path);
  const auto poll_ns = static_cast<int64_t>(options.poll_s * 1e9);
  while (!interrupt.load()) {
    RecordingReader& r = opened.value();
    // Read the state before the rows: rows made visible by the final close (or left by a writer
    // that is gone) are still printed.
    const FileState state = r.state();
    if (Status st = r.refresh(); !st) {
      std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
      return kExitRuntime;
    }
    if (!print_new_rows(r, selection.value(), printed, single)) return kExitRuntime;
    if (state == FileState::kLive) {
      clock.sleep_until(clock.monotonic_ns() + poll_ns);
      continue;
    }
    // Followed through the recorder's live link: go on with the next segment from its start. A
    // segment its writer gave up (storage failures) is left unclean while the recorder goes on.
    std::string next;
    if (through_link && state == FileState::kClosed) {
      next = next_segment(path, r.path(), clock, interrupt);
    } else if (through_link) {
      next = link_moved_on(path, r.path());
    }
    if (state == FileState::kUnclean) {
      std::fprintf(stderr,
                   "h5rec tail: %s: unclean: the writer stopped without closing it; run h5rec "
                   "recover%s%s\n",
                   r.path().c_str(), next.empty() ? "" : "; following ", next.c_str());
      if (next.empty()) return kExitRuntime;
    }
    if (next.empty()) return 0;
    auto reopened = RecordingReader::open(next);
    if (!reopened) {
      std::fprintf(stderr, "h5rec tail: %s\n", reopened.message().c_str());
      return kExitRuntime;
    }
    auto reselected = select(reopened.value(), options.channel);
    if (!reselected) {
      std::fprintf(stderr, "h5rec tail: %s\n", reselected.message().c_str());
      return kExitBadInput;
    }
    opened = std::move(reopened);
    selection = std::move(reselected);
    printed.assign(selection->size(), 0);
  }
  return 0;
}

int run_tail(const TailOptions& options, const std::atomic<bool>& interrupt) {
  platform::PosixStorage storage;
  int exit_code = 0;
  std::vector<std::string> files;
  for (const std::string& named : options.paths) {
    if (!storage.list_directory(named)) {
      files.push_back(normal_path(named));
      continue;
    }
    auto chains = chains_in_directory(storage, named);
    if (!chains) {
      std::fprintf(stderr, "h5rec tail: %s\n", chains.message().c_str());
      exit_code = kExitBadInput;
      continue;
    }
    for (const RecordingChain& chain : chains.value()) {
      const bool through_link = options.follow && !chain.live_link.empty();
      files.push_back(through_link ? chain.live_link : newest_with_rows(chain));
    }
  }
  // A live link and the segment it points to are one file.
  std::set<std::string> seen;
  std::erase_if(files, [&](const std::string& f) {
    auto resolved = storage.resolve(f);
    return resolved && !seen.insert(resolved.value()).second;
  });
  if (options.follow && files.size() > 1) {
    std::fprintf(stderr, "h5rec tail: --follow follows one recording; %zu are named\n",
                 files.size());
    return kExitUsage;
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (files.size() > 1) {
      std::printf("%s==> %s <==\n", i == 0 ? "" : "\n", files[i].c_str());
      std::fflush(stdout);
    }
    const double limit_s = options.follow ? 0 : options.timeout_s;
    exit_code = std::max(exit_code, guarded_read("tail", files[i], limit_s, [&] {
                           return tail_file(files[i], options, interrupt);
                         }));
  }
  return exit_code;
}

}  // namespace h5rec::tools
