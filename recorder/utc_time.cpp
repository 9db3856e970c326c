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

std::string format_utc_compact(int64_t ns_since_epoch) {
  const Civil c = to_civil(ns_since_epoch);
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02u%02u%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return text;
}

}  // namespace h5rec
