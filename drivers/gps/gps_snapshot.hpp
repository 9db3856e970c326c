// What a GPS receiver has said so far: the latest value of each channel field, when it came
// (monotonic ns, so a reader can tell a stale fix), and how many lines were accepted or rejected.
// Built by the port's reader thread from parsed sentences, copied out by the channels.
// Pure C++, no OS calls, no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/gps/nmea_line_splitter.hpp"
#include "drivers/gps/nmea_sentence.hpp"

namespace h5rec::platform {

// The fields a channel can record (params.field), in the order of kGpsFields.
enum class GpsField {
  kFix,         // GGA fix quality (0 none, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 estimated)
  kFixType,     // GSA fix type (1 none, 2 2D, 3 3D)
  kLatitude,    // degrees_north (GGA, RMC with a fix)
  kLongitude,   // degrees_east
  kAltitude,    // m above mean sea level (GGA with a fix)
  kSatellites,  // satellites in use (GGA)
  kHdop,        // horizontal dilution of precision (GGA, GSA with a fix)
  kSpeed,       // m/s over ground (RMC with a fix)
  kTimeOffset,  // s: GPS UTC (RMC with a fix, ZDA) minus the system's realtime clock at reception
  kSentences,   // lines accepted since the port was opened (well formed, checksum right, any type)
  kRejected,    // lines rejected since the port was opened (checksum, form, length, garbage)
};

struct GpsFieldInfo {
  GpsField field;
  const char* name;   // as params.field spells it
  const char* units;  // UDUNITS
  bool counter;       // a count of lines: never stale
};

inline constexpr std::array<GpsFieldInfo, 11> kGpsFields{{
    {GpsField::kFix, "fix", "1", false},
    {GpsField::kFixType, "fix_type", "1", false},
    {GpsField::kLatitude, "latitude", "degrees_north", false},
    {GpsField::kLongitude, "longitude", "degrees_east", false},
    {GpsField::kAltitude, "altitude", "m", false},
    {GpsField::kSatellites, "satellites", "1", false},
    {GpsField::kHdop, "hdop", "1", false},
    {GpsField::kSpeed, "speed", "m/s", false},
    {GpsField::kTimeOffset, "time_offset", "s", false},
    {GpsField::kSentences, "sentences", "1", true},
    {GpsField::kRejected, "rejected", "1", true},
}};

// nullptr when no field has that name.
const GpsFieldInfo* gps_field_named(std::string_view name);
// "fix, fix_type, latitude, ..." for error messages.
std::string gps_field_names();

struct GpsReading {
  double value = 0.0;
  int64_t received_ns = 0;  // monotonic time of the line that set it
  bool present = false;     // false until a sentence has set it
};

// Why lines were rejected, for tests and diagnostics; kRejected is their sum.
struct NmeaRejects {
  uint64_t bad_checksum = 0;  // wrong or missing "*hh"
  uint64_t malformed = 0;     // fields of a wrong form, too few fields
  uint64_t too_long = 0;      // over 80 characters before the line end
  uint64_t garbage = 0;       // bytes that are not printable ASCII, no '$' start
  uint64_t truncated = 0;     // cut off by the next '$'
  uint64_t total() const { return bad_checksum + malformed + too_long + garbage + truncated; }
};

class GpsSnapshot {
 public:
  // A parsed line, received at monotonic_ns / realtime_ns (when its last byte was read).
  void apply(NmeaParseResult result, const NmeaSentence& sentence, int64_t monotonic_ns,
             int64_t realtime_ns);
  // A line the splitter dropped (kTooLong, kGarbage, kTruncated); other events are ignored.
  void count_dropped_line(NmeaLineEvent event, int64_t monotonic_ns);

  GpsReading reading(GpsField field) const { return readings_[static_cast<size_t>(field)]; }
  const NmeaRejects& rejects() const { return rejects_; }

 private:
  void set(GpsField field, double value, int64_t monotonic_ns);
  void count_reject(int64_t monotonic_ns);

  std::array<GpsReading, kGpsFields.size()> readings_{};
  uint64_t sentences_ = 0;
  NmeaRejects rejects_;
};

// Seconds from realtime_ns (ns since the Unix epoch) to the UTC instant date + time.
double gps_time_offset_s(const NmeaDate& date, const NmeaTimeOfDay& time, int64_t realtime_ns);

}  // namespace h5rec::platform
