// A sensor whose device fails is handed to the reopener thread, which closes it and reopens it
// with back-off on the schedule's time: a lost device costs one open() per back-off step, never
// one per row, the sampler thread never calls open() or close(), and every row the device misses
// is stored as NaN and counted for its channel in /_status's counters. Sensors sharing a device
// (one device_key()) are handed over and back together.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <latch>
#include <thread>
#include <vector>

#include "platform/sim/sim_clock.hpp"
#include "recorder/reopener.hpp"
#include "recorder/sampler.hpp"

namespace h5rec {
namespace {

constexpr double kRate = 100.0;

double seconds(const platform::Clock& clock) {
  return static_cast<double>(clock.monotonic_ns()) * 1e-9;
}

// A device that answers reads in [0, 1 s) and from 3 s on; at row 50 it returns junk once.
// open() fails while the clock is in [1 s, 3 s).
class FlakyDevice final : public platform::Sensor {
 public:
  FlakyDevice(const platform::Clock& clock, std::vector<double>& opens)
      : clock_(clock), opens_(opens) {}
  Status open() override {
    opens_.push_back(seconds(clock_));
    if (seconds(clock_) >= 1.0 && seconds(clock_) < 3.0) return Error{"flaky: no such device"};
    return {};
  }
  void close() override { ++closes; }
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> out) override {
    if (tick.index == 50) return platform::ReadResult::kBadValue;
    if (tick.elapsed_s >= 1.0 && tick.elapsed_s < 3.0) return platform::ReadResult::kDeviceError;
    out[0] = static_cast<double>(tick.index);
    return platform::ReadResult::kOk;
  }
  int closes = 0;

 private:
  const platform::Clock& clock_;
  std::vector<double>& opens_;
};

class Constant final : public platform::Sensor {
 public:
  platform::ReadResult read(const platform::SampleTick&, std::span<double> out) override {
    out[0] = 1.0;
    return platform::ReadResult::kOk;
  }
};

// Runs a sampler on this thread and a reopener on another, both attached to `clock`, for
// `rows` rows at kRate.
void record(Sampler& sampler, platform::SimClock& clock, uint64_t rows) {
  const auto duration = static_cast<int64_t>(static_cast<double>(rows) * 1e9 / kRate);
  const std::atomic<int64_t> stop{Sampler::kNotStopped};
  Sampler* samplers[] = {&sampler};
  Reopener reopener(samplers, clock);
  platform::ClockAttachment attached(clock);
  std::latch both_attached(2);
  std::thread reopen_thread([&] {
    platform::ClockAttachment thread_attached(clock);
    both_attached.count_down();
    reopener.run({0, 0}, duration, stop);
  });
  both_attached.arrive_and_wait();
  sampler.run({0, 0}, duration, stop);
  clock.sleep_until(duration);  // the reopener's last wake, then it ends
  reopen_thread.join();
}

double stored(const ChunkRing& ring, uint64_t row, size_t column) {
  double value = 0;
  std::memcpy(&value, ring.chunk(row / 100, column).data() + (row % 100) * 8, 8);
  return value;
}

TEST(SamplerReopen, FailedDeviceIsReopenedWithDoublingBackOffAndEveryMissedRowCounted) {
  constexpr uint64_t kRows = 500;  // 5 s
  platform::SimClock clock;
  std::vector<double> opens;
  auto flaky = std::make_unique<FlakyDevice>(clock, opens);
  FlakyDevice& device = *flaky;
  std::vector<SampledChannel> channels;
  channels.push_back({std::make_unique<Constant>(), DType::kFloat64, 1, true});
  channels.push_back({std::move(flaky), DType::kFloat64, 1, true});
  const std::vector<size_t> row_bytes{8, 8, 8};  // time, two float64 channels
  ChunkRing ring(row_bytes, 100, 6);
  Sampler sampler(kRate, std::move(channels), ring, clock);
  record(sampler, clock, kRows);

  // Lost at row 100 (1.00 s). The reopener wakes every 0.1 s; it closes the device at its first
  // wake after the failure and opens it after 0.1, 0.2, 0.4, 0.8, 1.6 s: at 1.1, 1.3, 1.7, 2.5
  // (fail), 4.1 (works). The sampler takes the device back at the first row after that wake,
  // 4.11 s (row 411): the row at 4.10 s is taken while the reopener may still be opening.
  const std::vector<double> expected{1.1, 1.3, 1.7, 2.5, 4.1};
  ASSERT_EQ(opens.size(), expected.size());
  for (size_t k = 0; k < expected.size(); ++k) EXPECT_NEAR(opens[k], expected[k], 1e-9) << k;
  EXPECT_EQ(device.closes, 1);
  const SamplerCounters& counters = sampler.counters();
  EXPECT_EQ(counters.channel_errors[0].load(), 0u);
  EXPECT_EQ(counters.channel_errors[1].load(), 1u + 311u);  // row 50, rows 100..410
  EXPECT_EQ(counters.sensor_errors.load(), 312u);
  EXPECT_EQ(counters.dropped_rows.load(), 0u);

  // The stored values: the row index where the device answered, NaN where it did not.
  ASSERT_EQ(ring.committed_rows(), kRows);
  for (uint64_t row = 0; row < kRows; ++row) {
    const double value = stored(ring, row, 2);
    const bool missing = row == 50 || (row >= 100 && row < 411);
    if (missing) {
      EXPECT_TRUE(std::isnan(value)) << row;
    } else {
      EXPECT_EQ(value, static_cast<double>(row)) << row;
    }
  }
}

// One device read by two channels (an IIO buffer, a BME280 chip, a GPS port): its state is
// plain memory, as a driver's is, so ThreadSanitizer reports any read that overlaps an open() or
// close() on the reopener thread. Missing at start-up (an optional device); it appears at 0.25 s,
// disappears at 1.00 s and is back at 1.50 s.
struct SharedState {
  const platform::Clock* clock = nullptr;
  bool open = false;
  int opens = 0;
  std::vector<int64_t> open_times_ns;  // clock times of the opens that opened it
};

bool present(double s) { return (s >= 0.25 && s < 1.0) || s >= 1.5; }

class SharedChannel final : public platform::Sensor {
 public:
  SharedChannel(SharedState& state, double scale) : state_(state), scale_(scale) {}
  Status open() override {
    ++state_.opens;
    if (!present(seconds(*state_.clock))) return Error{"shared: no such device"};
    if (!state_.open) state_.open_times_ns.push_back(state_.clock->monotonic_ns());
    state_.open = true;
    return {};
  }
  void close() override { state_.open = false; }
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> out) override {
    if (!state_.open) return platform::ReadResult::kDeviceError;  // never: the sampler knows
    if (!present(tick.elapsed_s)) return platform::ReadResult::kDeviceError;
    out[0] = scale_ * static_cast<double>(tick.index);
    return platform::ReadResult::kOk;
  }
  const void* device_key() const override { return &state_; }

