// The NMEA parser against tables of good and corrupt sentences: recorded receiver output, both
// hemispheres, no-fix sentences with empty fields, and every way a line can be wrong (checksum,
// truncation, fields of a wrong form or out of range, garbage, over-long lines). A corrupt line
// is rejected whole, never half read.
#include "drivers/gps/nmea_sentence.hpp"

#include <gtest/gtest.h>

#include "tests/sensors/nmea_test_sentences.hpp"

namespace h5rec {
namespace {

using platform::NmeaParseResult;
using platform::NmeaSentence;
using platform::NmeaType;
using testing::nmea_line;

NmeaSentence parsed(const std::string& line) {
  NmeaSentence s;
  EXPECT_EQ(platform::parse_nmea_sentence(line, s), NmeaParseResult::kOk) << line;
  return s;
}

TEST(NmeaSentence, ChecksumHelperAgreesWithRecordedSentences) {
  EXPECT_EQ(nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
            "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47");
}

TEST(NmeaSentence, GgaWithAFix) {
  const NmeaSentence s =
      parsed("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47");
  EXPECT_EQ(s.type, NmeaType::kGga);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.latitude, 48 + 7.038 / 60.0);
  EXPECT_EQ(s.longitude, 11 + 31.000 / 60.0);
  EXPECT_EQ(s.quality, 1);
  EXPECT_EQ(s.satellites, 8);
  EXPECT_EQ(s.hdop, 0.9);
  EXPECT_EQ(s.altitude_m, 545.4);
  ASSERT_TRUE(s.time);
  EXPECT_EQ(s.time->hour, 12);
  EXPECT_EQ(s.time->minute, 35);
  EXPECT_EQ(s.time->second, 19.0);
  EXPECT_FALSE(s.date);
}

TEST(NmeaSentence, SouthernAndWesternHemispheresAreNegative) {
  const NmeaSentence s =
      parsed(nmea_line("GNGGA,001043.25,3347.2953,S,15112.0840,W,2,12,0.75,-12.3,M,22.1,M,,0000"));
  EXPECT_EQ(s.latitude, -(33 + 47.2953 / 60.0));
  EXPECT_EQ(s.longitude, -(151 + 12.0840 / 60.0));
  EXPECT_EQ(s.altitude_m, -12.3);
  EXPECT_EQ(s.quality, 2);
  EXPECT_EQ(s.time->second, 43.25);
  const NmeaSentence r =
      parsed(nmea_line("GPRMC,001043.25,A,0000.0000,S,00000.0001,W,0.0,,010126,,,A"));
  EXPECT_EQ(r.latitude, -0.0);
  EXPECT_EQ(r.longitude, -(0.0001 / 60.0));
}

TEST(NmeaSentence, GgaWithoutAFixHasEmptyFields) {
  const NmeaSentence s = parsed(nmea_line("GPGGA,,,,,,0,00,99.99,,,,,,"));
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.quality, 0);
  EXPECT_EQ(s.satellites, 0);
  EXPECT_FALSE(s.latitude);
  EXPECT_FALSE(s.longitude);
  EXPECT_FALSE(s.altitude_m);
  EXPECT_FALSE(s.time);
}

TEST(NmeaSentence, RmcWithAFixAndVoid) {
  const NmeaSentence s =
      parsed("$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A");
  EXPECT_EQ(s.type, NmeaType::kRmc);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.latitude, 48 + 7.038 / 60.0);
  EXPECT_EQ(s.speed_mps, 22.4 * 1852.0 / 3600.0);
  ASSERT_TRUE(s.date);
  EXPECT_EQ(s.date->year, 1994);
  EXPECT_EQ(s.date->month, 3);
  EXPECT_EQ(s.date->day, 23);

  const NmeaSentence v = parsed(nmea_line("GPRMC,,V,,,,,,,,,,N"));
  EXPECT_FALSE(v.valid);
  EXPECT_FALSE(v.latitude);
  EXPECT_FALSE(v.date);
  // NMEA 2.3's mode 'N' (no fix) makes even status 'A' invalid.
  EXPECT_FALSE(parsed(nmea_line("GPRMC,120000,A,4807.038,N,01131.000,E,0,0,010126,,,N")).valid);
  EXPECT_EQ(parsed(nmea_line("GPRMC,120000,A,4807.038,N,01131.000,E,0,0,290224,,,A")).date->day,
            29);
}

