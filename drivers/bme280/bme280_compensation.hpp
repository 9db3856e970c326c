// The BME280 datasheet's integer compensation (BST-BME280-DS002 section 4.2.3 and 8.2:
// BME280_compensate_T_int32, BME280_compensate_P_int64, bme280_compensate_H_int32), which turns
// raw ADC values into 0.01 degC, Q24.8 Pa and Q22.10 %RH with the chip's calibration words.
//
// The integer versions, not the double ones: they are the ones Bosch recommends, they give the
// same bits on every architecture (no floating point before the final exact division), and the
// SI value is exact: T = centi_celsius / 100, P = q24_8 / 256 Pa, H = q22_10 / 1024 %.
// Intermediates are 64-bit: for every input a real chip produces this gives the datasheet's
// results bit for bit (where its 32-bit arithmetic does not overflow), and for junk input no
// overflow (undefined behaviour) is possible: pressure's multiplications are checked.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace h5rec::platform::bme280 {

// Calibration words from the chip's NVM (registers 0x88..0xA1 and 0xE1..0xE7).
struct Calibration {
  uint16_t t1 = 0;
  int16_t t2 = 0, t3 = 0;
  uint16_t p1 = 0;
  int16_t p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0, p8 = 0, p9 = 0;
  uint8_t h1 = 0;
  int16_t h2 = 0;
  uint8_t h3 = 0;
  int16_t h4 = 0, h5 = 0;  // 12-bit signed, packed in 0xE4..0xE6
  int8_t h6 = 0;
};

// From the 26 bytes at 0x88 and the 7 bytes at 0xE1 (little-endian words; H4 and H5 share 0xE5).
Calibration parse_calibration(std::span<const uint8_t, 26> tp, std::span<const uint8_t, 7> h);
// The inverse, for the emulator: the register bytes that hold `c`.
void encode_calibration(const Calibration& c, std::span<uint8_t, 26> tp, std::span<uint8_t, 7> h);

// "Fine temperature", the input of the pressure and humidity formulas (T * 5120).
int32_t t_fine(const Calibration& c, int32_t adc_t);
// Temperature in 0.01 degC: 2508 is 25.08 degC.
int32_t temperature_centi_celsius(int32_t t_fine);
// Pressure in Pa as Q24.8 (24674867 is 96386.2 Pa); empty where the datasheet returns 0
// (division by zero) or where junk input would overflow 64 bits.
std::optional<uint32_t> pressure_q24_8(const Calibration& c, int32_t t_fine, int32_t adc_p);
// Relative humidity in % as Q22.10 (47445 is 46.333 %), clamped to 0..100 %.
uint32_t humidity_q22_10(const Calibration& c, int32_t t_fine, int32_t adc_h);

}  // namespace h5rec::platform::bme280
