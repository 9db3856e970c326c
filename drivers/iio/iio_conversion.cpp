#include "drivers/iio/iio_conversion.hpp"

#include <array>

#include "drivers/iio/sysfs_attribute.hpp"

namespace h5rec::platform {
namespace {

struct UnitRow {
  const char* type;
  const char* units;
  double si_factor;
  const char* kernel_units;
};

// Channel types of the ABI with a physical unit. Gauss to tesla is 1e-4.
constexpr UnitRow kUnits[] = {
    {"voltage", "V", 1e-3, "mV"},       {"altvoltage", "V", 1e-3, "mV"},
    {"current", "A", 1e-3, "mA"},       {"power", "W", 1e-3, "mW"},
    {"capacitance", "F", 1e-9, "nF"},   {"temp", "degC", 1e-3, "milli degC"},
    {"pressure", "Pa", 1e3, "kPa"},     {"humidityrelative", "%", 1e-3, "milli percent"},
    {"accel", "m/s^2", 1.0, "m/s^2"},   {"gravity", "m/s^2", 1.0, "m/s^2"},
    {"anglvel", "rad/s", 1.0, "rad/s"}, {"angl", "rad", 1.0, "rad"},
    {"deltaangl", "rad", 1.0, "rad"},   {"deltavelocity", "m/s", 1.0, "m/s"},
    {"velocity", "m/s", 1.0, "m/s"},    {"magn", "T", 1e-4, "Gauss"},
    {"illuminance", "lx", 1.0, "lux"},  {"distance", "m", 1.0, "m"},
    {"energy", "J", 1.0, "J"},          {"incli", "degree", 1.0, "degree"},
    {"rot", "degree", 1.0, "degree"},
};

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

// The name the type's shared attributes use: "voltage0-voltage1" -> "voltage-voltage".
std::string shared_name(const std::string& channel) {
  const size_t dash = channel.find('-');
  if (dash == std::string::npos) return iio_channel_type(channel);
  return iio_channel_type(channel.substr(0, dash)) + "-" +
         iio_channel_type(channel.substr(dash + 1));
}

// Reads the first attribute of `names` that exists; `file` stays empty when none does.
Status read_first(const std::string& device_path, const std::array<std::string, 2>& names,
                  double& value, std::string& file) {
  for (const std::string& name : names) {
    const std::string path = device_path + "/" + name;
    if (!sysfs_path_exists(path)) continue;
    auto number = read_sysfs_number(path);
    if (!number) return number.error();
    value = *number;
    file = name;
    return {};
  }
  return {};
}

}  // namespace

std::string iio_channel_type(const std::string& channel) {
  size_t end = 0;
  while (end < channel.size() && is_letter(channel[end])) ++end;
  return channel.substr(0, end);
}

bool is_iio_channel_name(const std::string& channel) {
  if (channel.empty() || !is_letter(channel[0])) return false;
  for (char c : channel) {
    if (!is_letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') return false;
  }
  return true;
}

IioChannelUnits iio_channel_units(const std::string& type) {
  for (const UnitRow& row : kUnits) {
    if (type == row.type) return {row.units, row.si_factor, row.kernel_units};
  }
  return {"", 1.0, "unknown"};
}

Result<IioConversion> read_iio_conversion(const std::string& device_path,
                                          const std::string& channel) {
  IioConversion c;
  const std::string shared = shared_name(channel);
  if (Status s = read_first(device_path, {"in_" + channel + "_scale", "in_" + shared + "_scale"},
                            c.scale, c.scale_file);
      !s) {
    return s.error();
  }
  if (Status s = read_first(device_path, {"in_" + channel + "_offset", "in_" + shared + "_offset"},
                            c.offset, c.offset_file);
      !s) {
    return s.error();
  }
  return c;
}

}  // namespace h5rec::platform
