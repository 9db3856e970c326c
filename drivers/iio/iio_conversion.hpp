// From what an IIO channel reports to SI units. The kernel's ABI (Documentation/ABI/testing/
// sysfs-bus-iio) fixes each channel type's unit after (raw + offset) * scale, and of _input:
// millivolts, milli degrees Celsius, kilopascal, milli percent, m/s^2, rad/s, ... The recorder
// stores value = (raw + offset) * scale * si_factor (or input * si_factor) in the SI unit.
#pragma once

#include <string>

#include "base/error.hpp"

namespace h5rec::platform {

struct IioChannelUnits {
  std::string units;         // UDUNITS spelling of the stored values; empty: type not known
  double si_factor = 1.0;    // kernel unit -> units
  std::string kernel_units;  // the ABI's unit, for the dataset's attribute
};

// The channel type of a channel name: "voltage0" and "voltage0-voltage1" -> "voltage",
// "accel_x" -> "accel", "humidityrelative" -> "humidityrelative", "temp_ambient" -> "temp".
std::string iio_channel_type(const std::string& channel);

// Checks a channel name before it is put in paths: letters, digits, '_' and '-' only.
bool is_iio_channel_name(const std::string& channel);

// Units of a channel type; a type the table does not know keeps the kernel's numbers
// (si_factor 1, units empty, kernel_units "unknown").
IioChannelUnits iio_channel_units(const std::string& type);

// The scale and offset that apply to a channel's raw values: in_<channel>_scale, else the one
// its type shares (in_<type>_scale, for differential channels in_<type>-<type>_scale); the same
// for _offset. Absent: scale 1, offset 0 (the ABI: no attribute means none applies).
struct IioConversion {
  double scale = 1.0;
  double offset = 0.0;
  std::string scale_file;   // the attribute read, empty if none
  std::string offset_file;  // the attribute read, empty if none
};
// Junk in an attribute that exists is an error naming it.
Result<IioConversion> read_iio_conversion(const std::string& device_path,
                                          const std::string& channel);

}  // namespace h5rec::platform
