// A thermal zone's temperature: <sysfs_root>/class/thermal/thermal_zoneN/temp (millidegree C),
// the zone found by its `type` text ("cpu-thermal", "x86_pkg_temp") or named directly
// ("thermal_zone0"). Value in degC = raw * 0.001.
//
// params: zone (text, required). Attributes: zone, raw_scale (0.001), path.
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

// For spec.kind "thermal"; the error names the parameter that is wrong.
Result<std::unique_ptr<Sensor>> make_thermal_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
