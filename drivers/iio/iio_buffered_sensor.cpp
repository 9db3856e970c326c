#include "drivers/iio/iio_buffered_sensor.hpp"

#include <cmath>

#include "platform/sensor_params.hpp"

namespace h5rec::platform {

IioBufferedSensor::IioBufferedSensor(std::shared_ptr<IioBufferedDevice> device, size_t slot,
                                     size_t components)
    : device_(std::move(device)),
      slot_(slot),
      components_(components),
      timestamp_(device_->element(slot).channel == "timestamp"),
      units_(timestamp_ ? IioChannelUnits{"ns", 1.0, "ns"}
                        : iio_channel_units(iio_channel_type(device_->element(slot).channel))) {}

Status IioBufferedSensor::open() {
  if (!acquired_) {
    if (Status s = device_->acquire(); !s) return s;
    acquired_ = true;
  }
  const IioBufferedDevice::Element& e = device_->element(slot_);
  if (e.type.repeat != components_) {
    close();
    return Error{"IIO device '" + device_->settings().device + "': scan element '" + e.channel +
                 "' (type " + e.type_text + ") holds " + std::to_string(e.type.repeat) +
                 " value(s) per scan, the channel " + std::to_string(components_) +
                 " (set its shape to match)"};
  }
  described_ = true;
  return {};
}

void IioBufferedSensor::close() {
  if (acquired_) device_->release();
  acquired_ = false;
}

ReadResult IioBufferedSensor::read(const SampleTick& tick, std::span<double> out) {
  const std::byte* scan = nullptr;
  const ReadResult r = device_->scan(tick.index, scan);
  if (r != ReadResult::kOk) return r;
  const IioBufferedDevice::Element& e = device_->element(slot_);
  const std::byte* element = scan + e.offset;
  for (size_t c = 0; c < out.size(); ++c) {
    const auto k = static_cast<unsigned>(c);
    if (timestamp_) {
      // Unsigned arithmetic: a junk timestamp wraps instead of overflowing.
      const uint64_t since = static_cast<uint64_t>(iio_scan_integer(e.type, element, k)) -
                             static_cast<uint64_t>(device_->timestamp_origin_ns());
      out[c] = static_cast<double>(static_cast<int64_t>(since));
    } else {
      out[c] = (iio_scan_number(e.type, element, k) + e.conversion.offset) * e.conversion.scale *
               units_.si_factor;
    }
  }
  return ReadResult::kOk;
}

SensorInfo IioBufferedSensor::info() const {
  const IioBufferedDevice::Element& e = device_->element(slot_);
  SensorInfo info;
  info.units = units_.units;
  info.texts.emplace_back("iio_device", device_->settings().device);
  if (!device_->directory().empty())
    info.texts.emplace_back("iio_device_directory", device_->directory());
  info.texts.emplace_back("iio_channel", e.channel);
  info.texts.emplace_back("iio_kernel_units", units_.kernel_units);
  if (described_) info.texts.emplace_back("iio_scan_type", e.type_text);
  if (timestamp_) {
    if (device_->has_timestamp_origin()) {
      info.texts.emplace_back("iio_timestamp_clock", device_->timestamp_clock());
      info.texts.emplace_back("iio_timestamp_origin_ns",
                              std::to_string(device_->timestamp_origin_ns()));
    }
    return info;
  }
  info.numbers.emplace_back("si_factor", units_.si_factor);
  if (described_) {
    info.numbers.emplace_back("iio_scale", e.conversion.scale);
    info.numbers.emplace_back("iio_offset", e.conversion.offset);
  }
  return info;
}

Result<std::unique_ptr<Sensor>> make_iio_buffered_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string device = p.text("device", "");
  const std::string channel = p.text("channel", "");
  const std::string trigger = p.text("trigger", "");
  const double default_length = std::max(64.0, std::ceil(spec.rate_hz / 4));
  const double length = p.number("buffer_length", default_length);
  if (Status st = p.check_all_known(); !st) return st.error();
  if (device.empty()) return p.error("device", "needs the IIO device's name, e.g. \"ads1015\"");
  if (channel.empty()) return p.error("channel", "needs the scan element, e.g. \"voltage0\"");
  if (!is_iio_channel_name(channel)) {
    return p.error("channel",
                   "takes a scan element name such as \"voltage0\" or \"timestamp\", "
                   "not '" +
                       channel + "'");
  }
  if (!(length >= 2 && length <= 1 << 20) || length != std::floor(length)) {
    return p.error("buffer_length", "needs a whole number of scans from 2 to 1048576");
  }
  IioBufferedDevice::Settings settings{spec.sysfs_root,
                                       spec.dev_root,
                                       device,
                                       spec.group,
                                       spec.rate_hz,
                                       trigger,
                                       static_cast<size_t>(length),
                                       p.has("buffer_length")};
  const std::string key = "iio_buffered:" + spec.sysfs_root + ":" + device;
  std::shared_ptr<IioBufferedDevice> shared =
      spec.shared ? spec.shared->find<IioBufferedDevice>(key) : nullptr;
  if (!shared) {
    shared = std::make_shared<IioBufferedDevice>(settings);
    if (spec.shared) spec.shared->add(key, shared);
  } else {
    IioBufferedDevice::Settings& s = shared->settings();
    if (s.group != spec.group) {
      return Error{spec.kind_where + ": key 'sensor': IIO device '" + device +
                   "' is captured by group '" + s.group +
                   "' already; its channels must all be in "
                   "one group (one sampler reads the buffer)"};
    }
    if (p.has("trigger") && !s.trigger.empty() && s.trigger != trigger) {
      return p.error("trigger", "says '" + trigger + "', another channel of device '" + device +
                                    "' says '" + s.trigger + "'");
    }
    if (p.has("trigger")) s.trigger = trigger;
    if (p.has("buffer_length")) {
      s.buffer_length = s.buffer_length_given ? std::max(s.buffer_length, settings.buffer_length)
                                              : settings.buffer_length;
      s.buffer_length_given = true;
    }
  }
  const size_t slot = shared->want(channel);
  return std::unique_ptr<Sensor>(
      std::make_unique<IioBufferedSensor>(shared, slot, spec.components));
}

}  // namespace h5rec::platform
