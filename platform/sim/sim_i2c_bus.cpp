#include "platform/sim/sim_i2c_bus.hpp"

#include <cerrno>

namespace h5rec::platform {

int SimI2cBus::transfer(uint16_t address, std::span<const uint8_t> write, std::span<uint8_t> read) {
  if (!open_) return EBADF;
  for (auto& [at, device] : devices_) {
    if (at == address) return device->transfer(write, read);
  }
  return ENXIO;
}

}  // namespace h5rec::platform
