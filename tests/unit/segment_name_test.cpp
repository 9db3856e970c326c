// Segment file names (recorder/segment_name.hpp): a device owns exactly its own names, so
// retention and start-up recovery never touch another device's files in the same directory.
#include "recorder/segment_name.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace h5rec {
namespace {

constexpr int64_t kStartNs = 1'790'000'000'123'456'789;  // 2026-09-21T...Z
constexpr int64_t kStartS = 1'790'000'000;

TEST(SegmentName, RoundTripsWithAndWithoutSequence) {
  const std::string plain = segment_file_name("station", kStartNs);
  EXPECT_EQ(plain, "station_20260921T141320Z.h5");
  EXPECT_EQ(parse_segment_name(plain, "station"), (SegmentName{kStartS, 0}));
  const std::string third = segment_file_name("station", kStartNs, 3);
  EXPECT_EQ(third, "station_20260921T141320Z_3.h5");
  EXPECT_EQ(parse_segment_name(third, "station"), (SegmentName{kStartS, 3}));
}

TEST(SegmentName, AnotherDevicesSegmentIsNotThisDevices) {
  // Device ids that share a prefix: the audit's `st` / `st_b` and `station` / `station_2`.
  EXPECT_FALSE(parse_segment_name(segment_file_name("st_b", kStartNs), "st"));
  EXPECT_FALSE(parse_segment_name(segment_file_name("station_2", kStartNs), "station"));
  EXPECT_FALSE(parse_segment_name(segment_file_name("station_2", kStartNs, 4), "station"));
  EXPECT_FALSE(parse_segment_name(segment_file_name("station", kStartNs), "station_2"));
  EXPECT_FALSE(parse_segment_name(segment_file_name("station", kStartNs), "stat"));
  EXPECT_TRUE(parse_segment_name(segment_file_name("station_2", kStartNs), "station_2"));
}

TEST(SegmentName, RejectsEverythingElse) {
  for (const char* name :
       {"station_live.h5", "station_20260921T141320Z.h5-journal", "station_20260921T141320Z.hdf5",
        "station_20260921T141320Z", "station_20260921T141320.h5", "station_20260921X141320Z.h5",
        "station_2026092lT141320Z.h5", "station_20261321T141320Z.h5", "station_20260231T141320Z.h5",
        "station_20260921T241320Z.h5", "station_20260921T141320Z_0.h5",
        "station_20260921T141320Z_01.h5", "station_20260921T141320Z_.h5",
        "station_20260921T141320Z_x.h5", "station_20260921T141320Z_-1.h5",
        "station_20260921T141320Z_2_3.h5", "station20260921T141320Z.h5", "station_.h5", ""}) {
    EXPECT_FALSE(parse_segment_name(name, "station")) << name;
  }
}

TEST(SegmentName, OrdersByStartTimeThenSequence) {
  std::vector<SegmentName> names;
  for (const char* name :
       {"d_20270101T000000Z.h5", "d_20261231T235959Z_2.h5", "d_20261231T235959Z.h5",
        "d_19700101T000010Z.h5", "d_20261231T235959Z_10.h5"}) {
    const auto parsed = parse_segment_name(name, "d");
    ASSERT_TRUE(parsed) << name;
    names.push_back(*parsed);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names[0].start_utc_s, 10);
  EXPECT_EQ(names[1].sequence, 0u);
  EXPECT_EQ(names[2].sequence, 2u);
  EXPECT_EQ(names[3].sequence, 10u);  // not the name order ("_10" < "_2")
  EXPECT_GT(names[4].start_utc_s, names[3].start_utc_s);
}

}  // namespace
}  // namespace h5rec