 private:
  SharedState& state_;
  double scale_;
};

TEST(SamplerReopen, ChannelsOfOneDeviceAreHandedOverAndBackTogether) {
  constexpr uint64_t kRows = 250;  // 2.5 s
  platform::SimClock clock;
  SharedState state;
  state.clock = &clock;
  std::vector<SampledChannel> channels;
  channels.push_back({std::make_unique<SharedChannel>(state, 1.0), DType::kFloat64, 1, false});
  channels.push_back({std::make_unique<Constant>(), DType::kFloat64, 1, true});
  channels.push_back({std::make_unique<SharedChannel>(state, -1.0), DType::kFloat64, 1, false});
  const std::vector<size_t> row_bytes{8, 8, 8, 8};
  ChunkRing ring(row_bytes, 100, 3);
  Sampler sampler(kRate, std::move(channels), ring, clock);
  ASSERT_EQ(sampler.devices().size(), 2u);
  record(sampler, clock, kRows);

  // Missing at start-up: tried at the reopener's first wake (0.0 s, fails), 0.1 s later (fails),
  // then 0.2 s later: opened at 0.3 s, read from row 31 (the reads reset the back-off). Lost at
  // row 100: the failed read of the first channel hands the device over, so the other channel
  // of it is not read in that row either. Tried at 1.1 s (fails), 1.3 s (fails), 1.7 s (opens):
  // read from row 171. Every attempt opens both channels in order (the first failing stops it).
  EXPECT_EQ(state.open_times_ns, (std::vector<int64_t>{300'000'000, 1'700'000'000}));
  EXPECT_EQ(state.opens, 8);  // 0.0, 0.1: one each; 0.3: two; 1.1, 1.3: one each; 1.7: two
  ASSERT_EQ(ring.committed_rows(), kRows);
  for (uint64_t row = 0; row < kRows; ++row) {
    const bool missing = row < 31 || (row >= 100 && row < 171);
    const double first = stored(ring, row, 1), second = stored(ring, row, 3);
    EXPECT_EQ(stored(ring, row, 2), 1.0) << row;
    if (missing) {
      EXPECT_TRUE(std::isnan(first) && std::isnan(second)) << row;
    } else {
      EXPECT_EQ(first, static_cast<double>(row)) << row;
      EXPECT_EQ(second, -static_cast<double>(row)) << row;
    }
  }
  EXPECT_EQ(sampler.counters().channel_errors[0].load(), 31u + 71u);
  EXPECT_EQ(sampler.counters().channel_errors[2].load(), 31u + 71u);
}

}  // namespace
}  // namespace h5rec
