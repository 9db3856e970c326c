// The BME280 datasheet's integer compensation: the worked example, the calibration register
// layout, and junk ADC values (never undefined behaviour: UBSan runs these in CI).
#include "drivers/bme280/bme280_compensation.hpp"

#include <gtest/gtest.h>

#include <array>

#include "drivers/bme280/bme280_registers.hpp"

namespace h5rec::platform::bme280 {
namespace {

// The worked example of the Bosch BMP280 datasheet (BST-BMP280-DS001, section 3.12, "Table 16"
// in some revisions), whose T and P formulas and register layout the BME280 shares.
Calibration worked_example() {
  // dig_T1..T3, dig_P1..P9; no humidity words (the BMP280 has none).
  return {27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000};
}

TEST(Bme280Compensation, DatasheetWorkedExample) {
  const Calibration c = worked_example();
  const int32_t fine = t_fine(c, 519888);
  EXPECT_EQ(fine, 128422);
  EXPECT_EQ(temperature_centi_celsius(fine), 2508);
  EXPECT_EQ(temperature_centi_celsius(fine) / 100.0, 25.08);
  const auto p = pressure_q24_8(c, fine, 415148);
  ASSERT_TRUE(p.has_value());
  // The datasheet prints 100653.27 Pa, computed in double precision with the untruncated
  // t_fine (128422.2869); the integer formula, with t_fine 128422 and 1/256 Pa steps, gives
  // 25767233 / 256 = 100653.254 Pa (an independent Python implementation agrees:
  // tests/support/h5rec_test/bme280_oracle.py).
  EXPECT_EQ(*p, 25767233u);
  EXPECT_NEAR(*p / 256.0, 100653.27, 0.02);
}

TEST(Bme280Compensation, HumidityClampsToZeroAndHundredPercent) {
  Calibration c = worked_example();
  c.h1 = 75;
  c.h2 = 362;
  c.h3 = 0;
  c.h4 = 313;
  c.h5 = 50;
  c.h6 = 30;
  const int32_t fine = t_fine(c, 519888);
  EXPECT_EQ(humidity_q22_10(c, fine, 0), 0u);
  EXPECT_EQ(humidity_q22_10(c, fine, 65535), 100u * 1024u);
  // Rises with adc_H between the clamps.
  uint32_t last = 0;
  for (int32_t adc = 0; adc < 65536; adc += 64) {
    const uint32_t h = humidity_q22_10(c, fine, adc);
    EXPECT_GE(h, last) << adc;
    last = h;
  }
}

TEST(Bme280Compensation, CalibrationRegistersRoundTripWithPackedH4H5) {
  Calibration c = worked_example();
  c.h1 = 0xA5;
  c.h2 = -300;
  c.h3 = 7;
  c.h4 = -1234;  // 12-bit signed: 0xE4 holds [11:4], 0xE5[3:0] holds [3:0]
  c.h5 = 2047;   // 0xE6 holds [11:4], 0xE5[7:4] holds [3:0]
  c.h6 = -30;
  std::array<uint8_t, kCalibTpBytes> tp{};
  std::array<uint8_t, kCalibHBytes> h{};
  encode_calibration(c, tp, h);
  EXPECT_EQ(tp[0], 27504 & 0xFF);  // dig_T1 little-endian at 0x88
  EXPECT_EQ(tp[1], 27504 >> 8);
  EXPECT_EQ(tp[25], 0xA5);  // dig_H1 at 0xA1
  EXPECT_EQ(h[3], static_cast<uint8_t>(-1234 >> 4));
  EXPECT_EQ(h[4], ((-1234) & 0xF) | ((2047 & 0xF) << 4));
  const Calibration back = parse_calibration(tp, h);
  EXPECT_EQ(back.t1, c.t1);
  EXPECT_EQ(back.t3, c.t3);
  EXPECT_EQ(back.p1, c.p1);
  EXPECT_EQ(back.p9, c.p9);
  EXPECT_EQ(back.h1, c.h1);
  EXPECT_EQ(back.h2, c.h2);
  EXPECT_EQ(back.h3, c.h3);
  EXPECT_EQ(back.h4, c.h4);
  EXPECT_EQ(back.h5, c.h5);
  EXPECT_EQ(back.h6, c.h6);
}

TEST(Bme280Compensation, DataRegistersDecodeTwentyAndSixteenBitValues) {
  const uint8_t data[8] = {0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x80, 0x00};
  const AdcSample a = decode_data(data);
  EXPECT_EQ(a.pressure, 415148);     // 0x655AC
  EXPECT_EQ(a.temperature, 519888);  // 0x7EED0
  EXPECT_EQ(a.humidity, kAdc16Skipped);
}

// Junk: every ADC value a register can hold, with the example and with extreme calibrations.
TEST(Bme280Compensation, AnyAdcValueAndCalibrationIsSafe) {
  const Calibration extreme{65535, 32767,  -32768, 65535, -32768, 32767, 32767, 32767, -32768,
                            32767, -32768, 32767,  255,   32767,  255,   2047,  -2048, 127};
  for (const Calibration& c : {worked_example(), extreme, Calibration{}}) {
    for (int32_t adc = 0; adc < (1 << 20); adc += 997) {
      const int32_t fine = t_fine(c, adc);
      (void)temperature_centi_celsius(fine);
      (void)pressure_q24_8(c, fine, adc);
      (void)pressure_q24_8(c, fine, (1 << 20) - 1 - adc);
      EXPECT_LE(humidity_q22_10(c, fine, adc & 0xFFFF), 100u * 1024u);
    }
  }
  // dig_P1 = 0 makes the datasheet divide by zero: no value.
  Calibration zero = worked_example();
  zero.p1 = 0;
  EXPECT_FALSE(pressure_q24_8(zero, 128422, 415148).has_value());
}

}  // namespace
}  // namespace h5rec::platform::bme280
