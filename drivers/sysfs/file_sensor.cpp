#include "drivers/sysfs/file_sensor.hpp"

#include <cmath>

#include "drivers/sysfs/number_file_sensor.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {

Result<std::unique_ptr<Sensor>> make_file_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string path = p.text("path", "");
  const double scale = p.number("scale", 1.0);
  const double offset = p.number("offset", 0.0);
  const double field = p.number("field", 0.0);
  if (Status s = p.check_all_known(); !s) return s.error();
  if (Status s = check_one_component(spec); !s) return s.error();
  if (path.empty()) return p.error("path", "needs the file's path, e.g. path = \"/proc/loadavg\"");
  if (!std::isfinite(scale) || scale == 0.0)
    return p.error("scale", "must be a finite number other than 0");
  if (!std::isfinite(offset)) return p.error("offset", "must be finite");
  if (!(field >= 0.0 && field <= 1023.0) || field != std::floor(field)) {
    return p.error("field", "must be a whole number from 0 to 1023");
  }
  const std::string full_path = path.front() == '/' ? path : spec.sysfs_root + "/" + path;
  NumberFileSensor::Locate locate = [full_path]() -> Result<std::string> { return full_path; };
  SensorInfo info;
  info.numbers = {{"raw_scale", scale}, {"raw_offset", offset}};
  if (field != 0.0) info.numbers.emplace_back("field", field);
  return std::unique_ptr<Sensor>(std::make_unique<NumberFileSensor>(
      std::move(locate), NumberConversion{scale, offset, static_cast<size_t>(field)},
      std::move(info)));
}

}  // namespace h5rec::platform
