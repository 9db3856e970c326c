// Cuts the byte stream of a serial port into NMEA sentence lines. Pure C++, no allocation.
//
// A line starts with '$' and ends with CR or LF. NMEA 0183 allows at most 82 characters with the
// "$" and the CR LF, so at most 80 before the line end: a longer line is rejected whole, as is a
// line holding a byte that is not printable ASCII (binary garbage, a wrong baud rate), a line that
// does not start with '$', and a sentence cut off by the next '$'. The bytes before the first line
// end or '$' after a (re)start are not counted: the port was opened mid-sentence.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "drivers/gps/nmea_sentence.hpp"

namespace h5rec::platform {

enum class NmeaLineEvent {
  kNone,      // byte taken, no line finished
  kLine,      // a line is ready: line() until the next push
  kTooLong,   // a line longer than 80 characters before its end was dropped
  kGarbage,   // a line with bytes that are not printable ASCII, or not starting with '$', dropped
  kTruncated  // a sentence cut off by the next '$' was dropped
};

class NmeaLineSplitter {
 public:
  NmeaLineEvent push(char byte);
  std::string_view line() const { return std::string_view(text_.data(), size_); }
  // Forgets any partial line; the next bytes up to a line end or '$' are not counted.
  void restart();

 private:
  // What the characters collected so far are, when a line end or '$' ends them.
  NmeaLineEvent classify(bool by_dollar) const;
  void clear();

  std::array<char, kMaxNmeaLineChars> text_{};
  size_t size_ = 0;          // characters of the line in text_
  bool overflow_ = false;    // the line had more than kMaxNmeaLineChars characters
  bool garbage_ = false;     // the line holds a byte that cannot be NMEA
  bool synced_ = false;      // a line end or '$' has been seen since the start
  bool line_ready_ = false;  // the last push returned kLine: text_ is cleared at the next
};

}  // namespace h5rec::platform
