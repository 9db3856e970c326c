#include "drivers/sysfs/sysfs_number_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "drivers/sysfs/number_text.hpp"

namespace h5rec::platform {

Status SysfsNumberFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    return Error{"cannot open '" + path + "': " + std::strerror(err), err};
  }
  fd_.reset(fd);
  return {};
}

NumberReadResult SysfsNumberFile::read(size_t field, double& value) {
  ssize_t n;
  do {
    n = ::pread(fd_.get(), text_.data(), text_.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    last_errno_ = errno;
    // What hwmon and thermal drivers answer for a reading they could not take this time (a bus
    // busy, a conversion not ready): this sample is missing, the device is still there.
    if (errno == EAGAIN || errno == EBUSY || errno == ENODATA || errno == ETIMEDOUT) {
      return NumberReadResult::kJunk;
    }
    return NumberReadResult::kError;
  }
  std::string_view text(text_.data(), static_cast<size_t>(n));
  if (text.size() == text_.size()) {
    // A longer file (procfs): the last token may be cut, so only whole tokens count.
    text = text.substr(0, text.find_last_of(" \t\n") + 1);
  }
  const auto parsed = parse_number_field(text, field);
  if (!parsed) return NumberReadResult::kJunk;
  value = *parsed;
  return NumberReadResult::kOk;
}

}  // namespace h5rec::platform
