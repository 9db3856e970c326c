// A GPIO line through the kernel's GPIO character device, uAPI v2 (linux/gpio.h, Linux >= 5.10):
// GPIO_V2_GET_LINE_IOCTL requests the line with edge detection, bias and debounce; edges are read
// from the request's fd (non-blocking), timestamped by the kernel with CLOCK_MONOTONIC at the
// interrupt. This is the interface libgpiod wraps; using it directly keeps the static ARM
// binaries free of another library.
#pragma once

#include "platform/gpio_line.hpp"

namespace h5rec::platform {

class PosixGpioLine final : public GpioLine {
 public:
  PosixGpioLine(std::string chip_path, const GpioLineConfig& config);
  ~PosixGpioLine() override { close(); }
  PosixGpioLine(const PosixGpioLine&) = delete;
  PosixGpioLine& operator=(const PosixGpioLine&) = delete;

  Status open() override;
  void close() override;
  int64_t now_ns(const SampleTick& tick) override;
  int read_events(std::span<GpioEdgeEvent> out) override;
  const std::string& name() const override { return name_; }

  // Edges the kernel keeps for a line between two reads (its maximum for one line).
  static constexpr uint32_t kKernelEventBuffer = 1024;

 private:
  std::string chip_path_;
  GpioLineConfig config_;
  std::string name_;
  int fd_ = -1;  // the line request's fd
};

}  // namespace h5rec::platform
