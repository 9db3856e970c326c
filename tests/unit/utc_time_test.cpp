// UTC formatting over the whole int64 range: a damaged recording's time column may hold any value
// (the extremes overflowed std::chrono's floor<days>; found by tests/fuzz/recording_reader).
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

}  // namespace
}  // namespace h5rec
