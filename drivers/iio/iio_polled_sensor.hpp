// Polled IIO channel (`sensor = "iio"`): one value per sample read from the channel's sysfs
// attribute, for slow rates. in_<channel>_input when the driver has it (already in the ABI's
// unit), else in_<channel>_raw converted with the channel's _scale and _offset:
//   value = (raw + offset) * scale * si_factor      or      value = input * si_factor
// (see iio_conversion.hpp). The attribute stays open; each read is one pread at offset 0.
#pragma once

#include <memory>
#include <string>

#include "drivers/iio/iio_conversion.hpp"
#include "drivers/iio/sysfs_attribute.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

class IioPolledSensor final : public Sensor {
 public:
  // device: the chip name in the device's `name` file, or "iio:deviceN"; channel: "voltage0",
  // "temp", "accel_x", ... (checked with is_iio_channel_name by the factory).
  IioPolledSensor(std::string sysfs_root, std::string device, std::string channel);

  // Finds the device by name, picks _input or _raw, reads scale and offset once.
  Status open() override;
  void close() override { value_.close(); }
  ReadResult read(const SampleTick& tick, std::span<double> out) override;
  SensorInfo info() const override;

 private:
  std::string sysfs_root_;
  std::string device_;
  std::string channel_;
  IioChannelUnits units_;
  std::string directory_;   // "iio:device3" once found
  std::string attribute_;   // "in_voltage0_raw" or "in_voltage0_input" once found
  bool processed_ = false;  // reading _input: no scale or offset
  IioConversion conversion_;
  SysfsAttribute value_;
};

// The "iio" kind: params device and channel (both texts, required); scalar channels only.
Result<std::unique_ptr<Sensor>> make_iio_polled_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
