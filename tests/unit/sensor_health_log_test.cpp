// The event log hears when a channel's sensor starts failing and when it reads again (a
// successful read, not a quiet interval), once per failure, and a flaky sensor does not flood it.
#include "recorder/sensor_health_log.hpp"

#include <gtest/gtest.h>

#include <array>

namespace h5rec {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class SensorHealthLogTest : public ::testing::Test {
 protected:
  SensorHealthLogTest() : log_(std::vector<std::vector<std::string>>{{"env/ok", "env/gps"}}) {
    counters_.channel_errors = std::make_unique<std::atomic<uint64_t>[]>(2);
    counters_.channel_reads = std::make_unique<std::atomic<uint64_t>[]>(2);
  }
  // One status row at `t_s` seconds after `gps_errors` failed and `gps_reads` successful reads
  // in all.
  std::string row(int64_t t_s, uint64_t gps_errors, uint64_t gps_reads) {
    counters_.channel_errors[1].store(gps_errors);
    counters_.channel_reads[1].store(gps_reads);
    const std::array<const SamplerCounters*, 1> groups{&counters_};
    ::testing::internal::CaptureStderr();
    log_.update(t_s * kSecond, groups);
    return ::testing::internal::GetCapturedStderr();
  }

  SamplerCounters counters_;
  SensorHealthLog log_;
};

TEST_F(SensorHealthLogTest, LogsTheStartAndTheEndOfAFailureOnce) {
  EXPECT_EQ(row(1, 0, 10), "");
  const std::string failing = row(2, 5, 15);
  EXPECT_EQ(count(failing, "channel env/gps: sensor failing (5 failed reads"), 1u) << failing;
  EXPECT_EQ(count(failing, "env/ok"), 0u);
  EXPECT_EQ(row(3, 15, 15), "");  // still failing: said already
  const std::string again = row(4, 15, 20);
  EXPECT_EQ(count(again, "channel env/gps: sensor reads again (10 more failed reads"), 1u) << again;
  EXPECT_EQ(row(5, 15, 30), "");
}

// The audit's case: a dead sensor was "read again" at every quiet interval, which is every
// interval of a group slower than status_interval and the last row of every recording.
TEST_F(SensorHealthLogTest, ASensorThatNeverReadsIsNeverSaidToReadAgain) {
  std::string all = row(1, 1, 0);
  EXPECT_EQ(count(all, "sensor failing"), 1u) << all;
  for (int64_t t = 2; t <= 600; ++t) all += row(t, static_cast<uint64_t>(t / 10), 0);
  all += row(601, 60, 0);  // the last row, at shutdown
  EXPECT_EQ(count(all, "sensor reads again"), 0u) << all;
}

TEST_F(SensorHealthLogTest, AnIntervalWithReadsAndNewErrorsIsStillFailing) {
  EXPECT_NE(row(1, 3, 0), "");
  EXPECT_EQ(row(2, 4, 5), "");  // flaky: some reads, but it failed again
  EXPECT_EQ(row(3, 4, 5), "");  // not read at all
  EXPECT_EQ(count(row(4, 4, 6), "sensor reads again"), 1u);
}

TEST_F(SensorHealthLogTest, AFlakySensorIsWarnedAboutAtMostOnceAMinute) {
  std::string all;
  uint64_t errors = 0;
  uint64_t reads = 0;
  for (int64_t t = 1; t <= 120; ++t) {  // fails for a second, reads for a second
    all += row(t, errors += t % 2, reads += 1 - t % 2);
  }
  EXPECT_EQ(count(all, "sensor failing"), 2u) << all;  // at 1 s and at 61 s
  EXPECT_EQ(count(all, "sensor reads again"), 2u) << all;
}

}  // namespace
}  // namespace h5rec
