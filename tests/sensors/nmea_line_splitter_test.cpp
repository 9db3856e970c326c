// Cutting a serial byte stream into NMEA lines: every line end convention, a start mid-sentence,
// and the ways a stream goes wrong (over-long lines, binary garbage, a sentence cut off by the
// next one). Also a seeded stream of random bytes, which must never give anything but counted
// rejects and well-formed lines.
#include "drivers/gps/nmea_line_splitter.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace h5rec {
namespace {

using platform::NmeaLineEvent;
using platform::NmeaLineSplitter;

// Events other than kNone, with the text of each line ("!too_long", "!garbage", "!truncated").
std::vector<std::string> split(NmeaLineSplitter& splitter, const std::string& bytes) {
  std::vector<std::string> out;
  for (char c : bytes) {
    switch (splitter.push(c)) {
      case NmeaLineEvent::kNone:
        break;
      case NmeaLineEvent::kLine:
        out.emplace_back(splitter.line());
        break;
      case NmeaLineEvent::kTooLong:
        out.emplace_back("!too_long");
        break;
      case NmeaLineEvent::kGarbage:
        out.emplace_back("!garbage");
        break;
      case NmeaLineEvent::kTruncated:
        out.emplace_back("!truncated");
        break;
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& bytes) {
  NmeaLineSplitter splitter;
  return split(splitter, bytes);
}

using Lines = std::vector<std::string>;
using namespace std::string_literals;  // "\x00"s keeps its NUL bytes

TEST(NmeaLineSplitter, LineEndsCrLfLfOrCr) {
  EXPECT_EQ(split("$A*00\r\n$B*00\n$C*00\r$D*00\r\n"), (Lines{"$A*00", "$B*00", "$C*00", "$D*00"}));
  EXPECT_EQ(split("\r\n\r\n$A*00\r\n\n\n"), (Lines{"$A*00"}));
}

TEST(NmeaLineSplitter, TheTailOfASentenceBeforeTheFirstLineEndIsNotCounted) {
  EXPECT_EQ(split("07.038,N,*47\r\n$A*00\r\n"), (Lines{"$A*00"}));
  EXPECT_EQ(split("\xff\xfe garbage$A*00\r\n"), (Lines{"$A*00"}));
  NmeaLineSplitter splitter;
  EXPECT_EQ(split(splitter, "$A*00\r\n$B,1,2"), (Lines{"$A*00"}));
  splitter.restart();  // reopened port: the partial line and what follows up to a line end go
  EXPECT_EQ(split(splitter, ",3*00\r\n$C*00\r\n"), (Lines{"$C*00"}));
}

TEST(NmeaLineSplitter, LinesOfEightyCharactersPassAndLongerOnesAreRejectedWhole) {
  const std::string eighty = "$" + std::string(79, 'A');
  const std::string eighty_one = "$" + std::string(80, 'A');
  const std::string very_long = "$" + std::string(5000, 'A');
  EXPECT_EQ(split("\n" + eighty + "\r\n"), (Lines{eighty}));
  EXPECT_EQ(split("\n" + eighty_one + "\r\n$B*00\r\n"), (Lines{"!too_long", "$B*00"}));
  EXPECT_EQ(split("\n" + very_long + "\r\n$B*00\r\n"), (Lines{"!too_long", "$B*00"}));
  EXPECT_EQ(split("\n" + very_long + "$B*00\r\n"), (Lines{"!too_long", "$B*00"}));
}

TEST(NmeaLineSplitter, BinaryGarbageAndLinesWithoutDollarAreRejected) {
  EXPECT_EQ(split("\n$GPGGA,1\x00"
                  "2*00\r\n$B*00\r\n"s),
            (Lines{"!garbage", "$B*00"}));
  EXPECT_EQ(split("\n\xb5\x62\x01\x07\x5c\x00\r\n$B*00\r\n"s), (Lines{"!garbage", "$B*00"}));
  EXPECT_EQ(split("\nhello\r\n"), (Lines{"!garbage"}));
  EXPECT_EQ(split("\n\xb5\x62\x01\x07$B*00\r\n"), (Lines{"!garbage", "$B*00"}));
  EXPECT_EQ(split("\n" + std::string(300, '\x80') + "\n"), (Lines{"!garbage"}));
}

TEST(NmeaLineSplitter, ASentenceCutOffByTheNextIsTruncated) {
  EXPECT_EQ(split("\n$GPGGA,123519,48$GPRMC*00\r\n"), (Lines{"!truncated", "$GPRMC*00"}));
}

TEST(NmeaLineSplitter, RandomBytesGiveOnlyRejectsAndWellFormedLines) {
  const uint32_t seed = 20261121;
  std::mt19937 random(seed);
  std::string bytes(200000, '\0');
  for (char& b : bytes) {
    const uint32_t r = random();
    // Mostly NMEA-like characters so that lines do form, with line ends and '$' now and then.
    b = r % 97 == 0   ? '\n'
        : r % 89 == 0 ? '$'
        : r % 7 == 0  ? static_cast<char>(r >> 8)
                      : 'A' + r % 26;
  }
  size_t lines = 0;
  size_t rejects = 0;
  for (const std::string& line : split(bytes)) {
    if (line[0] == '!') {
      ++rejects;
      continue;
    }
    ++lines;
    ASSERT_LE(line.size(), 80u) << "seed " << seed;
    ASSERT_EQ(line[0], '$') << "seed " << seed;
    for (char c : line) ASSERT_TRUE(c >= 0x20 && c <= 0x7e) << "seed " << seed;
  }
  EXPECT_GT(lines, 100u) << "seed " << seed;
  EXPECT_GT(rejects, 100u) << "seed " << seed;
}

}  // namespace
}  // namespace h5rec
