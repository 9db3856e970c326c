// Board health from the kernel's hwmon class: <sysfs_root>/class/hwmon/hwmonN/<type><n>_input,
// the chip found by its `name` file and the input by its `<type><n>_label` text (or named
// directly, "temp1"). Values in SI units:
//
//   type      raw in the file    value   raw_scale
//   temp      millidegree C      degC    0.001
//   in        mV                 V       0.001
//   curr      mA                 A       0.001
//   power     uW                 W       1e-6
//   energy    uJ                 J       1e-6
//   humidity  milli-percent      percent 0.001
//   fan       RPM                Hz      1/60  (revolutions per second)
//
// params: chip (text, required: the chip's `name`, or "hwmonN"), label (text) or input (text,
// "temp1"), type (text, default "temp"; only with label). Attributes: chip, input or label,
// raw_scale, path.
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

// For spec.kind "hwmon"; the error names the parameter that is wrong.
Result<std::unique_ptr<Sensor>> make_hwmon_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
