#include "platform/posix/posix_i2c_bus.hpp"

#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace h5rec::platform {

Status PosixI2cBus::open() {
  close();
  const int fd = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Error{"i2c bus " + path_ + ": cannot open: " + std::strerror(err) +
                     (err == ENOENT ? " (is the i2c-dev module loaded and the bus enabled?)" : ""),
                 err};
  }
  unsigned long funcs = 0;
  if (::ioctl(fd, I2C_FUNCS, &funcs) < 0) {
    const int err = errno;
    ::close(fd);
    return Error{"i2c bus " + path_ + ": not an i2c-dev device (I2C_FUNCS): " + std::strerror(err),
                 err};
  }
  if ((funcs & I2C_FUNC_I2C) == 0) {
    ::close(fd);
    return Error{"i2c bus " + path_ + ": the adapter does only SMBus transfers, not plain I2C"};
  }
  // A stuck bus or a chip stretching the clock must fail a transfer within a sample period, not
  // after the adapter's default (often 1 s): 20 ms (the unit is 10 ms), no retries. Adapters
  // that cannot set them keep their defaults.
  (void)::ioctl(fd, I2C_TIMEOUT, 2UL);
  (void)::ioctl(fd, I2C_RETRIES, 0UL);
  fd_ = fd;
  return {};
}

void PosixI2cBus::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

int PosixI2cBus::transfer(uint16_t address, std::span<const uint8_t> write,
                          std::span<uint8_t> read) {
  if (fd_ < 0) return EBADF;
  i2c_msg messages[2];
  __u32 count = 0;
  if (!write.empty()) {
    // The kernel does not write through buf for a write message.
    messages[count++] = {address, 0, static_cast<__u16>(write.size()),
                         const_cast<__u8*>(write.data())};
  }
  if (!read.empty()) {
    messages[count++] = {address, I2C_M_RD, static_cast<__u16>(read.size()), read.data()};
  }
  if (count == 0) return 0;
  i2c_rdwr_ioctl_data data{messages, count};
  if (::ioctl(fd_, I2C_RDWR, &data) < 0) return errno;
  return 0;
}

}  // namespace h5rec::platform
