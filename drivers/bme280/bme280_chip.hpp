// One BME280 on an I2C bus, shared by the channels that record its quantities (one per
// quantity): opened and configured once, read with one burst of the data registers per row.
// The channels of one chip are in one rate group, so only that group's sampler thread reads it;
// open/close run at start-up and on the recorder's reopener thread, never while the sampler
// reads (the channels report the chip as their device key: recorder/device_handoff.hpp).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "drivers/bme280/bme280_compensation.hpp"
#include "drivers/bme280/bme280_registers.hpp"
#include "platform/i2c_bus.hpp"

namespace h5rec::platform::bme280 {

enum class Quantity { kTemperature = 0, kPressure = 1, kHumidity = 2 };

class Chip {
 public:
  // `rate_hz`: the group's rate, which sets the chip's standby time; `iir_filter`: 0, 2, 4, 8, 16.
  Chip(std::unique_ptr<I2cBus> bus, uint16_t address, double rate_hz, int iir_filter);

  // A channel records `q` with `oversampling` (1, 2, 4, 8, 16): measured from the next open().
  // Two channels of one quantity must agree; returns the other one's oversampling if not.
  int want(Quantity q, int oversampling);

  // Opens the bus, checks the chip id, reads the calibration and puts the chip in normal mode with
  // the oversampling the channels want. Already open and configured: nothing to do. The message of
  // a failure names the bus, the address and what failed.
  Status open();
  void close();
  bool is_open() const { return open_; }

  // Reads the data registers for row `row` (once per row, whichever channel asks first); 0 or the
  // errno of the failed transaction. No allocation.
  int sample(uint64_t row);
  const AdcSample& adc() const { return adc_; }
  const Calibration& calibration() const { return calibration_; }
  const std::string& bus_name() const { return bus_->name(); }
  uint16_t address() const { return address_; }
  int iir_filter() const { return iir_filter_; }

 private:
  Status configure();

  std::unique_ptr<I2cBus> bus_;
  uint16_t address_;
  double rate_hz_;
  int iir_filter_;
  std::array<int, 3> wanted_{};      // oversampling per Quantity, 0: not recorded
  std::array<int, 3> configured_{};  // what the chip was last set to
  bool open_ = false;
  Calibration calibration_;
  AdcSample adc_;
  bool sampled_ = false;  // adc_ and error_ belong to row_
  uint64_t row_ = 0;
  int error_ = 0;
};

}  // namespace h5rec::platform::bme280
