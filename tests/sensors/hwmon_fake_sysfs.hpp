// A fake sysfs tree in a temporary directory for the hwmon, thermal and file sensor tests:
// files are written in place (same inode), as the kernel changes a sysfs value under an open fd.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "platform/sensor.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::testing {

class FakeSysfs {
 public:
  const std::string& root() const { return dir_.path(); }
  // Writes text to root/relative, making its directories; the file keeps its inode.
  void write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path path = root() + "/" + relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::trunc) << text;
  }
  void remove(const std::string& relative) const {
    std::filesystem::remove_all(root() + "/" + relative);
  }
  // A spec for kind with the given text and number params, sysfs_root pointing at the tree.
  platform::SensorSpec spec(const std::string& kind, std::map<std::string, std::string> texts,
                            std::map<std::string, double> numbers = {}) const {
    platform::SensorSpec s;
    s.kind = kind;
    s.texts = std::move(texts);
    s.params = std::move(numbers);
    s.kind_where = "test.toml:1";
    s.params_where = "test.toml:2";
    s.sysfs_root = root();
    s.group = "g";
    return s;
  }

 private:
  TempDirectory dir_;
};

}  // namespace h5rec::testing
