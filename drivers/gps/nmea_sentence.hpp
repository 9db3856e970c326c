// NMEA 0183 sentences from a GPS receiver: checks one line's checksum and reads the GGA, RMC, GSA
// and ZDA sentences of any talker (GP, GN, GL, GA, BD ...). Pure C++, no OS calls, no allocation.
//
// Nothing in a line is trusted until the whole line has passed: it must be "$" + address + fields
// + "*" + two hex digits that equal the XOR of every character between "$" and "*", every field
// this parser reads must be well formed (digits where digits belong, minutes below 60, latitude up
// to 90 degrees, a valid calendar date ...) and present. Any failure rejects the whole line.
// Empty fields are allowed where a receiver without a fix leaves them empty; they read as absent.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace h5rec::platform {

// NMEA 0183 allows 82 characters per sentence with the "$" and the CR LF: 80 before the line end.
inline constexpr size_t kMaxNmeaLineChars = 80;

enum class NmeaType { kGga, kRmc, kGsa, kZda, kOther };

struct NmeaTimeOfDay {  // UTC
  int hour = 0;
  int minute = 0;
  double second = 0.0;  // 0 <= second < 61 (a leap second is 60.x)
};

struct NmeaDate {
  int year = 0;  // four digits (RMC's two-digit year yy is 20yy, or 19yy for yy >= 80)
  int month = 0;
  int day = 0;
};

// What one sentence said. Fields the sentence type does not carry, or that were empty, are absent.
struct NmeaSentence {
  NmeaType type = NmeaType::kOther;
  std::optional<NmeaTimeOfDay> time;  // GGA, RMC, ZDA
  std::optional<NmeaDate> date;       // RMC, ZDA
  std::optional<double> latitude;     // degrees north (south negative): GGA, RMC
  std::optional<double> longitude;    // degrees east (west negative): GGA, RMC
  std::optional<double> altitude_m;   // above mean sea level: GGA
  std::optional<int> quality;         // GGA fix quality: 0 none, 1 GPS, 2 DGPS, 4 RTK fixed, ...
  std::optional<int> satellites;      // GGA satellites in use
  std::optional<double> hdop;         // GGA (or GSA) horizontal dilution of precision
  std::optional<int> fix_type;        // GSA: 1 none, 2 2D, 3 3D
  std::optional<double> speed_mps;    // RMC speed over ground, knots * 1852 / 3600
  bool valid = false;                 // RMC: status 'A' (and mode not 'N'); GGA: quality > 0
};

enum class NmeaParseResult {
  kOk,           // a GGA, RMC, GSA or ZDA sentence, read into the output
  kIgnored,      // a well-formed sentence of another type (GSV, VTG, proprietary ...)
  kNoChecksum,   // no "*hh" at the end: never trusted
  kBadChecksum,  // the checksum does not match the text
  kMalformed,    // not "$" + address, a field of a wrong form, too few fields, over 80 characters
};

// Parses one line without its line end (CR LF). On kOk, out holds what the sentence said; on any
// other result out is unspecified.
NmeaParseResult parse_nmea_sentence(std::string_view line, NmeaSentence& out);

}  // namespace h5rec::platform
