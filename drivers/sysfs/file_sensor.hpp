// The escape hatch: any sysfs or procfs file holding a number, read at the group's rate.
// value = raw * scale + offset, raw being whitespace-separated field `field` of the file's text
// (0: the first; /proc/loadavg's 1-minute load is field 0). A relative path is taken under
// sysfs_root (so a config can be tested against a fake tree); an absolute path as it is.
//
// params: path (text, required), scale (1), offset (0), field (0, 0 ... 1023). Units: the
// channel's `units` key (the sensor cannot know them). Attributes: raw_scale, raw_offset, path,
// field (when not 0).
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

// For spec.kind "file"; the error names the parameter that is wrong.
Result<std::unique_ptr<Sensor>> make_file_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
