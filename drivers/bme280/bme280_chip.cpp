#include "drivers/bme280/bme280_chip.hpp"

#include <cerrno>
#include <cstdio>

#include "drivers/i2c_error.hpp"

namespace h5rec::platform::bme280 {
namespace {

// Register code of an oversampling (1 -> 1 ... 16 -> 5), 0 for "skipped".
uint8_t oversampling_code(int oversampling) {
  uint8_t code = 0;
  for (int o = oversampling; o > 0; o >>= 1) ++code;
  return code;
}

// The longest standby between measurements (config t_sb) that keeps a measurement cycle within
// half a sample period, so each row reads a fresh value. Datasheet 9.1: the maximum measurement
// time is 1.25 + 2.3 osrs_t + (2.3 osrs_p + 0.575) + (2.3 osrs_h + 0.575) ms.
uint8_t standby_code(const std::array<int, 3>& osrs, double rate_hz) {
  double measure_ms = 1.25 + 2.3 * osrs[0];
  if (osrs[1] > 0) measure_ms += 2.3 * osrs[1] + 0.575;
  if (osrs[2] > 0) measure_ms += 2.3 * osrs[2] + 0.575;
  const double budget_ms = 500.0 / rate_hz - measure_ms;
  static constexpr struct {
    double ms;
    uint8_t code;
  } kStandby[] = {{1000, 5}, {500, 4}, {250, 3}, {125, 2}, {62.5, 1}, {20, 7}, {10, 6}};
  for (const auto& s : kStandby) {
    if (s.ms <= budget_ms) return s.code;
  }
  return 0;  // 0.5 ms
}

}  // namespace

Chip::Chip(std::unique_ptr<I2cBus> bus, uint16_t address, double rate_hz, int iir_filter)
    : bus_(std::move(bus)), address_(address), rate_hz_(rate_hz), iir_filter_(iir_filter) {}

int Chip::want(Quantity q, int oversampling) {
  int& w = wanted_[static_cast<size_t>(q)];
  if (w != 0 && w != oversampling) return w;
  w = oversampling;
  return oversampling;
}

Status Chip::open() {
  if (open_ && configured_ == wanted_) return {};
  if (!open_) {
    if (Status s = bus_->open(); !s) return s;
    uint8_t id = 0;
    if (int err = bus_->read_registers(address_, kRegChipId, {&id, 1}); err != 0) {
      bus_->close();
      return i2c_error(*bus_, address_, "cannot read the chip id (is a BME280 connected here?)",
                       err);
    }
    if (id != kChipId) {
      bus_->close();
      char what[160];
      std::snprintf(
          what, sizeof what, "chip id is 0x%02x, not a BME280's 0x%02x%s", id, kChipId,
          id >= 0x56 && id <= 0x58 ? " (0x56-0x58 is a BMP280, which has no humidity)" : "");
      return i2c_error(*bus_, address_, what, 0);
    }
    std::array<uint8_t, kCalibTpBytes> tp{};
    std::array<uint8_t, kCalibHBytes> h{};
    int err = bus_->read_registers(address_, kRegCalibTp, tp);
    if (err == 0) err = bus_->read_registers(address_, kRegCalibH, h);
    if (err != 0) {
      bus_->close();
      return i2c_error(*bus_, address_, "cannot read the calibration", err);
    }
    calibration_ = parse_calibration(tp, h);
    open_ = true;
    configured_ = {};
  }
  return configure();
}

// Config is written in sleep mode (the chip may ignore it in normal mode), ctrl_hum before the
// ctrl_meas write that makes it take effect, then normal mode.
Status Chip::configure() {
  std::array<int, 3> osrs = wanted_;
  if (osrs[0] == 0) osrs[0] = 1;  // temperature is always measured: P and H need t_fine
  const uint8_t meas =
      static_cast<uint8_t>(oversampling_code(osrs[0]) << 5 | oversampling_code(osrs[1]) << 2);
  const uint8_t filter = iir_filter_ == 0 ? 0 : oversampling_code(iir_filter_) - 1;  // 2 -> 1
  const uint8_t config = static_cast<uint8_t>(standby_code(osrs, rate_hz_) << 5 | filter << 2);
  const uint8_t writes[][2] = {{kRegCtrlMeas, static_cast<uint8_t>(meas | kModeSleep)},
                               {kRegConfig, config},
                               {kRegCtrlHum, oversampling_code(osrs[2])},
                               {kRegCtrlMeas, static_cast<uint8_t>(meas | kModeNormal)}};
  for (const auto& w : writes) {
    if (int err = bus_->write_register(address_, w[0], w[1]); err != 0) {
      close();
      return i2c_error(*bus_, address_, "cannot configure the chip", err);
    }
  }
  configured_ = wanted_;
  return {};
}

void Chip::close() {
  bus_->close();
  open_ = false;
}

int Chip::sample(uint64_t row) {
  if (sampled_ && row_ == row) return error_;
  sampled_ = true;
  row_ = row;
  if (!open_) return error_ = EBADF;
  std::array<uint8_t, kDataBytes> data{};
  error_ = bus_->read_registers(address_, kRegData, data);
  adc_ = error_ == 0 ? decode_data(data.data()) : AdcSample{};
  return error_;
}

}  // namespace h5rec::platform::bme280
