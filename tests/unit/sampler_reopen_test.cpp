// A sensor whose device fails is closed and reopened with back-off, on the schedule's time: a
// lost device costs one open() per back-off step, never one per row, and every row it misses is
// stored as NaN and counted for its channel in /_status's counters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "platform/sim/sim_clock.hpp"
#include "recorder/sampler.hpp"

namespace h5rec {
namespace {

// A device that answers reads in [0, 1 s) and from 3 s on; at row 50 it returns junk once.
class FlakyDevice final : public platform::Sensor {
 public:
  explicit FlakyDevice(std::vector<double>& opens) : opens_(opens) {}
  Status open() override {
    opens_.push_back(now_s_);
    if (now_s_ >= 1.0 && now_s_ < 3.0) return Error{"flaky: no such device"};
    return {};
  }
  void close() override { ++closes; }
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> out) override {
    now_s_ = tick.elapsed_s;
    if (tick.index == 50) return platform::ReadResult::kBadValue;
    if (tick.elapsed_s >= 1.0 && tick.elapsed_s < 3.0) return platform::ReadResult::kDeviceError;
    out[0] = static_cast<double>(tick.index);
    return platform::ReadResult::kOk;
  }
  void set_time(double s) { now_s_ = s; }
  int closes = 0;

 private:
  std::vector<double>& opens_;
  double now_s_ = 0;
};

// Tells the flaky device the time of the row being taken (it sits after it in the row).
class TimeTeller final : public platform::Sensor {
 public:
  explicit TimeTeller(FlakyDevice& device) : device_(device) {}
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> out) override {
    device_.set_time(tick.elapsed_s);
    out[0] = 1.0;
    return platform::ReadResult::kOk;
  }

 private:
  FlakyDevice& device_;
};

TEST(SamplerReopen, FailedDeviceIsReopenedWithDoublingBackOffAndEveryMissedRowCounted) {
  constexpr double kRate = 100.0;
  constexpr uint64_t kRows = 500;  // 5 s
  std::vector<double> opens;
  auto flaky = std::make_unique<FlakyDevice>(opens);
  FlakyDevice& device = *flaky;
  std::vector<SampledChannel> channels;
  channels.push_back({std::make_unique<TimeTeller>(device), DType::kFloat64, 1, true});
  channels.push_back({std::move(flaky), DType::kFloat64, 1, true});
  const std::vector<size_t> row_bytes{8, 8, 8};  // time, two float64 channels
  ChunkRing ring(row_bytes, 100, 6);
  platform::SimClock clock;
  clock.attach();
  Sampler sampler(kRate, std::move(channels), ring, clock);
  const std::atomic<int64_t> stop{Sampler::kNotStopped};
  sampler.run({0, 0}, static_cast<int64_t>(kRows * 1e9 / kRate), stop);
  clock.detach();

  // Lost at 1.00 s; reopened after 0.1, 0.2, 0.4, 0.8, 1.6 s: at 1.1, 1.3, 1.7, 2.5 (fail), 4.1.
  const std::vector<double> expected{1.1, 1.3, 1.7, 2.5, 4.1};
  ASSERT_EQ(opens.size(), expected.size());
  for (size_t k = 0; k < expected.size(); ++k) EXPECT_NEAR(opens[k], expected[k], 1e-9) << k;
  EXPECT_EQ(device.closes, 1);
  const SamplerCounters& counters = sampler.counters();
  EXPECT_EQ(counters.channel_errors[0].load(), 0u);
  EXPECT_EQ(counters.channel_errors[1].load(), 1u + 310u);  // row 50, rows 100..409
  EXPECT_EQ(counters.sensor_errors.load(), 311u);
  EXPECT_EQ(counters.dropped_rows.load(), 0u);

  // The stored values: the row index where the device answered, NaN where it did not.
  ASSERT_EQ(ring.committed_rows(), kRows);
  for (uint64_t row = 0; row < kRows; ++row) {
    double value = 0;
    std::memcpy(&value, ring.chunk(row / 100, 2).data() + (row % 100) * 8, 8);
    const bool missing = row == 50 || (row >= 100 && row < 410);
    if (missing) {
      EXPECT_TRUE(std::isnan(value)) << row;
    } else {
      EXPECT_EQ(value, static_cast<double>(row)) << row;
    }
  }
}

}  // namespace
}  // namespace h5rec
