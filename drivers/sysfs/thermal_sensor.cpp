#include "drivers/sysfs/thermal_sensor.hpp"

#include "drivers/sysfs/number_file_sensor.hpp"
#include "drivers/sysfs/sysfs_lookup.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {

Result<std::unique_ptr<Sensor>> make_thermal_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string zone = p.text("zone", "");
  if (Status s = p.check_all_known(); !s) return s.error();
  if (Status s = check_one_component(spec); !s) return s.error();
  if (zone.empty()) {
    return p.error("zone", "needs the zone's type (its 'type' file), e.g. zone = \"cpu-thermal\"");
  }
  constexpr double kScale = 0.001;  // millidegree C -> degC
  const std::string class_dir = spec.sysfs_root + "/class/thermal";
  NumberFileSensor::Locate locate = [class_dir, zone]() -> Result<std::string> {
    auto zone_dir = find_class_device(class_dir, "thermal_zone", "type", zone, "thermal zone");
    if (!zone_dir) return zone_dir.error();
    return zone_dir.value() + "/temp";
  };
  SensorInfo info{"degC", {{"raw_scale", kScale}}, {{"zone", zone}}};
  return std::unique_ptr<Sensor>(std::make_unique<NumberFileSensor>(
      std::move(locate), NumberConversion{kScale, 0.0, 0}, std::move(info)));
}

}  // namespace h5rec::platform
