// Sensor seam: a sensor fills one value per component for each scheduled sample.
// Implementations live in platform/sim (simulated twins) and, for boards, platform/posix.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "platform/error.hpp"

namespace h5rec::platform {

// What the sampler knows about the sample being taken.
struct SampleTick {
  uint64_t index = 0;       // row index since the recording started (0, 1, 2, ...)
  double elapsed_s = 0.0;   // scheduled time of this row since the recording started, seconds
};

class Sensor {
 public:
  virtual ~Sensor() = default;
  // Called only from the owning rate group's sampler thread; must not allocate or block longer
  // than one sample period. Returns false when the read failed: the sampler records the
  // channel's fill value and counts the error.
  virtual bool read(const SampleTick& tick, std::span<double> out) = 0;
};

// How a channel's config describes its sensor.
struct SensorSpec {
  std::string kind;                      // e.g. "counter", "sine"
  std::map<std::string, double> params;  // kind-specific numeric parameters
  size_t components = 1;                 // values per sample (product of the channel's shape)
  double rate_hz = 1.0;                  // sample rate of the channel's group
  uint64_t default_seed = 0;             // used by random sensors when params has no "seed"
  std::string kind_where;                // "file:line" of the sensor key, for error messages
  std::string params_where;              // "file:line" of the params (or of the sensor key)
};

// Builds the sensor for a spec, or says which kind or parameter is wrong.
Result<std::unique_ptr<Sensor>> make_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