TEST(NmeaSentence, GsaAndZda) {
  const NmeaSentence gsa = parsed("$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39");
  EXPECT_EQ(gsa.type, NmeaType::kGsa);
  EXPECT_EQ(gsa.fix_type, 3);
  EXPECT_EQ(gsa.hdop, 1.3);
  EXPECT_TRUE(gsa.valid);
  EXPECT_FALSE(parsed(nmea_line("GNGSA,A,1,,,,,,,,,,,,,,,,1")).valid);

  const NmeaSentence zda = parsed("$GPZDA,201530.00,04,07,2002,00,00*60");
  EXPECT_EQ(zda.type, NmeaType::kZda);
  EXPECT_TRUE(zda.valid);
  EXPECT_EQ(zda.date->year, 2002);
  EXPECT_EQ(zda.date->month, 7);
  EXPECT_EQ(zda.date->day, 4);
  EXPECT_EQ(zda.time->hour, 20);
  EXPECT_FALSE(parsed(nmea_line("GPZDA,,,,,,")).valid);
}

TEST(NmeaSentence, OtherSentencesAreIgnoredNotRejected) {
  NmeaSentence s;
  for (const std::string& line :
       {std::string("$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75"),
        nmea_line("GPVTG,054.7,T,034.4,M,005.5,N,010.2,K"), nmea_line("PUBX,00,081350.00"),
        nmea_line("PGRMZ,246,f,3"), nmea_line("GPTXT,01,01,02,ANTSTATUS=OK")}) {
    EXPECT_EQ(platform::parse_nmea_sentence(line, s), NmeaParseResult::kIgnored) << line;
  }
}

