// A fake IIO device for tests: the sysfs files of <root>/sys/bus/iio/devices/iio:deviceN and
// the character device <root>/dev/iio:deviceN (a regular file the test appends scans to).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace h5rec::testing {

class IioFakeTree {
 public:
  explicit IioFakeTree(std::string root) : root_(std::move(root)) {
    std::filesystem::create_directories(sysfs_root() + "/bus/iio/devices");
    std::filesystem::create_directories(dev_root());
  }
  std::string sysfs_root() const { return root_ + "/sys"; }
  std::string dev_root() const { return root_ + "/dev"; }
  std::string device_path(int n) const {
    return sysfs_root() + "/bus/iio/devices/iio:device" + std::to_string(n);
  }
  std::string node_path(int n) const { return dev_root() + "/iio:device" + std::to_string(n); }

  // A device directory with its name file.
  void add_device(int n, const std::string& name) {
    std::filesystem::create_directories(device_path(n));
    write(n, "name", name + "\n");
  }
  // Writes (replaces) a file of device n, e.g. "in_voltage0_raw".
  void write(int n, const std::string& file, const std::string& text) const {
    const std::filesystem::path path = device_path(n) + "/" + file;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::trunc) << text;
  }
  std::string read(int n, const std::string& file) const {
    std::ifstream in(device_path(n) + "/" + file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // A scan element in scan_elements/ (or dir), disabled, and the buffer's files.
  void add_scan_element(int n, const std::string& channel, unsigned index, const std::string& type,
                        const std::string& dir = "scan_elements") const {
    write(n, dir + "/in_" + channel + "_en", "0\n");
    write(n, dir + "/in_" + channel + "_index", std::to_string(index) + "\n");
    write(n, dir + "/in_" + channel + "_type", type + "\n");
    const std::string buffer = dir == "scan_elements" ? "buffer" : dir;
    write(n, buffer + "/enable", "0\n");
    write(n, buffer + "/length", "0\n");
  }
  // Appends bytes to the character device of device n (created empty if absent).
  void append_scans(int n, const std::vector<uint8_t>& bytes) const {
    std::ofstream out(node_path(n), std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

 private:
  std::string root_;
};

}  // namespace h5rec::testing
