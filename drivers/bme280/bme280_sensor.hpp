// `sensor = "bme280"`: one quantity (temperature, pressure or humidity) of a Bosch BME280 read
// over I2C without a kernel driver (/dev/i2c-N, or the sim bus's register emulator). The
// channels of one chip share it (drivers/bme280/bme280_chip.hpp). Parameters: config/README.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "platform/i2c_bus.hpp"
#include "platform/sensor.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {

// The I2C bus a chip is on, as the board chose it from the channel's `bus` text.
struct Bme280BusChoice {
  std::string path;  // names the bus in messages and keys the shared chip: a device path, or "sim"
  std::string params;  // the bus's own parameters as text (a simulated bus's sim_*): the
                       // channels of one chip must give the same
  std::function<std::unique_ptr<I2cBus>(uint16_t address)> make;  // called once per chip
};
// Picks the bus for `bus` (never empty): a device under spec.dev_root, a path, or "sim". Reads
// the bus's own parameters from `p`; the driver then refuses the keys nobody read. An error
// names the key.
using Bme280BusChooser = std::function<Result<Bme280BusChoice>(
    const SensorSpec& spec, const std::string& bus, SensorParams& p)>;

// One channel (one quantity) of a BME280 on the bus `choose_bus` gives.
Result<std::unique_ptr<Sensor>> make_bme280_sensor(const SensorSpec& spec,
                                                   const Bme280BusChooser& choose_bus);

}  // namespace h5rec::platform