TEST(NmeaSentence, FieldsPastTheStandardOnesAreAllowed) {
  const NmeaSentence s = parsed(
      nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,,,,,,,,,,,,,,"));
  EXPECT_EQ(s.altitude_m, 545.4);
}

TEST(NmeaSentence, LowercaseChecksumDigitsAreAccepted) {
  NmeaSentence s;
  EXPECT_EQ(platform::parse_nmea_sentence(
                "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6a", s),
            NmeaParseResult::kOk);
}

TEST(NmeaSentence, CorruptLinesAreRejectedWhole) {
  const std::string gga = "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,";
  struct Case {
    std::string line;
    NmeaParseResult result;
    const char* why;
  };
  const Case cases[] = {
      {"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.5,M,46.9,M,,*47",
       NmeaParseResult::kBadChecksum, "one digit changed"},
      {"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*74",
       NmeaParseResult::kBadChecksum, "checksum digits swapped"},
      {"$" + gga, NmeaParseResult::kNoChecksum, "no checksum"},
      {"$" + gga + "*4", NmeaParseResult::kNoChecksum, "one checksum digit"},
      {"$" + gga + "*G7", NmeaParseResult::kNoChecksum, "checksum not hex"},
      {"$" + gga + "*47x", NmeaParseResult::kNoChecksum, "text after the checksum"},
      {"GPGGA*00", NmeaParseResult::kMalformed, "no $"},
      {"$*00", NmeaParseResult::kMalformed, "too short"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1"), NmeaParseResult::kMalformed,
       "truncated GGA with a right checksum"},
      {nmea_line("GPRMC,123519,A,4807.038,N"), NmeaParseResult::kMalformed, "truncated RMC"},
      {nmea_line("GPGSA,A,3,04"), NmeaParseResult::kMalformed, "truncated GSA"},
      {nmea_line("GPZDA,201530.00,04"), NmeaParseResult::kMalformed, "truncated ZDA"},
      {nmea_line("GPGGA,123519,,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "hemisphere without latitude"},
      {nmea_line("GPGGA,123519,4807.038,,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "latitude without hemisphere"},
      {nmea_line("GPGGA,123519,4807.038,E,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "latitude hemisphere E"},
      {nmea_line("GPGGA,123519,4875.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "75 minutes"},
      {nmea_line("GPGGA,123519,9100.000,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "latitude 91"},
      {nmea_line("GPGGA,123519,9000.001,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "latitude just over 90"},
      {nmea_line("GPGGA,123519,48.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "latitude without minutes"},
      {nmea_line("GPGGA,123519,4807.038,N,18100.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "longitude 181"},
      {nmea_line("GPGGA,123519,4807.0.38,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "two points"},
      {nmea_line("GPGGA,123519,-4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "signed latitude"},
      {nmea_line("GPGGA,253519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "hour 25"},
      {nmea_line("GPGGA,12351,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "five-digit time"},
      {nmea_line("GPGGA,123561,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "second 61"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,A,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "quality not a digit"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "quality empty"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,-8,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "negative satellites"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,-0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "negative hdop"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,5e2,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "altitude with an exponent"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,F,46.9,M,,"),
       NmeaParseResult::kMalformed, "altitude in feet"},
      {nmea_line("GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"),
       NmeaParseResult::kMalformed, "status X"},
      {nmea_line("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,310294,003.1,W"),
       NmeaParseResult::kMalformed, "31 February"},
      {nmea_line("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,290223,003.1,W"),
       NmeaParseResult::kMalformed, "29 February 2023"},
      {nmea_line("GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,2303945,003.1,W"),
       NmeaParseResult::kMalformed, "seven-digit date"},
      {nmea_line("GPRMC,123519,A,4807.038,N,01131.000,E,-22.4,084.4,230394,003.1,W"),
       NmeaParseResult::kMalformed, "negative speed"},
      {nmea_line("GPGSA,A,4,04,05,,09,12,,,24,,,,,2.5,1.3,2.1"), NmeaParseResult::kMalformed,
       "fix type 4"},
      {nmea_line("GPGSA,A,,04,05,,09,12,,,24,,,,,2.5,1.3,2.1"), NmeaParseResult::kMalformed,
       "fix type empty"},
      {nmea_line("GPZDA,201530.00,04,07,,00,00"), NmeaParseResult::kMalformed, "ZDA without year"},
      {nmea_line("GPZDA,201530.00,04,13,2002,00,00"), NmeaParseResult::kMalformed, "month 13"},
      {nmea_line("GPZDA,,04,07,2002,00,00"), NmeaParseResult::kMalformed, "ZDA date without time"},
      {nmea_line("gpgga,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "lowercase address"},
      {nmea_line(",123519"), NmeaParseResult::kMalformed, "empty address"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545$4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "a $ inside"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545\x01"
                 "4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "a control character"},
      {nmea_line("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545\xb0"
                 "4,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "a byte over 0x7e"},
      {nmea_line(
           "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.400000000000000000000000,M,46.9,M,,"),
       NmeaParseResult::kMalformed, "over 80 characters"},
  };
  for (const Case& c : cases) {
    NmeaSentence s;
    EXPECT_EQ(platform::parse_nmea_sentence(c.line, s), c.result) << c.why << ": " << c.line;
  }
}

TEST(NmeaSentence, EveryPrefixOfAGoodSentenceIsRejected) {
  const std::string line = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
  for (size_t n = 0; n < line.size(); ++n) {
    NmeaSentence s;
    const NmeaParseResult r = platform::parse_nmea_sentence(line.substr(0, n), s);
    EXPECT_NE(r, NmeaParseResult::kOk) << line.substr(0, n);
    EXPECT_NE(r, NmeaParseResult::kIgnored) << line.substr(0, n);
  }
}

TEST(NmeaSentence, EverySingleByteChangeIsRejected) {
  // One flipped bit anywhere: the checksum (or the form) catches it.
  const std::string line = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";
  for (size_t i = 0; i < line.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = line;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      NmeaSentence s;
      const NmeaParseResult r = platform::parse_nmea_sentence(changed, s);
      // A flip in the checksum digits may turn "47" into "4w": not hex. In a case-insensitive
      // hex digit ("a" vs "A") a flip of bit 5 keeps the value: none here are letters.
      EXPECT_NE(r, NmeaParseResult::kOk) << i << " bit " << bit << ": " << changed;
    }
  }
}

}  // namespace
}  // namespace h5rec
