// I2C seam: register transactions with devices on one bus (/dev/i2c-N on boards, a bus serving
// register-level emulators in the sim platform). Drivers for chips without a kernel driver
// (drivers/bme280/) talk to their chip only through this.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/error.hpp"

namespace h5rec::platform {

class I2cBus {
 public:
  virtual ~I2cBus() = default;

  // Acquires the bus (opens the device node); a failure names the bus and the reason.
  virtual Status open() = 0;
  virtual void close() = 0;
  // One transaction with the device at 7-bit `address`: writes `write` (for register access the
  // register number, then any values), then, if `read` is not empty, reads `read.size()` bytes
  // after a repeated start. Returns 0 or the errno of the failure (EREMOTEIO or ENXIO: the device
  // did not acknowledge; ETIMEDOUT, EIO: the bus failed; EBADF: the bus is not open). Does not
  // allocate; does not block longer than the adapter's timeout.
  [[nodiscard]] virtual int transfer(uint16_t address, std::span<const uint8_t> write,
                                     std::span<uint8_t> read) = 0;
  // What error messages call the bus: its device node's path, or "sim".
  virtual const std::string& name() const = 0;

  // Reads `out.size()` registers from `reg` on (auto-increment). 0 or errno.
  [[nodiscard]] int read_registers(uint16_t address, uint8_t reg, std::span<uint8_t> out) {
    const uint8_t w[1] = {reg};
    return transfer(address, w, out);
  }
  // Writes one register. 0 or errno.
  [[nodiscard]] int write_register(uint16_t address, uint8_t reg, uint8_t value) {
    const uint8_t w[2] = {reg, value};
    return transfer(address, w, {});
  }
};

}  // namespace h5rec::platform
