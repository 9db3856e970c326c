#include "drivers/iio/iio_polled_sensor.hpp"

#include "drivers/iio/iio_device_lookup.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {

IioPolledSensor::IioPolledSensor(std::string sysfs_root, std::string device, std::string channel)
    : sysfs_root_(std::move(sysfs_root)),
      device_(std::move(device)),
      channel_(std::move(channel)),
      units_(iio_channel_units(iio_channel_type(channel_))) {}

Status IioPolledSensor::open() {
  auto location = find_iio_device(sysfs_root_, device_);
  if (!location) return location.error();
  directory_ = location->directory;
  const std::string input = "in_" + channel_ + "_input";
  const std::string raw = "in_" + channel_ + "_raw";
  processed_ = sysfs_path_exists(location->path + "/" + input);
  if (!processed_ && !sysfs_path_exists(location->path + "/" + raw)) {
    return Error{"IIO device '" + device_ + "' (" + location->path + ") has no channel '" +
                 channel_ + "': neither " + input + " nor " + raw};
  }
  attribute_ = processed_ ? input : raw;
  if (processed_) {
    conversion_ = IioConversion{};
  } else {
    auto conversion = read_iio_conversion(location->path, channel_);
    if (!conversion) {
      return Error{"IIO device '" + device_ + "': " + conversion.message(), conversion.code()};
    }
    conversion_ = *conversion;
  }
  if (Status s = value_.open(location->path + "/" + attribute_); !s) {
    return Error{"IIO device '" + device_ + "': " + s.message(), s.code()};
  }
  return {};
}

ReadResult IioPolledSensor::read(const SampleTick&, std::span<double> out) {
  double number = 0;
  const ReadResult r = value_.read_number(number);
  if (r != ReadResult::kOk) return r;
  out[0] = processed_ ? number * units_.si_factor
                      : (number + conversion_.offset) * conversion_.scale * units_.si_factor;
  return ReadResult::kOk;
}

SensorInfo IioPolledSensor::info() const {
  SensorInfo info;
  info.units = units_.units;
  info.numbers.emplace_back("si_factor", units_.si_factor);
  if (!attribute_.empty() && !processed_) {
    info.numbers.emplace_back("iio_scale", conversion_.scale);
    info.numbers.emplace_back("iio_offset", conversion_.offset);
  }
  info.texts.emplace_back("iio_device", device_);
  if (!directory_.empty()) info.texts.emplace_back("iio_device_directory", directory_);
  info.texts.emplace_back("iio_channel", channel_);
  if (!attribute_.empty()) info.texts.emplace_back("iio_attribute", attribute_);
  info.texts.emplace_back("iio_kernel_units", units_.kernel_units);
  return info;
}

Result<std::unique_ptr<Sensor>> make_iio_polled_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string device = p.text("device", "");
  const std::string channel = p.text("channel", "");
  if (Status st = p.check_all_known(); !st) return st.error();
  if (device.empty()) return p.error("device", "needs the IIO device's name, e.g. \"ads1015\"");
  if (channel.empty()) return p.error("channel", "needs the channel, e.g. \"voltage0\"");
  if (!is_iio_channel_name(channel)) {
    return p.error("channel", "takes a channel name such as \"voltage0\" or \"accel_x\", not '" +
                                  channel + "'");
  }
  if (spec.components != 1) {
    return Error{spec.kind_where + ": key 'shape': sensor 'iio' reads one value per sample"};
  }
  return std::unique_ptr<Sensor>(
      std::make_unique<IioPolledSensor>(spec.sysfs_root, device, channel));
}

}  // namespace h5rec::platform
