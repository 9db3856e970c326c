// One sysfs or procfs file that holds a number, opened once and read again for every sample with
// pread at offset 0 (sysfs and procfs make the text afresh on each read from offset 0).
// One thread at a time; read() neither allocates nor blocks (such files answer from memory).
#pragma once

#include <array>
#include <string>

#include "base/error.hpp"
#include "platform/posix/unique_fd.hpp"

namespace h5rec::platform {

enum class NumberReadResult {
  kOk,
  kJunk,   // not a number, no such field, or the driver had no reading now: this sample only
  kError,  // the read failed (the device went away: ENODEV, ESRCH, EIO ...)
};

class SysfsNumberFile {
 public:
  // Opens path read-only; the error names the path and the errno text.
  Status open(const std::string& path);
  void close() { fd_.reset(); }
  bool is_open() const { return fd_.valid(); }

  // Reads the file and parses whitespace-separated field `field` (0: the first) into value.
  NumberReadResult read(size_t field, double& value);
  // errno of the last kError.
  int last_errno() const { return last_errno_; }

 private:
  UniqueFd fd_;
  int last_errno_ = 0;
  std::array<char, 4096> text_{};  // sysfs gives at most one page
};

}  // namespace h5rec::platform
