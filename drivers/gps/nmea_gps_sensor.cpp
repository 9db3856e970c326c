#include "drivers/gps/nmea_gps_sensor.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>

#include "drivers/gps/gps_receiver.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {
namespace {

class NmeaGpsSensor final : public Sensor {
 public:
  NmeaGpsSensor(std::shared_ptr<GpsReceiver> receiver, const GpsFieldInfo& field, double max_age_s)
      : receiver_(std::move(receiver)),
        field_(field),
        max_age_s_(max_age_s),
        max_age_ns_(static_cast<int64_t>(std::llround(max_age_s * 1e9))) {}
  ~NmeaGpsSensor() override { NmeaGpsSensor::close(); }

  Status open() override {
    if (open_) return {};
    if (Status s = receiver_->open_channel(); !s) return s;
    open_ = true;
    return {};
  }

  void close() override {
    if (open_) receiver_->close_channel();
    open_ = false;
  }

  const void* device_key() const override { return receiver_.get(); }

  ReadResult read(const SampleTick&, std::span<double> out) override {
    if (receiver_->failed()) return ReadResult::kDeviceError;
    const GpsReading r = receiver_->reading(field_.field);
    double value = r.value;
    if (field_.counter) {
      if (!r.present) value = 0.0;
    } else {
      timespec now{};
      ::clock_gettime(CLOCK_MONOTONIC, &now);
      const int64_t now_ns = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
      if (!r.present || now_ns - r.received_ns > max_age_ns_) return ReadResult::kBadValue;
    }
    std::fill(out.begin(), out.end(), value);
    return ReadResult::kOk;
  }

  SensorInfo info() const override {
    return SensorInfo{field_.units,
                      {{"baud", static_cast<double>(receiver_->baud())}, {"max_age_s", max_age_s_}},
                      {{"port", receiver_->path()}, {"field", field_.name}}};
  }

 private:
  std::shared_ptr<GpsReceiver> receiver_;
  const GpsFieldInfo& field_;
  double max_age_s_;
  int64_t max_age_ns_;
  bool open_ = false;
};

}  // namespace

Result<std::unique_ptr<Sensor>> make_nmea_gps_sensor(const SensorSpec& spec) {
  SensorParams p(spec);
  const std::string port = p.text("port", "");
  const double baud = p.number("baud", 9600.0);
  const std::string field_name = p.text("field", "");
  const double max_age_s = p.number("max_age_s", 2.0);
  if (Status s = p.check_all_known(); !s) return s.error();
  if (spec.components != 1) {
    return Error{spec.kind_where +
                 ": key 'shape': sensor 'nmea_gps' gives one value per sample "
                 "(leave shape out; one channel per field)"};
  }
  if (port.empty()) return p.error("port", "needs the serial port, e.g. port = \"ttyS1\"");
  if (!(baud >= 4800 && baud <= 115200) || baud != std::floor(baud) ||
      !SerialPort::is_supported_baud(static_cast<int>(baud))) {
    return p.error("baud", "must be one of 4800, 9600, 19200, 38400, 57600, 115200");
  }
  const GpsFieldInfo* field = gps_field_named(field_name);
  if (!field) {
    return p.error("field", (field_name.empty() ? std::string("needs a field")
                                                : "has no field '" + field_name + "'") +
                                " (fields: " + gps_field_names() + ")");
  }
  if (!(max_age_s > 0.0 && max_age_s <= 86400.0)) {
    return p.error("max_age_s", "must be > 0 and at most 86400 seconds");
  }
  const std::string path = port.front() == '/' ? port : spec.dev_root + "/" + port;
  const std::string key = "nmea_gps:" + path;
  std::shared_ptr<GpsReceiver> receiver;
  if (spec.shared) receiver = spec.shared->find<GpsReceiver>(key);
  if (receiver) {
    if (receiver->group() != spec.group) {
      return p.error("port", "'" + path + "' is read by channels of group '" + receiver->group() +
                                 "': all channels of one GPS port must be in one group");
    }
    if (receiver->baud() != static_cast<int>(baud)) {
      return p.error("baud", "differs from the " + std::to_string(receiver->baud()) +
                                 " baud another channel set for '" + path + "'");
    }
  } else {
    receiver = std::make_shared<GpsReceiver>(path, static_cast<int>(baud), spec.group);
    if (spec.shared) spec.shared->add(key, receiver);
  }
  return std::unique_ptr<Sensor>(std::make_unique<NmeaGpsSensor>(receiver, *field, max_age_s));
}

}  // namespace h5rec::platform
