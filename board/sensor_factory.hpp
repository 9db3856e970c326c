// The sensor factory of a board (and of a simulated one): maps a channel's sensor kind to a
// driver in drivers/ or a simulated twin in platform/sim/, and a device name ("i2c-1",
// "gpiochip0", a path, or "sim") to a real or a simulated bus. The h5rec program, the tests and
// the benchmarks hand it to the recorder (recorder/recorder.hpp).
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::board {

// Builds the sensor for a spec, or says which kind or parameter is wrong. Does not open it.
Result<std::unique_ptr<platform::Sensor>> make_sensor(const platform::SensorSpec& spec);

class BoardSensorFactory final : public platform::SensorFactory {
 public:
  Result<std::unique_ptr<platform::Sensor>> make(const platform::SensorSpec& spec) const override;
};

// One factory for the process (it holds no state).
const platform::SensorFactory& sensor_factory();

}  // namespace h5rec::board
