#include "drivers/gps/nmea_sentence.hpp"

#include <array>
#include <charconv>

namespace h5rec::platform {
namespace {

constexpr size_t kMaxFields = 24;  // GSA has 18 or 19 with the address

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int digits_value(std::string_view s) {  // s: all digits, at most 9
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// "123.45", "-3.5", "7": digits with at most one point, at least one digit, a sign if allowed.
bool to_double(std::string_view s, bool negative_ok, double& out) {
  std::string_view body = s;
  if (negative_ok && !body.empty() && body.front() == '-') body.remove_prefix(1);
  bool point = false;
  bool digit = false;
  for (char c : body) {
    if (c == '.' && !point) {
      point = true;
    } else if (is_digit(c)) {
      digit = true;
    } else {
      return false;
    }
  }
  if (!digit) return false;
  const auto [ptr, ec] =
      std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::fixed);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Each reader: false when the field is malformed; an empty field leaves out absent.
bool read_decimal(std::string_view f, bool negative_ok, std::optional<double>& out) {
  out.reset();
  if (f.empty()) return true;
  double v = 0.0;
  if (!to_double(f, negative_ok, v)) return false;
  out = v;
  return true;
}

bool read_int(std::string_view f, int max, std::optional<int>& out) {
  out.reset();
  if (f.empty()) return true;
  if (!all_digits(f) || f.size() > 4) return false;
  const int v = digits_value(f);
  if (v > max) return false;
  out = v;
  return true;
}

// "4807.038" + "N" -> 48 + 7.038 / 60 degrees; "S" or "W" negative. Both fields empty: absent.
bool read_angle(std::string_view value, std::string_view hemisphere, int max_degrees, char positive,
                char negative, std::optional<double>& out) {
  out.reset();
  if (value.empty() && hemisphere.empty()) return true;
  if (hemisphere.size() != 1 || (hemisphere[0] != positive && hemisphere[0] != negative))
    return false;
  const size_t point = value.find('.');
  const size_t whole = point == std::string_view::npos ? value.size() : point;
  const size_t degree_digits = max_degrees >= 100 ? 3 : 2;
  if (whole < 3 || whole > degree_digits + 2) return false;
  const std::string_view degrees_text = value.substr(0, whole - 2);
  const std::string_view minutes_text = value.substr(whole - 2);
  if (!all_digits(degrees_text)) return false;
  double minutes = 0.0;
  if (!to_double(minutes_text, false, minutes) || minutes >= 60.0) return false;
  const double degrees = digits_value(degrees_text) + minutes / 60.0;
  if (degrees > max_degrees) return false;
  out = hemisphere[0] == negative ? -degrees : degrees;
  return true;
}

// "hhmmss" or "hhmmss.sss".
bool read_time(std::string_view f, std::optional<NmeaTimeOfDay>& out) {
  out.reset();
  if (f.empty()) return true;
  if (f.size() < 6 || !all_digits(f.substr(0, 6))) return false;
  NmeaTimeOfDay t;
  t.hour = digits_value(f.substr(0, 2));
  t.minute = digits_value(f.substr(2, 2));
  if (!to_double(f.substr(4), false, t.second)) return false;
  if (t.hour > 23 || t.minute > 59 || t.second >= 61.0) return false;
  out = t;
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool valid_date(const NmeaDate& d) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1980 || d.year > 2999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  const int days =
      kDays[static_cast<size_t>(d.month - 1)] + (d.month == 2 && is_leap(d.year) ? 1 : 0);
  return d.day <= days;
}

// RMC's "ddmmyy".
bool read_date(std::string_view f, std::optional<NmeaDate>& out) {
  out.reset();
  if (f.empty()) return true;
  if (f.size() != 6 || !all_digits(f)) return false;
  const int yy = digits_value(f.substr(4, 2));
  const NmeaDate d{yy >= 80 ? 1900 + yy : 2000 + yy, digits_value(f.substr(2, 2)),
                   digits_value(f.substr(0, 2))};
  if (!valid_date(d)) return false;
  out = d;
  return true;
}

// ZDA's day, month and four-digit year fields: all empty (no time yet) or all valid.
bool read_zda_date(std::string_view day, std::string_view month, std::string_view year,
                   std::optional<NmeaDate>& out) {
  out.reset();
  if (day.empty() && month.empty() && year.empty()) return true;
  if (day.size() != 2 || month.size() != 2 || year.size() != 4 || !all_digits(day) ||
      !all_digits(month) || !all_digits(year)) {
    return false;
  }
  const NmeaDate d{digits_value(year), digits_value(month), digits_value(day)};
  if (!valid_date(d)) return false;
  out = d;
  return true;
}

using Fields = std::array<std::string_view, kMaxFields>;

NmeaParseResult parse_gga(const Fields& f, size_t n, NmeaSentence& out) {
  if (n < 15) return NmeaParseResult::kMalformed;
  const bool ok = read_time(f[1], out.time) && read_angle(f[2], f[3], 90, 'N', 'S', out.latitude) &&
                  read_angle(f[4], f[5], 180, 'E', 'W', out.longitude) &&
                  read_int(f[6], 9, out.quality) && read_int(f[7], 999, out.satellites) &&
                  read_decimal(f[8], false, out.hdop) && read_decimal(f[9], true, out.altitude_m) &&
                  (f[10].empty() || f[10] == "M");
  if (!ok || !out.quality) return NmeaParseResult::kMalformed;
  out.valid = *out.quality > 0;
  return NmeaParseResult::kOk;
}

NmeaParseResult parse_rmc(const Fields& f, size_t n, NmeaSentence& out) {
  if (n < 12) return NmeaParseResult::kMalformed;
  if (f[2] != "A" && f[2] != "V") return NmeaParseResult::kMalformed;
  std::optional<double> knots;
  const bool ok = read_time(f[1], out.time) && read_angle(f[3], f[4], 90, 'N', 'S', out.latitude) &&
                  read_angle(f[5], f[6], 180, 'E', 'W', out.longitude) &&
                  read_decimal(f[7], false, knots) && read_date(f[9], out.date);
  if (!ok) return NmeaParseResult::kMalformed;
  if (knots) out.speed_mps = *knots * 1852.0 / 3600.0;
  const bool no_fix_mode = n > 12 && f[12] == "N";  // NMEA 2.3 mode indicator
  out.valid = f[2] == "A" && !no_fix_mode;
  return NmeaParseResult::kOk;
}

NmeaParseResult parse_gsa(const Fields& f, size_t n, NmeaSentence& out) {
  if (n < 18) return NmeaParseResult::kMalformed;
  const bool ok = read_int(f[2], 3, out.fix_type) && read_decimal(f[16], false, out.hdop);
  if (!ok || !out.fix_type || *out.fix_type < 1) return NmeaParseResult::kMalformed;
  out.valid = *out.fix_type > 1;
  return NmeaParseResult::kOk;
}

NmeaParseResult parse_zda(const Fields& f, size_t n, NmeaSentence& out) {
  if (n < 7) return NmeaParseResult::kMalformed;
  const bool ok = read_time(f[1], out.time) && read_zda_date(f[2], f[3], f[4], out.date);
  if (!ok || out.time.has_value() != out.date.has_value()) return NmeaParseResult::kMalformed;
  out.valid = out.time.has_value();
  return NmeaParseResult::kOk;
}

}  // namespace

NmeaParseResult parse_nmea_sentence(std::string_view line, NmeaSentence& out) {
  out = NmeaSentence{};
  if (line.size() < 4 || line.size() > kMaxNmeaLineChars || line.front() != '$') {
    return NmeaParseResult::kMalformed;
  }
  const size_t star = line.size() - 3;
  if (line[star] != '*') return NmeaParseResult::kNoChecksum;
  const int high = hex_value(line[star + 1]);
  const int low = hex_value(line[star + 2]);
  if (high < 0 || low < 0) return NmeaParseResult::kNoChecksum;
  const std::string_view body = line.substr(1, star - 1);
  unsigned sum = 0;
  for (char c : body) {
    if (c < 0x20 || c > 0x7e || c == '$' || c == '*') return NmeaParseResult::kMalformed;
    sum ^= static_cast<unsigned char>(c);
  }
  if (sum != static_cast<unsigned>(high * 16 + low)) return NmeaParseResult::kBadChecksum;

  // Fields past kMaxFields stay in the last one: no sentence read here has that many.
  Fields fields;
  size_t n = 0;
  size_t start = 0;
  while (true) {
    const size_t comma = n + 1 == kMaxFields ? std::string_view::npos : body.find(',', start);
    fields[n++] = body.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  const std::string_view address = fields[0];
  if (address.empty()) return NmeaParseResult::kMalformed;
  for (char c : address) {
    if (!is_digit(c) && (c < 'A' || c > 'Z')) return NmeaParseResult::kMalformed;
  }
  if (address.size() != 5 || address.front() == 'P') return NmeaParseResult::kIgnored;
  struct Reader {
    std::string_view name;
    NmeaType type;
    NmeaParseResult (*parse)(const Fields&, size_t, NmeaSentence&);
  };
  static constexpr std::array<Reader, 4> kReaders{{{"GGA", NmeaType::kGga, parse_gga},
                                                   {"RMC", NmeaType::kRmc, parse_rmc},
                                                   {"GSA", NmeaType::kGsa, parse_gsa},
                                                   {"ZDA", NmeaType::kZda, parse_zda}}};
  for (const Reader& reader : kReaders) {
    if (address.substr(2) == reader.name) {
      out.type = reader.type;
      return reader.parse(fields, n, out);
    }
  }
  return NmeaParseResult::kIgnored;
}

}  // namespace h5rec::platform
