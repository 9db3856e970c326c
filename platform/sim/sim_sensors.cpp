#include "platform/sim/sim_sensors.hpp"

#include <cmath>
#include <vector>

#include "platform/sensor_params.hpp"
#include "platform/sim/sim_math.hpp"

namespace h5rec::platform {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

double unit_interval(uint64_t bits) {  // (0, 1], never 0 so log() is finite
  return (static_cast<double>(bits >> 11) + 1.0) * 0x1.0p-53;
}

class Counter final : public Sensor {
 public:
  Counter(double start, double step) : start_(start), step_(step) {}
  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    for (double& v : out) v = start_ + step_ * static_cast<double>(tick.index);
    return ReadResult::kOk;
  }

 private:
  double start_, step_;
};

class Sine final : public Sensor {
 public:
  Sine(double amplitude, double frequency_hz, double offset)
      : amplitude_(amplitude), frequency_hz_(frequency_hz), offset_(offset) {}
  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    for (size_t c = 0; c < out.size(); ++c) {
      const double phase =
          frequency_hz_ * tick.elapsed_s + static_cast<double>(c) / static_cast<double>(out.size());
      out[c] = offset_ + amplitude_ * sim_sin_turns(phase);
    }
    return ReadResult::kOk;
  }

 private:
  double amplitude_, frequency_hz_, offset_;
};

class Noise final : public Sensor {
 public:
  Noise(uint64_t seed, double mean, double stddev) : seed_(seed), mean_(mean), stddev_(stddev) {}
  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    for (size_t c = 0; c < out.size(); ++c)
      out[c] = mean_ + stddev_ * sim_normal(seed_, tick.index, c);
    return ReadResult::kOk;
  }

 private:
  uint64_t seed_;
  double mean_, stddev_;
};

// Keeps its position; rows the sampler skipped are still walked, so the value of row i never
// depends on which rows were read.
class RandomWalk final : public Sensor {
 public:
  RandomWalk(uint64_t seed, double start, double step, size_t components)
      : seed_(seed), step_(step), position_(components, start) {}
  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    while (next_index_ <= tick.index) {
      if (next_index_ > 0) {
        for (size_t c = 0; c < position_.size(); ++c) {
          position_[c] += step_ * sim_normal(seed_, next_index_, c);
        }
      }
      ++next_index_;
    }
    for (size_t c = 0; c < out.size(); ++c) out[c] = position_[c];
    return ReadResult::kOk;
  }

 private:
  uint64_t seed_;
  double step_;
  std::vector<double> position_;
  uint64_t next_index_ = 0;
};

class Step final : public Sensor {
 public:
  Step(double low, double high, double at_s) : low_(low), high_(high), at_s_(at_s) {}
  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    for (double& v : out) v = tick.elapsed_s < at_s_ ? low_ : high_;
    return ReadResult::kOk;
  }

 private:
  double low_, high_, at_s_;
};

}  // namespace

double sim_normal(uint64_t seed, uint64_t index, size_t component) {
  const uint64_t key = splitmix64(seed ^ splitmix64(index * 0x100000001B3ULL + component));
  const double u1 = unit_interval(key);
  const double u2 = unit_interval(splitmix64(key));
  return std::sqrt(-2.0 * sim_log(u1)) * sim_sin_turns(u2 + 0.25);  // cos(2 pi u2)
}

Result<std::unique_ptr<Sensor>> make_sim_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  std::unique_ptr<Sensor> sensor;
  const auto seed = [&] {
    const double s = p.number("seed", static_cast<double>(spec.default_seed % (1ULL << 53)));
    return static_cast<uint64_t>(s);
  };
  if (spec.kind == "counter") {
    const double start = p.number("start", 0.0);
    const double step = p.number("step", 1.0);
    sensor = std::make_unique<Counter>(start, step);
  } else if (spec.kind == "sine") {
    const double amplitude = p.number("amplitude", 1.0);
    const double frequency = p.number("frequency_hz", 1.0);
    const double offset = p.number("offset", 0.0);
    sensor = std::make_unique<Sine>(amplitude, frequency, offset);
  } else if (spec.kind == "noise") {
    const uint64_t s = seed();
    const double mean = p.number("mean", 0.0);
    const double stddev = p.number("stddev", 1.0);
    if (stddev < 0) {
      return p.error("stddev", "needs stddev >= 0");
    }
    sensor = std::make_unique<Noise>(s, mean, stddev);
  } else if (spec.kind == "random_walk") {
    const uint64_t s = seed();
    const double start = p.number("start", 0.0);
    const double step = p.number("step", 1.0);
    sensor = std::make_unique<RandomWalk>(s, start, step, spec.components);
  } else if (spec.kind == "step") {
    const double low = p.number("low", 0.0);
    const double high = p.number("high", 1.0);
    const double at_s = p.number("at_s", 1.0);
    sensor = std::make_unique<Step>(low, high, at_s);
  } else {
    return std::unique_ptr<Sensor>();
  }
  if (Status st = p.check_all_known(); !st) return st.error();
  return sensor;
}

}  // namespace h5rec::platform
