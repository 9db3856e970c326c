#include "drivers/gps/gps_snapshot.hpp"

namespace h5rec::platform {
namespace {

constexpr int64_t kNsPerS = 1'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

const GpsFieldInfo* gps_field_named(std::string_view name) {
  for (const GpsFieldInfo& f : kGpsFields) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string gps_field_names() {
  std::string names;
  for (const GpsFieldInfo& f : kGpsFields)
    names += (names.empty() ? "" : ", ") + std::string(f.name);
  return names;
}

double gps_time_offset_s(const NmeaDate& date, const NmeaTimeOfDay& time, int64_t realtime_ns) {
  const int64_t whole_s = days_from_civil(date.year, date.month, date.day) * 86400 +
                          time.hour * 3600 + time.minute * 60;
  const int64_t real_s = realtime_ns / kNsPerS;
  const int64_t real_frac_ns = realtime_ns % kNsPerS;
  return static_cast<double>(whole_s - real_s) +
         (time.second - static_cast<double>(real_frac_ns) * 1e-9);
}

void GpsSnapshot::set(GpsField field, double value, int64_t monotonic_ns) {
  readings_[static_cast<size_t>(field)] = GpsReading{value, monotonic_ns, true};
}

void GpsSnapshot::count_reject(int64_t monotonic_ns) {
  set(GpsField::kRejected, static_cast<double>(rejects_.total()), monotonic_ns);
}

void GpsSnapshot::count_dropped_line(NmeaLineEvent event, int64_t monotonic_ns) {
  switch (event) {
    case NmeaLineEvent::kTooLong:
      ++rejects_.too_long;
      break;
    case NmeaLineEvent::kGarbage:
      ++rejects_.garbage;
      break;
    case NmeaLineEvent::kTruncated:
      ++rejects_.truncated;
      break;
    case NmeaLineEvent::kNone:
    case NmeaLineEvent::kLine:
      return;
  }
  count_reject(monotonic_ns);
}

void GpsSnapshot::apply(NmeaParseResult result, const NmeaSentence& s, int64_t monotonic_ns,
                        int64_t realtime_ns) {
  switch (result) {
    case NmeaParseResult::kNoChecksum:
    case NmeaParseResult::kBadChecksum:
      ++rejects_.bad_checksum;
      count_reject(monotonic_ns);
      return;
    case NmeaParseResult::kMalformed:
      ++rejects_.malformed;
      count_reject(monotonic_ns);
      return;
    case NmeaParseResult::kIgnored:
    case NmeaParseResult::kOk:
      ++sentences_;
      set(GpsField::kSentences, static_cast<double>(sentences_), monotonic_ns);
      break;
  }
  if (result != NmeaParseResult::kOk) return;
  const auto set_if = [&](GpsField field, const auto& value) {
    if (value) set(field, static_cast<double>(*value), monotonic_ns);
  };
  switch (s.type) {
    case NmeaType::kGga:
      set_if(GpsField::kFix, s.quality);
      set_if(GpsField::kSatellites, s.satellites);
      if (s.valid) {
        set_if(GpsField::kLatitude, s.latitude);
        set_if(GpsField::kLongitude, s.longitude);
        set_if(GpsField::kAltitude, s.altitude_m);
        set_if(GpsField::kHdop, s.hdop);
      }
      break;
    case NmeaType::kRmc:
      if (s.valid) {
        set_if(GpsField::kLatitude, s.latitude);
        set_if(GpsField::kLongitude, s.longitude);
        set_if(GpsField::kSpeed, s.speed_mps);
      }
      break;
    case NmeaType::kGsa:
      set_if(GpsField::kFixType, s.fix_type);
      if (s.valid) set_if(GpsField::kHdop, s.hdop);
      break;
    case NmeaType::kZda:
    case NmeaType::kOther:
      break;
  }
  const bool carries_time = s.type == NmeaType::kZda || s.type == NmeaType::kRmc;
  if (carries_time && s.valid && s.time && s.date) {
    set(GpsField::kTimeOffset, gps_time_offset_s(*s.date, *s.time, realtime_ns), monotonic_ns);
  }
}

}  // namespace h5rec::platform
