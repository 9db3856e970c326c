// The one place that maps a config's sensor kind to a driver, and a device name to a real or a
// simulated device.
#include "board/sensor_factory.hpp"

#include <cmath>
#include <string>

#include "drivers/bme280/bme280_sensor.hpp"
#include "drivers/gpio/gpio_counter.hpp"
#include "drivers/gps/nmea_gps_sensor.hpp"
#include "drivers/iio/iio_buffered_sensor.hpp"
#include "drivers/iio/iio_polled_sensor.hpp"
#include "drivers/sysfs/file_sensor.hpp"
#include "drivers/sysfs/hwmon_sensor.hpp"
#include "drivers/sysfs/thermal_sensor.hpp"
#include "platform/posix/posix_gpio_line.hpp"
#include "platform/posix/posix_i2c_bus.hpp"
#include "platform/sensor_params.hpp"
#include "platform/sim/bme280_emulator.hpp"
#include "platform/sim/sim_gpio_line.hpp"
#include "platform/sim/sim_sensors.hpp"

namespace h5rec::board {

using namespace platform;

namespace {

// "sim": a simulated bus with an emulated BME280 at the chip's address (sim_* parameters);
// else the Linux i2c-dev device under dev_root or at a path.
Result<Bme280BusChoice> choose_bme280_bus(const SensorSpec& spec, const std::string& bus,
                                          SensorParams& p) {
  if (bus != "sim") {
    const std::string path = bus.front() == '/' ? bus : spec.dev_root + "/" + bus;
    return Bme280BusChoice{path, "", [path](uint16_t) -> std::unique_ptr<I2cBus> {
                             return std::make_unique<PosixI2cBus>(path);
                           }};
  }
  const double sweep_rows = p.number("sim_sweep_rows", 100);
  const double chip_id = p.number("sim_chip_id", bme280::kChipId);
  const double nack_at = p.number("sim_nack_at", -1);
  const double nack_transactions = p.number("sim_nack_transactions", 0);
  if (!(sweep_rows >= 2 && sweep_rows <= 1e12 && sweep_rows == static_cast<uint64_t>(sweep_rows))) {
    return p.error("sim_sweep_rows", "must be a whole number >= 2");
  }
  if (!(chip_id >= 0 && chip_id <= 255)) return p.error("sim_chip_id", "must be 0..255");
  if (!(nack_at >= -1 && nack_at <= 1e12))
    return p.error("sim_nack_at", "must be -1 (never) or >= 0");
  if (!(nack_transactions >= 0 && nack_transactions <= 1e12)) {
    return p.error("sim_nack_transactions", "must be >= 0");
  }
  const Bme280EmulatorOptions options{static_cast<uint64_t>(sweep_rows),
                                      static_cast<uint8_t>(chip_id), static_cast<int64_t>(nack_at),
                                      static_cast<uint64_t>(nack_transactions)};
  const std::string params =
      std::to_string(options.sweep_rows) + " " + std::to_string(options.chip_id) + " " +
      std::to_string(options.nack_at) + " " + std::to_string(options.nack_transactions);
  return Bme280BusChoice{bus, params, [options](uint16_t address) -> std::unique_ptr<I2cBus> {
                           auto sim_bus = std::make_unique<SimI2cBus>();
                           sim_bus->attach(address, std::make_shared<Bme280Emulator>(options));
                           return sim_bus;
                         }};
}

// "sim": a simulated line whose pulse frequency sweeps (sim_* parameters); else the GPIO
// character device under dev_root or at a path.
Result<GpioLineChoice> choose_gpio_line(const SensorSpec& spec, const std::string& chip,
                                        SensorParams& p) {
  if (chip != "sim") {
    const std::string path = chip.front() == '/' ? chip : spec.dev_root + "/" + chip;
    return GpioLineChoice{path, [path](const GpioLineConfig& config) -> std::unique_ptr<GpioLine> {
                            return std::make_unique<PosixGpioLine>(path, config);
                          }};
  }
  SimGpioLineOptions options;
  const double low = p.number("sim_frequency_low", options.frequency_low);
  const double high = p.number("sim_frequency_high", options.frequency_high);
  const double sweep_s = p.number("sim_sweep_s", 10.0);
  const double lose_from = p.number("sim_lose_from", 0);
  const double lose_count = p.number("sim_lose_count", 0);
  const double fail_at_s = p.number("sim_fail_at_s", -1);
  const double fail_s = p.number("sim_fail_s", 0);
  if (!(low > 0 && low <= 1e6)) return p.error("sim_frequency_low", "must be > 0 and <= 1e6 Hz");
  if (!(high > 0 && high <= 1e6)) return p.error("sim_frequency_high", "must be > 0 and <= 1e6 Hz");
  if (!(sweep_s >= 1e-6 && sweep_s <= 1e7)) return p.error("sim_sweep_s", "must be 1e-6 .. 1e7 s");
  if (!(lose_count >= 0 && lose_count == std::floor(lose_count) &&
        lose_from == std::floor(lose_from) && (lose_count == 0 || lose_from >= 1))) {
    return p.error("sim_lose_from",
                   "needs whole numbers, sim_lose_from >= 1 when sim_lose_count > 0");
  }
  if (!(fail_s >= 0 && fail_s <= 1e7)) return p.error("sim_fail_s", "must be 0 .. 1e7 s");
  options = {low,
             high,
             static_cast<uint64_t>(std::llround(sweep_s * 1e9)),
             static_cast<uint64_t>(lose_from),
             static_cast<uint64_t>(lose_count),
             fail_at_s < 0 ? -1 : std::llround(fail_at_s * 1e9),
             std::llround(fail_s * 1e9)};
  return GpioLineChoice{chip, [options](const GpioLineConfig& config) -> std::unique_ptr<GpioLine> {
                          return std::make_unique<SimGpioLine>(config, options);
                        }};
}

}  // namespace

Result<std::unique_ptr<Sensor>> make_sensor(const SensorSpec& spec) {
  auto sim = make_sim_sensor(spec);
  if (!sim) return sim.error();
  if (sim.value()) return sim;
  if (spec.kind == "iio") return make_iio_polled_sensor(spec);
  if (spec.kind == "iio_buffered") return make_iio_buffered_sensor(spec);
  if (spec.kind == "hwmon") return make_hwmon_sensor(spec);
  if (spec.kind == "thermal") return make_thermal_sensor(spec);
  if (spec.kind == "file") return make_file_sensor(spec);
  if (spec.kind == "bme280") return make_bme280_sensor(spec, choose_bme280_bus);
  if (spec.kind == "gpio_counter") return make_gpio_counter(spec, choose_gpio_line);
  if (spec.kind == "nmea_gps") return make_nmea_gps_sensor(spec);
  return Error{spec.kind_where + ": key 'sensor': unknown sensor kind '" + spec.kind +
               "' (known: counter, sine, noise, random_walk, step, iio, iio_buffered, hwmon, "
               "thermal, file, bme280, gpio_counter, nmea_gps)"};
}

Result<std::unique_ptr<Sensor>> BoardSensorFactory::make(const SensorSpec& spec) const {
  return make_sensor(spec);
}

const SensorFactory& sensor_factory() {
  static const BoardSensorFactory factory;
  return factory;
}

}  // namespace h5rec::board
