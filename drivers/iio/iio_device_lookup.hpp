// Finds an IIO device under <sysfs_root>/bus/iio/devices: by the chip name in its `name` file
// ("ads1015", "bme280"), or by its directory ("iio:device3") when the name has that form.
#pragma once

#include <string>

#include "base/error.hpp"

namespace h5rec::platform {

struct IioDeviceLocation {
  std::string directory;  // "iio:device3"
  std::string path;       // "<sysfs_root>/bus/iio/devices/iio:device3"
};

// The first device (lowest number) whose name matches. The error says what was looked for,
// where, and which devices are there.
Result<IioDeviceLocation> find_iio_device(const std::string& sysfs_root, const std::string& device);

// "<sysfs_root>/bus/iio/devices".
std::string iio_devices_path(const std::string& sysfs_root);

}  // namespace h5rec::platform
