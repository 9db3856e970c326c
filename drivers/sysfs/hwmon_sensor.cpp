#include "drivers/sysfs/hwmon_sensor.hpp"

#include <array>
#include <cerrno>

#include "drivers/sysfs/number_file_sensor.hpp"
#include "drivers/sysfs/sysfs_lookup.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {
namespace {

struct HwmonType {
  const char* name;   // file name prefix: temp1_input
  const char* units;  // UDUNITS spelling of the value
  double scale;       // value = raw * scale
};

constexpr std::array<HwmonType, 7> kTypes{{
    {"temp", "degC", 0.001},
    {"in", "V", 0.001},
    {"curr", "A", 0.001},
    {"power", "W", 1e-6},
    {"energy", "J", 1e-6},
    {"humidity", "%", 0.001},
    {"fan", "Hz", 1.0 / 60.0},
}};

const HwmonType* type_named(const std::string& name) {
  for (const HwmonType& t : kTypes) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

std::string type_list() {
  std::string list;
  for (const HwmonType& t : kTypes) list += (list.empty() ? "" : ", ") + std::string(t.name);
  return list;
}

// "temp12" -> the type "temp" (the letters before the digits), when the rest is a number.
const HwmonType* type_of_input(const std::string& input) {
  const size_t digits = input.find_first_of("0123456789");
  if (digits == 0 || digits == std::string::npos) return nullptr;
  if (input.find_first_not_of("0123456789", digits) != std::string::npos) return nullptr;
  return type_named(input.substr(0, digits));
}

// The input file of `type` whose label file holds `label`, in the chip's directory.
Result<std::string> input_by_label(const std::string& chip_dir, const HwmonType& type,
                                   const std::string& label, const std::string& chip) {
  auto labels = numbered_entries(chip_dir, type.name, "_label");
  if (!labels) return labels.error();
  std::string seen;
  for (const std::string& file : labels.value()) {
    auto text = read_sysfs_text(chip_dir + "/" + file);
    if (!text) continue;
    const std::string input = file.substr(0, file.size() - 6);  // without "_label"
    if (text.value() == label) return chip_dir + "/" + input + "_input";
    seen += (seen.empty() ? "'" : ", '") + text.value() + "'";
  }
  return Error{"hwmon chip '" + chip + "' (" + chip_dir + ") has no " + type.name +
                   " input labelled '" + label +
                   "' (labels: " + (seen.empty() ? std::string("none") : seen) + ")",
               ENOENT};
}

}  // namespace

Result<std::unique_ptr<Sensor>> make_hwmon_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string chip = p.text("chip", "");
  const std::string label = p.text("label", "");
  const std::string input = p.text("input", "");
  const bool type_given = p.has("type");
  const std::string type_name = p.text("type", "temp");
  if (Status s = p.check_all_known(); !s) return s.error();
  if (Status s = check_one_component(spec); !s) return s.error();
  if (chip.empty())
    return p.error("chip",
                   "needs the chip's name (its hwmon 'name' file), e.g. chip = \"coretemp\"");
  if (label.empty() == input.empty()) {
    return p.error(
        label.empty() ? "label" : "input",
        "needs either label (the text of a *_label file) or input (e.g. \"temp1\"), not both");
  }
  const HwmonType* type = nullptr;
  if (!input.empty()) {
    type = type_of_input(input);
    if (!type)
      return p.error("input",
                     "'" + input + "' is not <type><number> with type one of " + type_list());
    if (type_given)
      return p.error("type", "goes with label only (input '" + input + "' names its type)");
  } else {
    type = type_named(type_name);
    if (!type) return p.error("type", "'" + type_name + "' is not one of " + type_list());
  }

  const std::string class_dir = spec.sysfs_root + "/class/hwmon";
  NumberFileSensor::Locate locate = [class_dir, chip, label, input, type]() -> Result<std::string> {
    auto chip_dir = find_class_device(class_dir, "hwmon", "name", chip, "hwmon chip");
    if (!chip_dir) return chip_dir.error();
    if (!input.empty()) return chip_dir.value() + "/" + input + "_input";
    return input_by_label(chip_dir.value(), *type, label, chip);
  };
  SensorInfo info;
  info.units = type->units;
  info.numbers = {{"raw_scale", type->scale}};
  info.texts = {{"chip", chip}};
  if (input.empty()) {
    info.texts.emplace_back("label", label);
  } else {
    info.texts.emplace_back("input", input);
  }
  return std::unique_ptr<Sensor>(std::make_unique<NumberFileSensor>(
      std::move(locate), NumberConversion{type->scale, 0.0, 0}, std::move(info)));
}

}  // namespace h5rec::platform
