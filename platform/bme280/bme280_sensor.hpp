// `sensor = "bme280"`: one quantity (temperature, pressure or humidity) of a Bosch BME280 read
// over I2C without a kernel driver (/dev/i2c-N, or the sim bus's register emulator). The
// channels of one chip share it (platform/bme280/bme280_chip.hpp). Parameters: config/README.md.
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

Result<std::unique_ptr<Sensor>> make_bme280_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
