// The error message of a failed I2C transfer, shared by the I2C drivers.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "platform/i2c_bus.hpp"

namespace h5rec::platform {

// "i2c bus /dev/i2c-1, address 0x76: WHAT: Remote I/O error (the device did not acknowledge)".
Error i2c_error(const I2cBus& bus, uint16_t address, const std::string& what, int err);

}  // namespace h5rec::platform
