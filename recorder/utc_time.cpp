#include "recorder/utc_time.hpp"

#include <chrono>
#include <cstdio>
#include <string_view>

namespace h5rec {
namespace {

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
  int64_t nanos;
};

// Any int64 (1677-09-21 to 2262-04-11): the day is split off by integer division, not by
// std::chrono's floor<days>, whose multiplication back to nanoseconds overflows before 1677-09-22
// (a damaged time column reaches it: tests/fuzz/recording_reader).
Civil to_civil(int64_t ns) {
  using namespace std::chrono;
  constexpr int64_t kNsPerDay = int64_t{86'400} * 1'000'000'000;
  int64_t day = ns / kNsPerDay;
  int64_t in_day = ns % kNsPerDay;
  if (in_day < 0) {
    in_day += kNsPerDay;
    --day;
  }
  const year_month_day ymd{sys_days{days{day}}};
  const hh_mm_ss<nanoseconds> hms{nanoseconds{in_day}};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()),
          hms.subseconds().count()};
}

}  // namespace

std::string format_utc_iso8601(int64_t ns_since_epoch) {
  const Civil c = to_civil(ns_since_epoch);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02u:%02u:%02u.%09lldZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second, static_cast<long long>(c.nanos));
  return text;
}

std::optional<int64_t> parse_utc_iso8601(const std::string& text) {
  // "YYYY-MM-DDThh:mm:ss.fffffffffZ": fixed positions, digits only.
  constexpr std::string_view kPattern = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
  if (text.size() != kPattern.size()) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kPattern[i] == 'd' ? !digit : text[i] != kPattern[i]) return std::nullopt;
  }
  const auto number = [&](size_t at, size_t n) {
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  using namespace std::chrono;
  const year_month_day ymd{year{static_cast<int>(number(0, 4))},
                           month{static_cast<unsigned>(number(5, 2))},
                           day{static_cast<unsigned>(number(8, 2))}};
  const int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const int64_t days_since_epoch = sys_days{ymd}.time_since_epoch().count();
  return (days_since_epoch * 86'400 + hour * 3600 + minute * 60 + second) * 1'000'000'000 +
         number(20, 9);
}

std::string format_utc_compact(int64_t ns_since_epoch) {
  const Civil c = to_civil(ns_since_epoch);
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02u%02u%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return text;
}

}  // namespace h5rec
