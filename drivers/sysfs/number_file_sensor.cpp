#include "drivers/sysfs/number_file_sensor.hpp"

#include <algorithm>
#include <cstring>

namespace h5rec::platform {

Status NumberFileSensor::open() {
  auto path = locate_();
  if (!path) return path.error();
  if (Status s = file_.open(path.value()); !s) return s;
  double unused = 0.0;
  if (file_.read(conversion_.field, unused) == NumberReadResult::kError) {
    const int err = file_.last_errno();
    file_.close();
    return Error{"cannot read '" + path.value() + "': " + std::strerror(err), err};
  }
  path_ = std::move(path.value());
  return {};
}

ReadResult NumberFileSensor::read(const SampleTick&, std::span<double> out) {
  double raw = 0.0;
  switch (file_.read(conversion_.field, raw)) {
    case NumberReadResult::kOk:
      std::fill(out.begin(), out.end(), raw * conversion_.scale + conversion_.offset);
      return ReadResult::kOk;
    case NumberReadResult::kJunk:
      return ReadResult::kBadValue;
    case NumberReadResult::kError:
      return ReadResult::kDeviceError;
  }
  return ReadResult::kDeviceError;
}

SensorInfo NumberFileSensor::info() const {
  SensorInfo info = info_;
  if (!path_.empty()) info.texts.emplace_back("path", path_);
  return info;
}

Status check_one_component(const SensorSpec& spec) {
  if (spec.components == 1) return {};
  return Error{spec.kind_where + ": key 'shape': sensor '" + spec.kind +
               "' gives one value per sample (leave shape out)"};
}

}  // namespace h5rec::platform
