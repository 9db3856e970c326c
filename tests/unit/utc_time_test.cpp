// UTC formatting over the whole int64 range (a damaged recording's time column may hold any
// value: the extremes overflowed std::chrono's floor<days>; found by tests/fuzz/recording_reader),
// and its inverse, parse_utc_iso8601.
#include "recorder/utc_time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace h5rec {
namespace {

TEST(UtcTime, FormatsTheEpochAndInstantsAroundIt) {
  EXPECT_EQ(format_utc_iso8601(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(format_utc_iso8601(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format_utc_iso8601(1'763'698'200'123'456'789), "2025-11-21T04:10:00.123456789Z");
  EXPECT_EQ(format_utc_compact(1'763'698'200'123'456'789), "20251121T041000Z");
}

TEST(UtcTime, FormatsTheExtremesOfInt64) {
  EXPECT_EQ(format_utc_iso8601(std::numeric_limits<int64_t>::max()),
            "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(format_utc_iso8601(std::numeric_limits<int64_t>::min()),
            "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(format_utc_compact(std::numeric_limits<int64_t>::min()), "16770921T001243Z");
}

TEST(UtcTime, ParsesWhatItFormats) {
  for (const int64_t ns : {int64_t{0}, int64_t{1'767'225'600'000'000'000},
                           int64_t{1'795'321'800'123'456'789}, int64_t{951'782'400'999'999'999}}) {
    const std::string text = format_utc_iso8601(ns);
    EXPECT_EQ(parse_utc_iso8601(text), ns) << text;
  }
  EXPECT_EQ(parse_utc_iso8601("2026-01-01T00:00:00.000000000Z"), 1'767'225'600'000'000'000);
}

TEST(UtcTime, RejectsOtherForms) {
  for (const char* text : {"", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000000000",
                           "2026-01-01 00:00:00.000000000Z", "2026-02-30T00:00:00.000000000Z",
                           "2026-01-01T24:00:00.000000000Z", "2026-01-01T00:00:00.000000000Zx",
                           "2026-01-01T00:00:00.00000000xZ", "2026-01-01T 0:00:00.000000000Z",
                           "+026-01-01T00:00:00.000000000Z"}) {
    EXPECT_FALSE(parse_utc_iso8601(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace h5rec
