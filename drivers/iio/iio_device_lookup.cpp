#include "drivers/iio/iio_device_lookup.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "drivers/iio/sysfs_attribute.hpp"

namespace h5rec::platform {
namespace {

constexpr const char* kPrefix = "iio:device";

// The N of "iio:deviceN", or -1 for any other name.
long device_number(const std::string& name) {
  const size_t prefix = std::strlen(kPrefix);
  if (name.compare(0, prefix, kPrefix) != 0 || name.size() == prefix) return -1;
  long n = 0;
  for (size_t k = prefix; k < name.size(); ++k) {
    if (name[k] < '0' || name[k] > '9' || n > 1000000) return -1;
    n = n * 10 + (name[k] - '0');
  }
  return n;
}

}  // namespace

std::string iio_devices_path(const std::string& sysfs_root) {
  return sysfs_root + "/bus/iio/devices";
}

Result<IioDeviceLocation> find_iio_device(const std::string& sysfs_root,
                                          const std::string& device) {
  const std::string devices = iio_devices_path(sysfs_root);
  if (device_number(device) >= 0) {
    const std::string path = devices + "/" + device;
    if (!sysfs_path_exists(path)) return Error{"IIO device '" + device + "' not found: no " + path};
    return IioDeviceLocation{device, path};
  }
  DIR* dir = ::opendir(devices.c_str());
  if (dir == nullptr) {
    const int err = errno;
    return Error{
        "IIO device '" + device + "' not found: cannot list " + devices + ": " + std::strerror(err),
        err};
  }
  std::vector<std::pair<long, std::string>> found;  // (number, directory)
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    const long n = device_number(name);
    if (n >= 0) found.emplace_back(n, name);
  }
  ::closedir(dir);
  std::sort(found.begin(), found.end());
  std::string names;
  for (const auto& [n, directory] : found) {
    const std::string path = devices + "/" + directory;
    auto name = read_sysfs_text(path + "/name");
    if (!name) continue;
    if (*name == device) return IioDeviceLocation{directory, path};
    names += (names.empty() ? "" : ", ") + directory + " '" + *name + "'";
  }
  return Error{"IIO device '" + device + "' not found in " + devices +
               " (there: " + (names.empty() ? std::string("no IIO devices") : names) + ")"};
}

}  // namespace h5rec::platform
