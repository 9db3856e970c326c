// The Bosch BME280's I2C register map (datasheet BST-BME280-DS002, section 5), shared by the
// driver (drivers/bme280/) and the register-level emulator (platform/sim/bme280_emulator.*).
#pragma once

#include <cstddef>
#include <cstdint>

namespace h5rec::platform::bme280 {

inline constexpr uint8_t kChipId = 0x60;      // value of kRegChipId on every BME280
inline constexpr uint8_t kRegCalibTp = 0x88;  // dig_T1 .. dig_P9, then 0xA0 (unused), dig_H1
inline constexpr size_t kCalibTpBytes = 26;   // 0x88 .. 0xA1
inline constexpr uint8_t kRegChipId = 0xD0;
inline constexpr uint8_t kRegReset = 0xE0;  // writing kResetWord resets the chip
inline constexpr uint8_t kResetWord = 0xB6;
inline constexpr uint8_t kRegCalibH = 0xE1;  // dig_H2 .. dig_H6
inline constexpr size_t kCalibHBytes = 7;    // 0xE1 .. 0xE7
inline constexpr uint8_t kRegCtrlHum =
    0xF2;  // osrs_h[2:0]; takes effect at the next ctrl_meas write
inline constexpr uint8_t kRegStatus = 0xF3;
inline constexpr uint8_t kRegCtrlMeas = 0xF4;  // osrs_t[7:5] osrs_p[4:2] mode[1:0]
inline constexpr uint8_t kRegConfig = 0xF5;    // t_sb[7:5] filter[4:2] spi3w_en[0]
inline constexpr uint8_t kRegData = 0xF7;      // press[3] temp[3] hum[2], one burst
inline constexpr size_t kDataBytes = 8;        // 0xF7 .. 0xFE

inline constexpr uint8_t kModeSleep = 0x0;
inline constexpr uint8_t kModeNormal = 0x3;

// What the data registers hold for a quantity that is not measured (oversampling "skipped")
// and before the first conversion after power-on.
inline constexpr int32_t kAdc20Skipped = 0x80000;
inline constexpr int32_t kAdc16Skipped = 0x8000;

// Raw ADC values of one burst read of the data registers.
struct AdcSample {
  int32_t temperature = kAdc20Skipped;  // 20 bits
  int32_t pressure = kAdc20Skipped;     // 20 bits
  int32_t humidity = kAdc16Skipped;     // 16 bits
};

// The burst's 8 bytes (0xF7..0xFE) as ADC values: 20-bit values are msb:lsb:xlsb[7:4].
inline AdcSample decode_data(const uint8_t* d) {
  const auto adc20 = [](const uint8_t* b) {
    return static_cast<int32_t>((uint32_t{b[0]} << 12) | (uint32_t{b[1]} << 4) | (b[2] >> 4));
  };
  return {adc20(d + 3), adc20(d), static_cast<int32_t>((uint32_t{d[6]} << 8) | d[7])};
}

}  // namespace h5rec::platform::bme280
