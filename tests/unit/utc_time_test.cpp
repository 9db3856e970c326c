// format_utc_iso8601 and its inverse, parse_utc_iso8601.
#include "recorder/utc_time.hpp"

#include <gtest/gtest.h>

namespace h5rec {
namespace {

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
