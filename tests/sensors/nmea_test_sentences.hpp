// Building NMEA test lines: "$" + body + "*" + the body's checksum, so a corrupt variant of a
// sentence can be made with a right checksum (to reach the field checks) or a wrong one.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace h5rec::testing {

inline std::string nmea_checksum(std::string_view body) {
  unsigned sum = 0;
  for (char c : body) sum ^= static_cast<unsigned char>(c);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02X", sum & 0xffu);
  return hex;
}

// "$" + body + "*hh" (no line end).
inline std::string nmea_line(std::string_view body) {
  return "$" + std::string(body) + "*" + nmea_checksum(body);
}

}  // namespace h5rec::testing
