#include "tools/tail.hpp"

#include <cstdio>
#include <vector>

#include "platform/posix/posix_clock.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/recording_reader.hpp"

namespace h5rec::tools {
namespace {

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

}  // namespace

int run_tail(const TailOptions& options, const std::atomic<bool>& interrupt) {
  auto opened = RecordingReader::open(options.path);
  if (!opened) {
    std::fprintf(stderr, "h5rec tail: %s\n", opened.message().c_str());
    return 2;
  }
  RecordingReader& r = opened.value();
  auto selection = select(r, options.channel);
  if (!selection) {
    std::fprintf(stderr, "h5rec tail: %s\n", selection.message().c_str());
    return 2;
  }
  const bool single = !options.channel.empty();
  std::vector<uint64_t> printed;
  for (const Selection& s : selection.value()) {
    const uint64_t rows = r.rows(s.group);
    const uint64_t first = rows > options.lines ? rows - options.lines : 0;
    if (Status st = print_rows(r, s, first, rows - first, single); !st) {
      std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
      return 2;
    }
    printed.push_back(rows);
  }
  if (!options.follow) return 0;

  platform::PosixClock clock;
  const auto poll_ns = static_cast<int64_t>(options.poll_s * 1e9);
  while (!interrupt.load()) {
    // Read the state before the rows: rows made visible by the final close are still printed.
    const bool closed = r.state() == FileState::kClosed;
    if (Status st = r.refresh(); !st) {
      std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
      return 1;
    }
    for (size_t i = 0; i < selection.value().size(); ++i) {
      const Selection& s = selection.value()[i];
      const uint64_t rows = r.rows(s.group);
      if (rows <= printed[i]) continue;
      if (Status st = print_rows(r, s, printed[i], rows - printed[i], single); !st) {
        std::fprintf(stderr, "h5rec tail: %s\n", st.message().c_str());
        return 1;
      }
      printed[i] = rows;
    }
    if (closed) return 0;
    clock.sleep_until(clock.monotonic_ns() + poll_ns);
  }
  return 0;
}

}  // namespace h5rec::tools
