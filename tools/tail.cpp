#include "tools/tail.hpp"

#include <cstdio>
#include <vector>

#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/recording_reader.hpp"

namespace h5rec::tools {
namespace {

// How long to wait, after the followed segment closed, for the recorder to open the next one.
constexpr int64_t kRotationWaitNs = 30 * platform::kNsPerSecond;

struct Selection {
  size_t group;
  std::vector<size_t> columns;  // data columns (never 0, the time column)
};

Result<std::vector<Selection>> select(const RecordingReader& r, const std::string& channel) {
  std::vector<Selection> out;
  for (size_t g = 0; g < r.groups().size(); ++g) {
    const std::string& group = r.groups()[g];
    if (group == kStatusGroup && channel.empty()) continue;
    Selection s{g, {}};
    const auto cols = r.columns(g);
    for (size_t c = 1; c < cols.size(); ++c) {
      if (channel.empty() || channel == cols[c].name || channel == group + "/" + cols[c].name) {
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

Status print_rows(const RecordingReader& r, const Selection& s, uint64_t first, uint64_t count,
                  bool single_channel) {
  auto times = r.read_int64(s.group, 0, first, count);
  if (!times) return times.error();
  const auto cols = r.columns(s.group);
  std::vector<std::vector<std::string>> values;
  for (size_t c : s.columns) {
    auto v = r.read_text(s.group, c, first, count);
    if (!v) return v.error();
    values.push_back(std::move(v.value()));
  }
  for (uint64_t i = 0; i < count; ++i) {
    std::string line = format_utc_iso8601(times.value()[i]);
    if (single_channel) {
      line += " " + values[0][i];
    } else {
      line += " " + r.groups()[s.group];
      for (size_t k = 0; k < s.columns.size(); ++k) {
        line += " " + cols[s.columns[k]].name + "=" + values[k][i];
      }
    }
    std::printf("%s\n", line.c_str());
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

// After the followed segment closed: the segment the live link points to next, once the
// recorder has made it; empty when the recorder has stopped (link removed) or none came.
std::string next_segment(const std::string& link, const std::string& closed,
                         platform::PosixClock& clock, const std::atomic<bool>& interrupt) {
  platform::PosixStorage storage;
  const int64_t give_up = clock.monotonic_ns() + kRotationWaitNs;
  while (!interrupt.load() && clock.monotonic_ns() < give_up) {
    if (!storage.is_symlink(link)) return {};
    auto target = storage.resolve(link);
    if (target && target.value() != closed) return target.value();
    clock.sleep_until(clock.monotonic_ns() + 50 * platform::kNsPerMs);
  }
  return {};
}

}  // namespace

int run_tail(const TailOptions& options, const std::atomic<bool>& interrupt) {
  auto opened = RecordingReader::open(options.path);
  if (!opened) {
    std::fprintf(stderr, "h5rec tail: %s\n", opened.message().c_str());
    return 2;
  }
  auto selection = select(opened.value(), options.channel);
  if (!selection) {
    std::fprintf(stderr, "h5rec tail: %s\n", selection.message().c_str());
    return 2;
  }
  const bool single = !options.channel.empty();
  std::vector<uint64_t> printed;
  for (const Selection& s : selection.value()) {
    const uint64_t rows = opened->rows(s.group);
    printed.push_back(rows > options.lines ? rows - options.lines : 0);
  }
  if (!print_new_rows(opened.value(), selection.value(), printed, single)) return 2;
  if (!options.follow) return 0;

  platform::PosixClock clock;
  platform::PosixStorage storage;
  const bool through_link = storage.is_symlink(options.path);
  const auto poll_ns = static_cast<int64_t>(options.poll_s * 1e9);
  while (!interrupt.load()) {
    RecordingReader& r = opened.value();
    // Read the state before the rows: rows made visible by the final close are still printed.
    const bool closed = r.state() == FileState::kClosed;
    if (Status st = r.refresh(); !st) {
      std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
      return 1;
    }
    if (!print_new_rows(r, selection.value(), printed, single)) return 1;
    if (closed) {
      // Followed through the recorder's live link: go on with the next segment from its start.
      const std::string next = through_link ? next_segment(options.path, r.path(), clock, interrupt)
                                            : std::string();
      if (next.empty()) return 0;
      auto reopened = RecordingReader::open(next);
      if (!reopened) {
        std::fprintf(stderr, "h5rec tail: %s\n", reopened.message().c_str());
        return 1;
      }
      auto reselected = select(reopened.value(), options.channel);
      if (!reselected) {
        std::fprintf(stderr, "h5rec tail: %s\n", reselected.message().c_str());
        return 2;
      }
      opened = std::move(reopened);
      selection = std::move(reselected);
      printed.assign(selection->size(), 0);
      continue;
    }
    clock.sleep_until(clock.monotonic_ns() + poll_ns);
  }
  return 0;
}

}  // namespace h5rec::tools
