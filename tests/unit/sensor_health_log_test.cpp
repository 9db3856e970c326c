// The event log hears when a channel's sensor starts failing and when it reads again, once per
// failure, and a flaky sensor does not flood it.
#include <gtest/gtest.h>

#include <array>

#include "recorder/sensor_health_log.hpp"

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
  }
  // One status row at `t_s` seconds after `gps_errors` failed reads in all.
  std::string row(int64_t t_s, uint64_t gps_errors) {
    counters_.channel_errors[1].store(gps_errors);
    const std::array<const SamplerCounters*, 1> groups{&counters_};
    ::testing::internal::CaptureStderr();
    log_.update(t_s * kSecond, groups);
    return ::testing::internal::GetCapturedStderr();
  }

  SamplerCounters counters_;
  SensorHealthLog log_;
};

TEST_F(SensorHealthLogTest, LogsTheStartAndTheEndOfAFailureOnce) {
  EXPECT_EQ(row(1, 0), "");
  const std::string failing = row(2, 5);
  EXPECT_EQ(count(failing, "channel env/gps: sensor failing (5 failed reads"), 1u) << failing;
  EXPECT_EQ(count(failing, "env/ok"), 0u);
  EXPECT_EQ(row(3, 15), "");  // still failing: said already
  const std::string again = row(4, 15);
  EXPECT_EQ(count(again, "channel env/gps: sensor reads again (10 more failed reads"), 1u) << again;
  EXPECT_EQ(row(5, 15), "");
}

TEST_F(SensorHealthLogTest, AFlakySensorIsWarnedAboutAtMostOnceAMinute) {
  std::string all;
  uint64_t errors = 0;
  for (int64_t t = 1; t <= 120; ++t) all += row(t, errors += t % 2);  // fails every other second
  EXPECT_EQ(count(all, "sensor failing"), 2u) << all;  // at 1 s and at 61 s
  EXPECT_EQ(count(all, "sensor reads again"), 2u) << all;
}

}  // namespace
}  // namespace h5rec
