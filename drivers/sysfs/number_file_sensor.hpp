// A channel whose value is the number in one sysfs or procfs file, converted linearly:
// value = raw * scale + offset. The hwmon, thermal and file sensor kinds are this with different
// ways of finding the file. The file is found and opened in open() (hwmon and thermal devices are
// looked up by name then, so a renumbered or late device is found), kept open, and read with pread
// for each sample: junk text is kBadValue, a failed read kDeviceError.
#pragma once

#include <functional>
#include <string>

#include "drivers/sysfs/sysfs_number_file.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

struct NumberConversion {
  double scale = 1.0;  // value = raw * scale + offset
  double offset = 0.0;
  size_t field = 0;  // whitespace-separated field of the file's text holding raw (0: the first)
};

class NumberFileSensor final : public Sensor {
 public:
  // Finds the file's path; called by open(). Its error names the device it looked for.
  using Locate = std::function<Result<std::string>()>;

  // info: units and attributes; open() adds the text attribute "path" (the file found).
  NumberFileSensor(Locate locate, NumberConversion conversion, SensorInfo info)
      : locate_(std::move(locate)), conversion_(conversion), info_(std::move(info)) {}

  Status open() override;
  void close() override { file_.close(); }
  ReadResult read(const SampleTick& tick, std::span<double> out) override;
  SensorInfo info() const override;

 private:
  Locate locate_;
  NumberConversion conversion_;
  SensorInfo info_;
  std::string path_;  // the file found by the last successful open(); empty before
  SysfsNumberFile file_;
};

// The sensor kinds that read a sysfs file are scalar: shape [] (one value per sample).
Status check_one_component(const SensorSpec& spec);

}  // namespace h5rec::platform
