#include "platform/sensor_params.hpp"

namespace h5rec::platform {

double SensorParams::number(const std::string& name, double fallback) {
  known_.insert(name);
  if (spec_.texts.contains(name) && mistyped_.empty()) mistyped_ = {name, "a number"};
  const auto it = spec_.params.find(name);
  return it == spec_.params.end() ? fallback : it->second;
}

std::string SensorParams::text(const std::string& name, const std::string& fallback) {
  known_.insert(name);
  if (spec_.params.contains(name) && mistyped_.empty()) mistyped_ = {name, "a text"};
  const auto it = spec_.texts.find(name);
  return it == spec_.texts.end() ? fallback : it->second;
}

bool SensorParams::has(const std::string& name) const {
  return spec_.params.contains(name) || spec_.texts.contains(name);
}

Error SensorParams::error(const std::string& name, const std::string& message) const {
  return Error{spec_.params_where + ": key 'params." + name + "': sensor '" + spec_.kind + "' " +
               message};
}

Status SensorParams::check_all_known() const {
  if (!mistyped_.empty()) {
    return error(mistyped_.name, "parameter '" + mistyped_.name + "' must be " + mistyped_.type);
  }
  std::string unknown;
  for (const auto& entry : spec_.params) {
    if (!known_.contains(entry.first)) unknown = entry.first;
  }
  for (const auto& entry : spec_.texts) {
    if (!known_.contains(entry.first)) unknown = entry.first;
  }
  if (unknown.empty()) return {};
  std::string list;
  for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
  return error(unknown, "has no parameter '" + unknown +
                            "' (it takes: " + (list.empty() ? std::string("none") : list) + ")");
}

}  // namespace h5rec::platform
