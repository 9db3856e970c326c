#include "drivers/i2c_error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace h5rec::platform {

Error i2c_error(const I2cBus& bus, uint16_t address, const std::string& what, int err) {
  char where[64];
  std::snprintf(where, sizeof where, ", address 0x%02x: ", address);
  std::string message = "i2c bus " + bus.name() + where + what;
  if (err != 0) {
    message += ": ";
    message += std::strerror(err);
    if (err == EREMOTEIO || err == ENXIO) message += " (the device did not acknowledge)";
  }
  return Error{message, err};
}

}  // namespace h5rec::platform
