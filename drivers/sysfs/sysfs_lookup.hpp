// Finding board devices in sysfs by what they are called rather than by their number, which can
// change from one boot to the next (hwmon2 today may be hwmon3 tomorrow). Used by drivers' open(),
// never by read(): these allocate.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"

namespace h5rec::platform {

// The text of a small sysfs file (a device's `name`, a sensor's `label`), without trailing
// whitespace. The error names the path and the errno text.
Result<std::string> read_sysfs_text(const std::string& path);

// The entries of a directory whose names are `prefix`, a decimal number and `suffix`, ordered by
// that number ("hwmon0", "hwmon1", "hwmon10"; "temp2_label", "temp10_label"). The error names the
// directory.
Result<std::vector<std::string>> numbered_entries(const std::string& directory,
                                                  const std::string& prefix,
                                                  const std::string& suffix = "");

// The directory <class_dir>/<prefix>N whose file `attribute` holds `wanted`, or whose own name is
// `wanted` ("hwmon3"); the lowest N when several match. what names the thing in the error, which
// lists the names found ("no hwmon chip named 'ina219' in /sys/class/hwmon (found: acpitz, nvme)").
Result<std::string> find_class_device(const std::string& class_dir, const std::string& prefix,
                                      const std::string& attribute, const std::string& wanted,
                                      const std::string& what);

}  // namespace h5rec::platform
