// Every simulated sensor swept across its range: values are the documented pure functions of
// the row index, and parameters are validated.
#include "platform/sim/sim_sensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "board/sensor_factory.hpp"

namespace h5rec::platform {
namespace {

SensorSpec spec_of(const std::string& kind, std::map<std::string, double> params, size_t components,
                   double rate_hz, uint64_t seed, const std::string& kind_where,
                   const std::string& params_where) {
  SensorSpec spec;
  spec.kind = kind;
  spec.params = std::move(params);
  spec.components = components;
  spec.rate_hz = rate_hz;
  spec.default_seed = seed;
  spec.kind_where = kind_where;
  spec.params_where = params_where;
  return spec;
}

std::unique_ptr<Sensor> make(const std::string& kind, std::map<std::string, double> params = {},
                             size_t components = 1) {
  const SensorSpec spec =
      spec_of(kind, std::move(params), components, 100.0, 7, "test.toml:3", "test.toml:4");
  auto sensor = board::make_sensor(spec);
  EXPECT_TRUE(sensor.ok()) << (sensor.ok() ? "" : sensor.message());
  return sensor.ok() ? std::move(sensor.value()) : nullptr;
}

std::vector<double> read(Sensor& s, uint64_t index, size_t components = 1, double rate = 100.0) {
  std::vector<double> out(components);
  EXPECT_EQ(s.read({index, static_cast<double>(index) / rate}, out), ReadResult::kOk);
  return out;
}

TEST(SimSensors, CounterGivesTheRowIndex) {
  auto c = make("counter", {}, 3);
  for (uint64_t i : {0ULL, 1ULL, 2ULL, 1000ULL, 123456789ULL}) {
    EXPECT_EQ(read(*c, i, 3), std::vector<double>(3, static_cast<double>(i)));
  }
  auto shifted = make("counter", {{"start", 10}, {"step", -2}});
  EXPECT_EQ(read(*shifted, 5)[0], 0.0);
}

TEST(SimSensors, SineFollowsItsFormulaWithPhasePerComponent) {
  auto s = make("sine", {{"amplitude", 2}, {"frequency_hz", 5}, {"offset", 1}}, 4);
  for (uint64_t i = 0; i < 200; ++i) {
    const auto v = read(*s, i, 4);
    for (size_t c = 0; c < 4; ++c) {
      const double t = static_cast<double>(i) / 100.0;
      EXPECT_NEAR(v[c], 1 + 2 * std::sin(2 * std::numbers::pi * (5 * t + c / 4.0)), 1e-13);
      EXPECT_LE(std::fabs(v[c] - 1), 2.0 + 1e-12);
    }
  }
}

TEST(SimSensors, NoiseIsSeededAndHasTheRequestedMoments) {
  auto a = make("noise", {{"seed", 1}, {"mean", 5}, {"stddev", 2}});
  auto b = make("noise", {{"seed", 1}, {"mean", 5}, {"stddev", 2}});
  auto other = make("noise", {{"seed", 2}, {"mean", 5}, {"stddev", 2}});
  double sum = 0, sum_sq = 0;
  int differ = 0;
  constexpr int kN = 100000;
  for (uint64_t i = 0; i < kN; ++i) {
    const double v = read(*a, i)[0];
    EXPECT_EQ(v, read(*b, i)[0]);
    differ += v != read(*other, i)[0];
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / kN, var = sum_sq / kN - mean * mean;
  EXPECT_NEAR(mean, 5.0, 0.05);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.05);
  EXPECT_GT(differ, kN - 10);
}

TEST(SimSensors, RandomWalkValueDoesNotDependOnWhichRowsWereRead) {
  auto every = make("random_walk", {{"seed", 3}, {"start", 20}, {"step", 0.5}}, 2);
  auto sparse = make("random_walk", {{"seed", 3}, {"start", 20}, {"step", 0.5}}, 2);
  std::vector<double> expected(2, 20.0);
  for (uint64_t i = 0; i <= 1000; ++i) {
    if (i > 0) {
      for (size_t c = 0; c < 2; ++c) expected[c] += 0.5 * sim_normal(3, i, c);
    }
    const auto v = read(*every, i, 2);
    EXPECT_EQ(v, expected);
    if (i % 97 == 0) {
      EXPECT_EQ(read(*sparse, i, 2), expected);
    }
  }
}

TEST(SimSensors, StepSwitchesAtItsTime) {
  auto s = make("step", {{"low", -1}, {"high", 4}, {"at_s", 0.5}});
  EXPECT_EQ(read(*s, 0)[0], -1);
  EXPECT_EQ(read(*s, 49)[0], -1);
  EXPECT_EQ(read(*s, 50)[0], 4);
  EXPECT_EQ(read(*s, 5000)[0], 4);
}

TEST(SimSensors, UnknownKindsAndParametersAreErrorsNamingTheConfigLine) {
  SensorSpec spec =
      spec_of("sine", {{"amplitud", 1}}, 1, 10.0, 0, "station.toml:12", "station.toml:13");
  auto bad_param = board::make_sensor(spec);
  ASSERT_FALSE(bad_param.ok());
  EXPECT_NE(bad_param.message().find("station.toml:13: key 'params.amplitud'"), std::string::npos)
      << bad_param.message();
  spec = spec_of("thermometer", {}, 1, 10.0, 0, "station.toml:20", "station.toml:20");
  auto bad_kind = board::make_sensor(spec);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.message().find("station.toml:20: key 'sensor': unknown sensor kind "
                                    "'thermometer'"),
            std::string::npos)
      << bad_kind.message();
  spec = spec_of("noise", {{"stddev", -1}}, 1, 10.0, 0, "x:1", "x:1");
  EXPECT_FALSE(board::make_sensor(spec).ok());
}

}  // namespace
}  // namespace h5rec::platform
