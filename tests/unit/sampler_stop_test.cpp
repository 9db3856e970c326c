// A sampler asked to stop takes every row that was due before the stop and none after it, even
// when its thread gets to those rows after the stop was asked for (a busy board wakes a thread
// late; `--duration 4` at 1 kHz must still store 4,000 rows).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "platform/sim/sim_clock.hpp"
#include "recorder/sampler.hpp"

namespace h5rec {
namespace {

constexpr double kRate = 10.0;  // a row every 100 ms
constexpr int64_t kMs = platform::kNsPerMs;

class IndexSensor final : public platform::Sensor {
 public:
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> out) override {
    out[0] = static_cast<double>(tick.index);
    return platform::ReadResult::kOk;
  }
};

struct Sampled {
  uint64_t rows_due = 0;
  uint64_t dropped = 0;
  std::vector<double> stored;
};

// Samples from time 0 with the clock already at `now_ns` and the stop set to `stop_at_ns`.
Sampled sample(int64_t now_ns, int64_t stop_at_ns) {
  std::vector<SampledChannel> channels;
  channels.push_back({std::make_unique<IndexSensor>(), DType::kFloat64, 1, true});
  ChunkRing ring(std::vector<size_t>{8, 8}, 64, 4);
  platform::SimClock clock;
  clock.attach();
  clock.sleep_until(now_ns);  // the only attached thread: time jumps there
  Sampler sampler(kRate, std::move(channels), ring, clock);
  const std::atomic<int64_t> stop_at{stop_at_ns};
  sampler.run({0, 0}, std::nullopt, stop_at);
  clock.detach();
  Sampled run{sampler.counters().rows_due.load(), sampler.counters().dropped_rows.load(), {}};
  for (uint64_t row = 0; row < ring.committed_rows(); ++row) {
    double value = 0;
    std::memcpy(&value, ring.chunk(row / 64, 1).data() + (row % 64) * 8, 8);
    run.stored.push_back(value);
  }
  return run;
}

TEST(SamplerStop, RowsDueBeforeTheStopAreTakenWhenTheThreadWakesAfterIt) {
  // Rows at 0, 100 and 200 ms were due before the stop at 250 ms; the thread runs at 500 ms.
  const Sampled run = sample(500 * kMs, 250 * kMs);
  EXPECT_EQ(run.rows_due, 3u);
  EXPECT_EQ(run.dropped, 0u);
  EXPECT_EQ(run.stored, (std::vector<double>{0, 1, 2}));
}

TEST(SamplerStop, ARowDueAtTheStopIsNotPartOfTheRecording) {
  const Sampled run = sample(0, 300 * kMs);
  EXPECT_EQ(run.rows_due, 3u);
  EXPECT_EQ(run.stored, (std::vector<double>{0, 1, 2}));
}

TEST(SamplerStop, RowsTooLateToTakeBeforeTheStopAreCountedAsDropped) {
  // At 2.5 s row 0 is over a second late: the rows before the stop at 2.05 s (0..20) are
  // skipped, counted as due and dropped, and no row after the stop is due.
  const Sampled run = sample(2500 * kMs, 2050 * kMs);
  EXPECT_EQ(run.rows_due, 21u);
  EXPECT_EQ(run.dropped, 21u);
  EXPECT_TRUE(run.stored.empty());
}

}  // namespace
}  // namespace h5rec
