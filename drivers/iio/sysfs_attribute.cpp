#include "drivers/iio/sysfs_attribute.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

namespace h5rec::platform {
namespace {

Error os_error(const char* what, const std::string& path, int err) {
  return Error{std::string(what) + " '" + path + "': " + std::strerror(err), err};
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool parse_sysfs_number(std::string_view text, double& value) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);  // from_chars takes '-' but not '+'
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.front())) ||
                        text.front() == '-' || text.front() == '.')) {
    return false;  // from_chars would take "inf" and "nan"
  }
  double parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(parsed)) return false;
  value = parsed;
  return true;
}

Status SysfsAttribute::open(const std::string& path) {
  path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", path, errno);
  fd_.reset(fd);
  return {};
}

ReadResult SysfsAttribute::read_number(double& value) const {
  char buffer[64];
  ssize_t n = 0;
  do {
    n = ::pread(fd_.get(), buffer, sizeof buffer, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN || errno == EBUSY ? ReadResult::kBadValue : ReadResult::kDeviceError;
  if (n == 0) return ReadResult::kDeviceError;
  if (static_cast<size_t>(n) == sizeof buffer)
    return ReadResult::kBadValue;  // no number is that long
  return parse_sysfs_number(std::string_view(buffer, static_cast<size_t>(n)), value)
             ? ReadResult::kOk
             : ReadResult::kBadValue;
}

Result<double> read_sysfs_number(const std::string& path) {
  auto text = read_sysfs_text(path);
  if (!text) return text.error();
  double value = 0;
  if (!parse_sysfs_number(*text, value)) {
    return Error{"'" + path + "' holds '" + text->substr(0, 40) + "', not a number"};
  }
  return value;
}

Status write_sysfs_text(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0) return os_error("cannot open for writing", path, errno);
  const UniqueFd owner(fd);
  ssize_t n = 0;
  do {
    n = ::write(fd, text.data(), text.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    const int err = errno;
    return Error{"cannot write '" + text + "' to '" + path + "': " + std::strerror(err), err};
  }
  if (static_cast<size_t>(n) != text.size()) {
    return Error{"short write of '" + text + "' to '" + path + "'"};
  }
  return {};
}

bool sysfs_path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace h5rec::platform
