#include "platform/sim/sim_sensors.hpp"

#include <cmath>
#include <set>
#include <vector>

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

// Reads a sensor's numeric parameters and rejects any it does not know.
class Params {
 public:
  explicit Params(const SensorSpec& spec) : spec_(spec) {}
  double get(const std::string& name, double fallback) {
    known_.insert(name);
    const auto it = spec_.params.find(name);
    return it == spec_.params.end() ? fallback : it->second;
  }
  Status check_all_known() const {
    for (const auto& [name, value] : spec_.params) {
      if (!known_.contains(name)) {
        std::string list;
        for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
        return Error{spec_.params_where + ": key 'params." + name + "': sensor '" + spec_.kind +
                     "' has no parameter '" + name + "' (it takes: " + list + ")"};
      }
    }
    return {};
  }

 private:
  const SensorSpec& spec_;
  std::set<std::string> known_;
};

class Counter final : public Sensor {
 public:
  Counter(double start, double step) : start_(start), step_(step) {}
  bool read(const SampleTick& tick, std::span<double> out) override {
    for (double& v : out) v = start_ + step_ * static_cast<double>(tick.index);
    return true;
  }

 private:
  double start_, step_;
};

class Sine final : public Sensor {
 public:
  Sine(double amplitude, double frequency_hz, double offset)
      : amplitude_(amplitude), frequency_hz_(frequency_hz), offset_(offset) {}
  bool read(const SampleTick& tick, std::span<double> out) override {
    for (size_t c = 0; c < out.size(); ++c) {
      const double phase = frequency_hz_ * tick.elapsed_s +
                           static_cast<double>(c) / static_cast<double>(out.size());
      out[c] = offset_ + amplitude_ * sim_sin_turns(phase);
    }
    return true;
  }

 private:
  double amplitude_, frequency_hz_, offset_;
};

class Noise final : public Sensor {
 public:
  Noise(uint64_t seed, double mean, double stddev) : seed_(seed), mean_(mean), stddev_(stddev) {}
  bool read(const SampleTick& tick, std::span<double> out) override {
    for (size_t c = 0; c < out.size(); ++c) out[c] = mean_ + stddev_ * sim_normal(seed_, tick.index, c);
    return true;
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
  bool read(const SampleTick& tick, std::span<double> out) override {
    while (next_index_ <= tick.index) {
      if (next_index_ > 0) {
        for (size_t c = 0; c < position_.size(); ++c) {
          position_[c] += step_ * sim_normal(seed_, next_index_, c);
        }
      }
      ++next_index_;
    }
    for (size_t c = 0; c < out.size(); ++c) out[c] = position_[c];
    return true;
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
  bool read(const SampleTick& tick, std::span<double> out) override {
    for (double& v : out) v = tick.elapsed_s < at_s_ ? low_ : high_;
    return true;
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
  Params p(spec);
  std::unique_ptr<Sensor> sensor;
  const auto seed = [&] {
    const double s = p.get("seed", static_cast<double>(spec.default_seed % (1ULL << 53)));
    return static_cast<uint64_t>(s);
  };
  if (spec.kind == "counter") {
    const double start = p.get("start", 0.0);
    const double step = p.get("step", 1.0);
    sensor = std::make_unique<Counter>(start, step);
  } else if (spec.kind == "sine") {
    const double amplitude = p.get("amplitude", 1.0);
    const double frequency = p.get("frequency_hz", 1.0);
    const double offset = p.get("offset", 0.0);
    sensor = std::make_unique<Sine>(amplitude, frequency, offset);
  } else if (spec.kind == "noise") {
    const uint64_t s = seed();
    const double mean = p.get("mean", 0.0);
    const double stddev = p.get("stddev", 1.0);
    if (stddev < 0) {
      return Error{spec.params_where + ": key 'params.stddev': sensor 'noise' needs stddev >= 0"};
    }
    sensor = std::make_unique<Noise>(s, mean, stddev);
  } else if (spec.kind == "random_walk") {
    const uint64_t s = seed();
    const double start = p.get("start", 0.0);
    const double step = p.get("step", 1.0);
    sensor = std::make_unique<RandomWalk>(s, start, step, spec.components);
  } else if (spec.kind == "step") {
    const double low = p.get("low", 0.0);
    const double high = p.get("high", 1.0);
    const double at_s = p.get("at_s", 1.0);
    sensor = std::make_unique<Step>(low, high, at_s);
  } else {
    return std::unique_ptr<Sensor>();
  }
  if (Status st = p.check_all_known(); !st) return st.error();
  return sensor;
}

}  // namespace h5rec::platform
