// Sysfs attributes: small text files the kernel regenerates on every read at offset 0.
// SysfsAttribute keeps one open and rereads it with pread (no allocation: for sampler threads);
// the free functions read or write one once, for set-up (they allocate).
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "drivers/sysfs/sysfs_lookup.hpp"  // read_sysfs_text
#include "platform/posix/unique_fd.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

// Parses an attribute's text as one finite decimal number ("1234\n", "-0.125000000", "1e3"):
// surrounding blanks and one trailing newline allowed, anything else (empty, "nan", "12abc",
// two numbers) is rejected.
bool parse_sysfs_number(std::string_view text, double& value);

class SysfsAttribute {
 public:
  // Opens `path` read-only; the error names the path and errno text.
  Status open(const std::string& path);
  void close() { fd_.reset(); }
  bool is_open() const { return fd_.valid(); }
  const std::string& path() const { return path_; }

  // Rereads the number: kOk; kBadValue for junk text or a transient EAGAIN/EBUSY; kDeviceError
  // when the read fails otherwise (ENODEV: the device was removed) or returns nothing (a sysfs
  // attribute never reads empty at offset 0: the file is gone). Called on sampler threads.
  ReadResult read_number(double& value) const;

 private:
  UniqueFd fd_;
  std::string path_;
};

// Reads an attribute holding one number; junk is an error naming the path and the text.
Result<double> read_sysfs_number(const std::string& path);
// Writes `text` (the kernel wants it in one write); errors name the path and the text.
Status write_sysfs_text(const std::string& path, const std::string& text);
// True when `path` exists (file or directory).
bool sysfs_path_exists(const std::string& path);

}  // namespace h5rec::platform
