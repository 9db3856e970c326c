#include "platform/sim/sim_clock.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace h5rec::platform {
namespace {

TEST(SimClock, StartsAtTheEpochAndSleepAdvancesExactly) {
  SimClock clock;
  EXPECT_EQ(clock.monotonic_ns(), 0);
  EXPECT_EQ(clock.realtime_ns(), SimClock::kDefaultEpochNs);
  ClockAttachment attached(clock);
  clock.sleep_until(3 * kNsPerSecond);
  EXPECT_EQ(clock.monotonic_ns(), 3 * kNsPerSecond);
  clock.sleep_until(kNsPerSecond);  // in the past: returns at once
  EXPECT_EQ(clock.monotonic_ns(), 3 * kNsPerSecond);
}

TEST(SimClock, ThreadsWakeInDeadlineOrderAndTimeWaitsForRunningThreads) {
  SimClock clock;
  std::mutex mutex;
  std::vector<std::pair<int, int64_t>> wakes;  // (thread, time seen at wake)
  std::latch started(2);
  auto body = [&](int id, int64_t period, int count) {
    ClockAttachment attached(clock);
    started.count_down();
    for (int i = 1; i <= count; ++i) {
      clock.sleep_until(i * period);
      std::lock_guard lock(mutex);
      wakes.emplace_back(id, clock.monotonic_ns());
    }
  };
  std::thread a, b;
  {
    // Awake and attached, this thread holds time still until both threads have attached.
    ClockAttachment main_attached(clock);
    a = std::thread(body, 1, 3 * kNsPerMs, 10);
    b = std::thread(body, 2, 5 * kNsPerMs, 6);
    started.wait();
    EXPECT_EQ(clock.monotonic_ns(), 0);
  }
  a.join();
  b.join();
  ASSERT_EQ(wakes.size(), 16u);
  int64_t previous = 0;
  for (const auto& [id, t] : wakes) {
    EXPECT_GE(t, previous);
    EXPECT_EQ(t % (id == 1 ? 3 * kNsPerMs : 5 * kNsPerMs), 0) << "woke off its schedule";
    previous = t;
  }
  EXPECT_EQ(clock.monotonic_ns(), 30 * kNsPerMs);
}

TEST(SimClock, AnHourOfMillisecondsIsFast) {
  SimClock clock;
  ClockAttachment attached(clock);
  for (int64_t i = 1; i <= 3'600'000; ++i) clock.sleep_until(i * kNsPerMs);
  EXPECT_EQ(clock.monotonic_ns(), 3600 * kNsPerSecond);
}

}  // namespace
}  // namespace h5rec::platform
