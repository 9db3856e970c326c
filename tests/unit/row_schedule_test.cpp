#include "recorder/row_schedule.hpp"

#include <gtest/gtest.h>

namespace h5rec {
namespace {

TEST(RowSchedule, IntegerRatesAreExactForLongRecordings) {
  const RowSchedule khz(1000);
  EXPECT_EQ(khz.offset_ns(0), 0);
  EXPECT_EQ(khz.offset_ns(1), 1'000'000);
  EXPECT_EQ(khz.offset_ns(3'600'000'000ULL), 3'600'000'000'000'000LL);  // 1000 h
  const RowSchedule tenk(10000);
  EXPECT_EQ(tenk.offset_ns(36'000'000), 3'600'000'000'000LL);
  // Products far beyond 64 bits, computed without __int128 (32-bit ARM has none); expected
  // values from Python's exact integers: (index * 10**12 + mhz // 2) // mhz.
  EXPECT_EQ(RowSchedule(3).offset_ns(20'000'000'007ULL), 6'666'666'669'000'000'000LL);
  EXPECT_EQ(RowSchedule(99'999.999).offset_ns(123'456'789'012'345ULL), 1'234'567'902'469'129'025LL);
}

TEST(RowSchedule, FractionalRatesRoundToNearestNanosecond) {
  const RowSchedule third(3);  // 333333333.3 ns
  EXPECT_EQ(third.offset_ns(1), 333'333'333);
  EXPECT_EQ(third.offset_ns(2), 666'666'667);
  EXPECT_EQ(third.offset_ns(3), 1'000'000'000);
  const RowSchedule slow(0.1);
  EXPECT_EQ(slow.offset_ns(7), 70'000'000'000LL);
  const RowSchedule odd(1.0 / 7.0);  // not whole millihertz: exact binary-double path
  EXPECT_EQ(odd.offset_ns(1), 7'000'000'000LL);
  // Exact values of floor(i * 1e9 / rate + 1/2) with the rate as its binary double (Python's
  // Fraction); row 3833 at 0.333333 Hz is 0.4993 ns past a whole ns, which a 64-bit long
  // double (armhf) rounded up.
  EXPECT_EQ(RowSchedule(0.333333).offset_ns(3833), 11'499'011'499'011LL);
  EXPECT_EQ(RowSchedule(0.0123456).offset_ns(98'765'432), 8'000'051'192'327'630'912LL);
  EXPECT_EQ(RowSchedule(44'100.5).offset_ns(123'456'789), 2'799'441'933'765LL);
}

TEST(RowSchedule, RowsBeforeIsTheInverseOfOffset) {
  for (double rate : {1.0, 3.0, 10.0, 1000.0, 44100.0, 0.25}) {
    const RowSchedule s(rate);
    for (uint64_t i = 0; i < 2000; i += 37) {
      const int64_t t = s.offset_ns(i);
      EXPECT_EQ(s.rows_before(t), i) << rate;
      EXPECT_EQ(s.rows_before(t + 1), i + 1) << rate;
    }
  }
  EXPECT_EQ(RowSchedule(1000).rows_before(1'000'000'000), 1000u);
  EXPECT_EQ(RowSchedule(1000).rows_before(-5), 0u);
}

}  // namespace
}  // namespace h5rec
