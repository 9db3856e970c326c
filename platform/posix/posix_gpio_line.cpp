#include "platform/posix/posix_gpio_line.hpp"

#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>

namespace h5rec::platform {

PosixGpioLine::PosixGpioLine(std::string chip_path, const GpioLineConfig& config)
    : chip_path_(std::move(chip_path)),
      config_(config),
      name_("gpio chip " + chip_path_ + " line " + std::to_string(config.offset)) {}

Status PosixGpioLine::open() {
  close();
  const int chip = ::open(chip_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (chip < 0) {
    const int err = errno;
    return Error{name_ + ": cannot open the chip: " + std::strerror(err), err};
  }
  gpio_v2_line_request request{};
  request.offsets[0] = config_.offset;
  request.num_lines = 1;
  std::strncpy(request.consumer, "h5rec", sizeof request.consumer - 1);
  request.event_buffer_size = kKernelEventBuffer;
  uint64_t flags = GPIO_V2_LINE_FLAG_INPUT;
  if (config_.edges != GpioEdges::kFalling) flags |= GPIO_V2_LINE_FLAG_EDGE_RISING;
  if (config_.edges != GpioEdges::kRising) flags |= GPIO_V2_LINE_FLAG_EDGE_FALLING;
  if (config_.bias == GpioBias::kPullUp) flags |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
  if (config_.bias == GpioBias::kPullDown) flags |= GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN;
  if (config_.bias == GpioBias::kDisabled) flags |= GPIO_V2_LINE_FLAG_BIAS_DISABLED;
  request.config.flags = flags;  // timestamps: CLOCK_MONOTONIC (no EVENT_CLOCK flag)
  if (config_.debounce_us > 0) {
    request.config.num_attrs = 1;
    request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
    request.config.attrs[0].attr.debounce_period_us = config_.debounce_us;
    request.config.attrs[0].mask = 1;  // applies to the request's line 0
  }
  const int rc = ::ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &request);
  const int err = errno;
  ::close(chip);
  if (rc < 0) {
    std::string hint;
    if (err == EBUSY) hint = " (another program holds the line)";
    if (err == ENOTTY) hint = " (not a GPIO chip, or a kernel before 5.10 without the v2 uAPI)";
    if (err == EINVAL) hint = " (no such line on this chip, or a setting it does not support)";
    return Error{name_ + ": cannot request edge events: " + std::strerror(err) + hint, err};
  }
  const int status = ::fcntl(request.fd, F_GETFL);
  if (status < 0 || ::fcntl(request.fd, F_SETFL, status | O_NONBLOCK) < 0) {
    const int e = errno;
    ::close(request.fd);
    return Error{name_ + ": cannot make the line's fd non-blocking: " + std::strerror(e), e};
  }
  fd_ = request.fd;
  return {};
}

void PosixGpioLine::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int64_t PosixGpioLine::now_ns(const SampleTick& /*tick*/) {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int PosixGpioLine::read_events(std::span<GpioEdgeEvent> out) {
  if (fd_ < 0) return -EBADF;
  gpio_v2_line_event events[16];
  size_t moved = 0;
  while (moved < out.size()) {
    const size_t want = std::min(std::size(events), out.size() - moved);
    const ssize_t n = ::read(fd_, events, want * sizeof events[0]);
    if (n < 0) {
      if (errno == EAGAIN) break;
      if (errno == EINTR) continue;
      return -errno;
    }
    const size_t got = static_cast<size_t>(n) / sizeof events[0];
    for (size_t k = 0; k < got; ++k) {
      out[moved++] = {static_cast<int64_t>(events[k].timestamp_ns), events[k].seqno,
                      events[k].id == GPIO_V2_LINE_EVENT_RISING_EDGE};
    }
    if (got < want) break;
  }
  return static_cast<int>(moved);
}

}  // namespace h5rec::platform
