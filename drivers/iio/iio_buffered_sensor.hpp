// Buffered IIO channel (`sensor = "iio_buffered"`): one scan element of a device captured
// through its buffer (iio_buffered_device.hpp), for rates of kHz. Each row takes one scan; the
// channel stores its element converted as the polled kind does:
//   value = (raw + offset) * scale * si_factor
// with raw taken from the scan as the element's type descriptor says. An element with a repeat
// count (type "...X3>>...") fills that many components (shape = [3]).
// The kernel's `timestamp` element is stored in nanoseconds after an origin: the device's
// timestamp clock at the first start, rounded down to whole seconds, which the dataset's
// attribute iio_timestamp_origin_ns holds exactly (values stay exact in a float64 or int64 for
// 104 days after it).
#pragma once

#include <memory>
#include <string>

#include "drivers/iio/iio_buffered_device.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

class IioBufferedSensor final : public Sensor {
 public:
  IioBufferedSensor(std::shared_ptr<IioBufferedDevice> device, size_t slot, size_t components);
  ~IioBufferedSensor() override { close(); }
  IioBufferedSensor(const IioBufferedSensor&) = delete;
  IioBufferedSensor& operator=(const IioBufferedSensor&) = delete;

  // Starts (or joins) the device's capture and checks the element fits the channel's shape.
  Status open() override;
  void close() override;
  ReadResult read(const SampleTick& tick, std::span<double> out) override;
  SensorInfo info() const override;
  const void* device_key() const override { return device_.get(); }

 private:
  std::shared_ptr<IioBufferedDevice> device_;
  size_t slot_;
  size_t components_;
  bool timestamp_;
  IioChannelUnits units_;
  bool acquired_ = false;
  bool described_ = false;  // opened once: info() knows the scan type and scale
};

// The "iio_buffered" kind: params device, channel (texts, required), trigger (text) and
// buffer_length (scans); channels naming the same device share it through spec.shared.
Result<std::unique_ptr<Sensor>> make_iio_buffered_sensor(const SensorSpec& spec);

}  // namespace h5rec::platform
