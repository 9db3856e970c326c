// TimeStepCheck: order, steps on the schedule within tolerance, missing rows counted.
#include "tools/time_step_check.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace h5rec::tools {
namespace {

constexpr int64_t kT0 = 1'767'225'600'000'000'000;  // ns since 1970: needs 61 bits

TEST(TimeStepCheck, CountsMissingRowsOfWholePeriodSteps) {
  FileReport report;
  TimeStepCheck check("g/time", 1000);
  const std::vector<int64_t> a{kT0, kT0 + 1'000'000, kT0 + 4'000'000};  // rows 1 and 2 missing
  const std::vector<int64_t> b{kT0 + 5'000'001, kT0 + 6'000'000};       // 1 ns off: rounding
  check.feed(a, 0, report);
  check.feed(b, a.size(), report);
  EXPECT_TRUE(report.sound());
  EXPECT_EQ(check.missing_rows(), 2u);
  EXPECT_EQ(check.first_ns(), kT0);
  EXPECT_EQ(check.last_ns(), kT0 + 6'000'000);
}

TEST(TimeStepCheck, ThirdsOfASecondRoundedToTheNanosecondAreOnSchedule) {
  FileReport report;
  TimeStepCheck check("g/time", 3);
  std::vector<int64_t> t;
  for (int64_t i = 0; i < 100; ++i) t.push_back(kT0 + (i * 1'000'000'000 + 1) / 3);
  check.feed(t, 0, report);
  EXPECT_TRUE(report.sound()) << report.problems[0].message;
  EXPECT_EQ(check.missing_rows(), 0u);
}

TEST(TimeStepCheck, OrderAndOffScheduleStepsAreProblemsNamingRows) {
  FileReport report;
  TimeStepCheck check("g/time", 1000);
  const std::vector<int64_t> t{kT0,         kT0 + 1'000'000,    kT0 + 1'000'000, kT0 + 2'500'000,
                               kT0 + 1'000, kT0 + 3'500'000 - 3};
  check.feed(t, 100, report);
  ASSERT_EQ(report.problems.size(), 2u);
  const Problem& order = report.problems[0];
  EXPECT_EQ(order.check, "time");
  EXPECT_EQ(order.dataset, "g/time");
  EXPECT_EQ(order.count, 2u);  // rows 102 and 104
  EXPECT_EQ(order.first_row, 101u);
  EXPECT_EQ(order.end_row, 103u);
  const Problem& rate = report.problems[1];
  EXPECT_EQ(rate.check, "rate");
  EXPECT_EQ(rate.count, 2u);  // 1.5 periods at row 103, 3.499 periods at row 105
  EXPECT_EQ(rate.first_row, 102u);
}

TEST(TimeStepCheck, ARestartSkipsTheStepAcrossRowsThatDidNotRead) {
  FileReport report;
  TimeStepCheck check("g/time", 1000);
  check.feed(std::vector<int64_t>{kT0, kT0 + 1'000'000}, 0, report);
  check.restart();
  check.feed(std::vector<int64_t>{kT0 + 50'000'000, kT0 + 51'000'000}, 50, report);
  EXPECT_TRUE(report.sound());
  EXPECT_EQ(check.missing_rows(), 0u);
}

TEST(TimeStepCheck, WithoutARateOnlyOrderIsChecked) {
  FileReport report;
  TimeStepCheck check("_status/time", 0);
  check.feed(std::vector<int64_t>{kT0, kT0 + 123, kT0 + 1'000'456}, 0, report);
  EXPECT_TRUE(report.sound());
  check.feed(std::vector<int64_t>{kT0}, 3, report);
  EXPECT_FALSE(report.sound());
}

}  // namespace
}  // namespace h5rec::tools
