// What a GPS snapshot takes from parsed sentences: fields only from sentences with a fix, the
// time offset from RMC and ZDA, and counts of accepted and rejected lines.
#include "drivers/gps/gps_snapshot.hpp"

#include <gtest/gtest.h>

#include "tests/sensors/nmea_test_sentences.hpp"

namespace h5rec {
namespace {

using platform::GpsField;
using platform::GpsSnapshot;

constexpr int64_t kNs = 1'000'000'000;
constexpr int64_t k20260101 = 1'767'225'600;  // 2026-01-01T00:00:00Z, s since the epoch

void feed(GpsSnapshot& snapshot, const std::string& line, int64_t monotonic_ns,
          int64_t realtime_ns = k20260101 * kNs) {
  platform::NmeaSentence s;
  const platform::NmeaParseResult r = platform::parse_nmea_sentence(line, s);
  snapshot.apply(r, s, monotonic_ns, realtime_ns);
}

TEST(GpsSnapshot, TimeOffsetIsGpsUtcMinusTheSystemClock) {
  EXPECT_EQ(platform::gps_time_offset_s({2026, 1, 1}, {0, 0, 1.5}, k20260101 * kNs), 1.5);
  EXPECT_EQ(platform::gps_time_offset_s({2026, 1, 1}, {0, 0, 0.0}, k20260101 * kNs + kNs / 4),
            -0.25);
  EXPECT_EQ(platform::gps_time_offset_s({2025, 12, 31}, {23, 59, 59.0}, k20260101 * kNs), -1.0);
  // A board without an RTC that booted at the epoch.
  EXPECT_EQ(platform::gps_time_offset_s({2026, 1, 1}, {0, 0, 0.0}, 0), 1767225600.0);
  EXPECT_EQ(platform::gps_time_offset_s({2024, 2, 29}, {12, 0, 0.0}, 0), 1709208000.0);
}

TEST(GpsSnapshot, FieldsComeOnlyFromSentencesWithAFix) {
  GpsSnapshot snapshot;
  EXPECT_FALSE(snapshot.reading(GpsField::kLatitude).present);
  feed(snapshot, testing::nmea_line("GPGGA,000000,4807.038,N,01131.000,E,0,03,9.9,545.4,M,,,,"),
       10);
  EXPECT_FALSE(snapshot.reading(GpsField::kLatitude).present);  // quality 0: not trusted
  EXPECT_FALSE(snapshot.reading(GpsField::kHdop).present);
  EXPECT_EQ(snapshot.reading(GpsField::kFix).value, 0.0);
  EXPECT_EQ(snapshot.reading(GpsField::kSatellites).value, 3.0);
  feed(snapshot, "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", 20);
  EXPECT_EQ(snapshot.reading(GpsField::kLatitude).value, 48 + 7.038 / 60.0);
  EXPECT_EQ(snapshot.reading(GpsField::kLatitude).received_ns, 20);
  EXPECT_EQ(snapshot.reading(GpsField::kAltitude).value, 545.4);
  EXPECT_EQ(snapshot.reading(GpsField::kFix).value, 1.0);
  // A void RMC changes nothing but the count.
  feed(snapshot, testing::nmea_line("GPRMC,123520,V,4000.000,N,00100.000,E,1.0,,010126,,,N"), 30);
  EXPECT_EQ(snapshot.reading(GpsField::kLatitude).received_ns, 20);
  EXPECT_FALSE(snapshot.reading(GpsField::kSpeed).present);
  EXPECT_FALSE(snapshot.reading(GpsField::kTimeOffset).present);
  feed(snapshot, testing::nmea_line("GPRMC,000002.50,A,4000.000,S,00100.000,W,10.0,,010126,,,A"),
       40);
  EXPECT_EQ(snapshot.reading(GpsField::kLatitude).value, -40.0);
  EXPECT_EQ(snapshot.reading(GpsField::kLongitude).value, -1.0);
  EXPECT_EQ(snapshot.reading(GpsField::kSpeed).value, 10.0 * 1852.0 / 3600.0);
  EXPECT_EQ(snapshot.reading(GpsField::kTimeOffset).value, 2.5);
  feed(snapshot, "$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39", 50);
  EXPECT_EQ(snapshot.reading(GpsField::kFixType).value, 3.0);
  EXPECT_EQ(snapshot.reading(GpsField::kHdop).value, 1.3);
  feed(snapshot, "$GPZDA,201530.00,04,07,2002,00,00*60", 60, 0);
  EXPECT_EQ(snapshot.reading(GpsField::kTimeOffset).value, 1025813730.0);
  EXPECT_EQ(snapshot.reading(GpsField::kSentences).value, 6.0);
  EXPECT_FALSE(snapshot.reading(GpsField::kRejected).present);
}

TEST(GpsSnapshot, RejectedLinesAreCountedByReasonAndChangeNothingElse) {
  GpsSnapshot snapshot;
  feed(snapshot, "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", 1);
  feed(snapshot, "$GPGGA,123519,4907.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", 2);
  feed(snapshot, "$GPGGA,123519,4907.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", 3);
  feed(snapshot, testing::nmea_line("GPGGA,123519,4977.038,N,01131.000,E,1,08,0.9,545.4,M,,,,"), 4);
  snapshot.count_dropped_line(platform::NmeaLineEvent::kTooLong, 5);
  snapshot.count_dropped_line(platform::NmeaLineEvent::kGarbage, 6);
  snapshot.count_dropped_line(platform::NmeaLineEvent::kTruncated, 7);
  snapshot.count_dropped_line(platform::NmeaLineEvent::kNone, 8);
  EXPECT_EQ(snapshot.reading(GpsField::kLatitude).value, 48 + 7.038 / 60.0);
  EXPECT_EQ(snapshot.reading(GpsField::kSentences).value, 1.0);
  EXPECT_EQ(snapshot.reading(GpsField::kRejected).value, 6.0);
  EXPECT_EQ(snapshot.reading(GpsField::kRejected).received_ns, 7);
  const platform::NmeaRejects& r = snapshot.rejects();
  EXPECT_EQ(r.bad_checksum, 2u);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.too_long, 1u);
  EXPECT_EQ(r.garbage, 1u);
  EXPECT_EQ(r.truncated, 1u);
}

TEST(GpsSnapshot, FieldNames) {
  EXPECT_EQ(platform::gps_field_named("latitude")->field, GpsField::kLatitude);
  EXPECT_STREQ(platform::gps_field_named("time_offset")->units, "s");
  EXPECT_EQ(platform::gps_field_named("lat"), nullptr);
  EXPECT_EQ(platform::gps_field_names(),
            "fix, fix_type, latitude, longitude, altitude, satellites, hdop, speed, time_offset, "
            "sentences, rejected");
}

}  // namespace
}  // namespace h5rec
