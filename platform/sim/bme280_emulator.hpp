// A register-level Bosch BME280 on the sim I2C bus: chip id, calibration NVM, ctrl_hum /
// ctrl_meas / config, reset, and data registers that hold raw ADC values of a deterministic
// environment. Writes are (register, value) pairs as on the chip; reads auto-increment.
//
// Measurement m (m = 0, 1, 2 ...: the data reads it has answered, each read that covers 0xF7
// being one new measurement) is of the environment
//   temperature = sim_sweep(-40, 85, m, sweep_rows)           degC
//   pressure    = sim_sweep(30000, 110000, m, sweep_rows)     Pa
//   humidity    = sim_sweep(0, 100, m, sweep_rows)            %
// (the datasheet's operating range; platform/sim/sim_sweep.hpp). The data registers get the raw
// values whose datasheet compensation (drivers/bme280/bme280_compensation.hpp) with the
// emulator's calibration first reaches the target, found by bisection over the ADC range:
//   adc_T: smallest in [0, 2^20) with T(adc_T) / 100 >= temperature
//   adc_P: smallest in [0, 2^20) with P(t_fine(adc_T), adc_P) / 256 <= pressure (P falls with
//   adc_P) adc_H: smallest in [0, 2^16) with H(t_fine(adc_T), adc_H) / 1024 >= humidity
// bisecting with lo = 0, hi = max: mid = (lo + hi) / 2, hi = mid if it qualifies, else lo = mid +
// 1; a result equal to the "skipped" marker (0x80000, 0x8000) is taken + 1. A quantity whose
// oversampling is "skipped", and every one while the chip is not in normal mode, reads as the
// marker. So a recording of m measurements is known exactly, and a driver that did not
// configure the chip reads markers.
//
// Faults: chip_id other than 0x60 (a BMP280 is 0x58); after answering `nack_at` data reads the
// chip stops acknowledging for `nack_transactions` transactions of any kind (EREMOTEIO).
#pragma once

#include <array>
#include <memory>

#include "drivers/bme280/bme280_compensation.hpp"
#include "drivers/bme280/bme280_registers.hpp"
#include "platform/sim/sim_i2c_bus.hpp"

namespace h5rec::platform {

struct Bme280EmulatorOptions {
  uint64_t sweep_rows = 100;  // measurements per sweep period, >= 2
  uint8_t chip_id = bme280::kChipId;
  int64_t nack_at = -1;  // < 0: never
  uint64_t nack_transactions = 0;
};

class Bme280Emulator final : public SimI2cDevice {
 public:
  explicit Bme280Emulator(const Bme280EmulatorOptions& options);

  int transfer(std::span<const uint8_t> write, std::span<uint8_t> read) override;

  // The emulator's calibration: the T and P words of the datasheet's worked example, humidity
  // words of a typical chip.
  static const bme280::Calibration& calibration();
  // The environment of measurement m, and the raw values the emulator puts in the registers.
  struct Environment {
    double temperature, pressure, humidity;
  };
  static Environment environment(uint64_t m, uint64_t sweep_rows);
  static bme280::AdcSample adc_for(const Environment& e);

  uint64_t measurements() const { return measurements_; }

 private:
  void measure();

  Bme280EmulatorOptions options_;
  std::array<uint8_t, 256> regs_{};
  uint8_t pointer_ = 0;
  uint8_t ctrl_hum_pending_ = 0;  // ctrl_hum applies at the next ctrl_meas write
  uint8_t osrs_h_ = 0;
  uint64_t measurements_ = 0;
  uint64_t nacks_left_ = 0;
};

}  // namespace h5rec::platform
