// I2C through the kernel's i2c-dev interface (/dev/i2c-N): each transaction is one I2C_RDWR
// ioctl (a write message, then a read message after a repeated start), so no other program's
// transfer can come between a register number and its data. Needs an adapter with plain I2C
// transfers (I2C_FUNC_I2C; open() says so if it only does SMBus).
#pragma once

#include "platform/i2c_bus.hpp"

namespace h5rec::platform {

class PosixI2cBus final : public I2cBus {
 public:
  explicit PosixI2cBus(std::string path) : path_(std::move(path)) {}
  ~PosixI2cBus() override { close(); }
  PosixI2cBus(const PosixI2cBus&) = delete;
  PosixI2cBus& operator=(const PosixI2cBus&) = delete;

  Status open() override;
  void close() override;
  int transfer(uint16_t address, std::span<const uint8_t> write, std::span<uint8_t> read) override;
  const std::string& name() const override { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace h5rec::platform
