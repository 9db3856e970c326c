// The one place that maps a config's sensor kind to a driver.
#include "platform/bme280/bme280_sensor.hpp"
#include "platform/gpio/gpio_counter.hpp"
#include "platform/gps/nmea_gps_sensor.hpp"
#include "platform/iio/iio_buffered_sensor.hpp"
#include "platform/iio/iio_polled_sensor.hpp"
#include "platform/sensor.hpp"
#include "platform/sim/sim_sensors.hpp"
#include "platform/sysfs/file_sensor.hpp"
#include "platform/sysfs/hwmon_sensor.hpp"
#include "platform/sysfs/thermal_sensor.hpp"

namespace h5rec::platform {

Result<std::unique_ptr<Sensor>> make_sensor(const SensorSpec& spec) {
  auto sim = make_sim_sensor(spec);
  if (!sim) return sim.error();
  if (sim.value()) return sim;
  if (spec.kind == "iio") return make_iio_polled_sensor(spec);
  if (spec.kind == "iio_buffered") return make_iio_buffered_sensor(spec);
  if (spec.kind == "hwmon") return make_hwmon_sensor(spec);
  if (spec.kind == "thermal") return make_thermal_sensor(spec);
  if (spec.kind == "file") return make_file_sensor(spec);
  if (spec.kind == "bme280") return make_bme280_sensor(spec);
  if (spec.kind == "gpio_counter") return make_gpio_counter(spec);
  if (spec.kind == "nmea_gps") return make_nmea_gps_sensor(spec);
  return Error{spec.kind_where + ": key 'sensor': unknown sensor kind '" + spec.kind +
               "' (known: counter, sine, noise, random_walk, step, iio, iio_buffered, hwmon, "
               "thermal, file, bme280, gpio_counter, nmea_gps)"};
}

}  // namespace h5rec::platform
