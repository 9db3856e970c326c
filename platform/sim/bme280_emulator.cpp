#include "platform/sim/bme280_emulator.hpp"

#include <cerrno>

#include "platform/sim/sim_sweep.hpp"

namespace h5rec::platform {
namespace {

using bme280::AdcSample;
using bme280::Calibration;

// Smallest value in [0, max] for which `qualifies` holds (monotone), max if none does; a result
// equal to `marker` becomes marker + 1.
template <class Predicate>
int32_t bisect(int32_t max, int32_t marker, Predicate qualifies) {
  int32_t lo = 0, hi = max;
  while (lo < hi) {
    const int32_t mid = (lo + hi) / 2;
    if (qualifies(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo == marker ? lo + 1 : lo;
}

void put_adc20(uint8_t* b, int32_t adc) {
  b[0] = static_cast<uint8_t>(adc >> 12);
  b[1] = static_cast<uint8_t>(adc >> 4);
  b[2] = static_cast<uint8_t>((adc & 0xF) << 4);
}

}  // namespace

const Calibration& Bme280Emulator::calibration() {
  // dig_T1..T3 and dig_P1..P9 of the datasheet's worked example; dig_H1..H6 of a typical chip.
  static const Calibration c{27504, 26435,  -1000, 36477, -10685, 3024, 2855, 140, -7,
                             15500, -14600, 6000,  75,    362,    0,    313,  50,  30};
  return c;
}

Bme280Emulator::Environment Bme280Emulator::environment(uint64_t m, uint64_t sweep_rows) {
  return {sim_sweep(-40.0, 85.0, m, sweep_rows), sim_sweep(30000.0, 110000.0, m, sweep_rows),
          sim_sweep(0.0, 100.0, m, sweep_rows)};
}

AdcSample Bme280Emulator::adc_for(const Environment& e) {
  const Calibration& c = calibration();
  AdcSample a;
  a.temperature = bisect((1 << 20) - 1, bme280::kAdc20Skipped, [&](int32_t adc) {
    return bme280::temperature_centi_celsius(bme280::t_fine(c, adc)) / 100.0 >= e.temperature;
  });
  const int32_t fine = bme280::t_fine(c, a.temperature);
  a.pressure = bisect((1 << 20) - 1, bme280::kAdc20Skipped, [&](int32_t adc) {
    const auto p = bme280::pressure_q24_8(c, fine, adc);
    return p && *p / 256.0 <= e.pressure;
  });
  a.humidity = bisect((1 << 16) - 1, bme280::kAdc16Skipped, [&](int32_t adc) {
    return bme280::humidity_q22_10(c, fine, adc) / 1024.0 >= e.humidity;
  });
  return a;
}

Bme280Emulator::Bme280Emulator(const Bme280EmulatorOptions& options)
    : options_(options), nacks_left_(options.nack_transactions) {
  regs_[bme280::kRegChipId] = options.chip_id;
  bme280::encode_calibration(
      calibration(), std::span<uint8_t, bme280::kCalibTpBytes>(&regs_[bme280::kRegCalibTp], 26),
      std::span<uint8_t, bme280::kCalibHBytes>(&regs_[bme280::kRegCalibH], 7));
  measure();  // sleep mode: markers in the data registers, as at power-on
}

void Bme280Emulator::measure() {
  const uint8_t meas = regs_[bme280::kRegCtrlMeas];
  AdcSample a;  // markers
  if ((meas & 0x3) == bme280::kModeNormal) {
    const AdcSample m = adc_for(environment(measurements_, options_.sweep_rows));
    if ((meas >> 5) != 0) a.temperature = m.temperature;
    if (((meas >> 2) & 0x7) != 0) a.pressure = m.pressure;
    if (osrs_h_ != 0) a.humidity = m.humidity;
    ++measurements_;
  }
  uint8_t* d = &regs_[bme280::kRegData];
  put_adc20(d, a.pressure);
  put_adc20(d + 3, a.temperature);
  d[6] = static_cast<uint8_t>(a.humidity >> 8);
  d[7] = static_cast<uint8_t>(a.humidity);
}

int Bme280Emulator::transfer(std::span<const uint8_t> write, std::span<uint8_t> read) {
  if (options_.nack_at >= 0 && measurements_ == static_cast<uint64_t>(options_.nack_at) &&
      nacks_left_ > 0) {
    --nacks_left_;
    return EREMOTEIO;
  }
  if (!write.empty()) pointer_ = write[0];
  // A write of registers is (register, value) pairs.
  for (size_t k = 1; k < write.size(); k += 2) {
    const uint8_t reg = write[k - 1];
    const uint8_t value = write[k];
    switch (reg) {
      case bme280::kRegReset:
        if (value == bme280::kResetWord) {
          regs_[bme280::kRegCtrlHum] = regs_[bme280::kRegCtrlMeas] = regs_[bme280::kRegConfig] = 0;
          ctrl_hum_pending_ = osrs_h_ = 0;
        }
        break;
      case bme280::kRegCtrlHum:
        regs_[reg] = value & 0x7;
        ctrl_hum_pending_ = value & 0x7;
        break;
      case bme280::kRegCtrlMeas:
        regs_[reg] = value;
        osrs_h_ = ctrl_hum_pending_;
        break;
      case bme280::kRegConfig:
        regs_[reg] = value & 0xFD;
        break;
      default:
        break;  // read-only
    }
  }
  if (!read.empty()) {
    const unsigned start = pointer_;
    if (start <= bme280::kRegData && bme280::kRegData < start + read.size()) measure();
    for (size_t k = 0; k < read.size(); ++k) read[k] = regs_[(start + k) & 0xFF];
  }
  return 0;
}

}  // namespace h5rec::platform
