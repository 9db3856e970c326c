#include "recorder/utc_time.hpp"

#include <chrono>
#include <cstdio>

namespace h5rec {
namespace {

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
  int64_t nanos;
};

Civil to_civil(int64_t ns) {
  using namespace std::chrono;
  const sys_time<nanoseconds> tp{nanoseconds{ns}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<nanoseconds> hms{tp - day};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()), hms.subseconds().count()};
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
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  long long nanos = 0;
  int used = 0;
  if (text.size() != 30 ||
      std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u.%9lldZ%n", &year, &month, &day, &hour,
                  &minute, &second, &nanos, &used) != 7 ||
      used != 30) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59 || nanos < 0) return std::nullopt;
  const sys_days days_since_epoch{ymd};
  return static_cast<int64_t>(days_since_epoch.time_since_epoch().count()) * 86'400'000'000'000 +
         (static_cast<int64_t>(hour) * 3600 + minute * 60 + second) * 1'000'000'000 + nanos;
}

std::string format_utc_compact(int64_t ns_since_epoch) {
  const Civil c = to_civil(ns_since_epoch);
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02u%02u%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return text;
}

}  // namespace h5rec
