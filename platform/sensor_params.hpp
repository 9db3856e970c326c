// Reads a sensor's `params` for its driver: numbers and texts by name, with defaults, and rejects
// any parameter the driver never asked for, so a typo in a config is an error, not a default.
#pragma once

#include <set>
#include <string>

#include "platform/sensor.hpp"

namespace h5rec::platform {

class SensorParams {
 public:
  explicit SensorParams(const SensorSpec& spec) : spec_(spec) {}

  double number(const std::string& name, double fallback);
  std::string text(const std::string& name, const std::string& fallback);
  bool has(const std::string& name) const;  // marks nothing as known

  // "file:line: key 'params.NAME': sensor 'KIND' MESSAGE": for a bad value of a known parameter.
  Error error(const std::string& name, const std::string& message) const;
  // The first parameter the driver did not ask for, named with the ones it takes.
  Status check_all_known() const;

 private:
  const SensorSpec& spec_;
  std::set<std::string> known_;
  struct Mistyped {
    std::string name;  // the first parameter given with the wrong type ("" if none)
    std::string type;  // what it must be: "a number" or "a text"
    bool empty() const { return name.empty(); }
  };
  Mistyped mistyped_;
};

}  // namespace h5rec::platform
