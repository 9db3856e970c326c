// The sim platform's I2C bus: transactions go to emulated devices attached at addresses (a
// register-level BME280: platform/sim/bme280_emulator.hpp); no device at an address does not
// acknowledge (ENXIO), like a real bus. Used on one thread (the sampler's), as a real bus is.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "platform/i2c_bus.hpp"

namespace h5rec::platform {

// A device on the simulated bus.
class SimI2cDevice {
 public:
  virtual ~SimI2cDevice() = default;
  // One transaction addressed to this device: as I2cBus::transfer. 0 or errno (EREMOTEIO: NACK).
  virtual int transfer(std::span<const uint8_t> write, std::span<uint8_t> read) = 0;
};

class SimI2cBus final : public I2cBus {
 public:
  void attach(uint16_t address, std::shared_ptr<SimI2cDevice> device) {
    devices_.emplace_back(address, std::move(device));
  }
  Status open() override {
    open_ = true;
    return {};
  }
  void close() override { open_ = false; }
  int transfer(uint16_t address, std::span<const uint8_t> write, std::span<uint8_t> read) override;
  const std::string& name() const override { return name_; }

 private:
  std::vector<std::pair<uint16_t, std::shared_ptr<SimI2cDevice>>> devices_;
  std::string name_ = "sim";
  bool open_ = false;
};

}  // namespace h5rec::platform
