// A fresh directory for a test's files, removed with them when the object dies unless keep() was
// called (to look at what a failed test left). Made under `base`: by default $TMPDIR, else /tmp.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

namespace h5rec::testing {

class TempDirectory {
 public:
  // The directory is <base>/<prefix>-XXXXXX; aborts if it cannot be made.
  explicit TempDirectory(const std::string& prefix = "h5rec-test", std::string base = {}) {
    if (base.empty()) {
      const char* tmpdir = std::getenv("TMPDIR");
      base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    }
    std::string pattern = base + "/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror(("mkdtemp " + pattern).c_str());
      std::abort();
    }
    path_ = std::move(pattern);
  }
  ~TempDirectory() {
    if (keep_) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Leaves the directory and its files in place when the object dies.
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace h5rec::testing
