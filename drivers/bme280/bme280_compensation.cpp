#include "drivers/bme280/bme280_compensation.hpp"

namespace h5rec::platform::bme280 {
namespace {

uint16_t u16(const uint8_t* b) { return static_cast<uint16_t>(b[0] | (b[1] << 8)); }
int16_t s16(const uint8_t* b) { return static_cast<int16_t>(u16(b)); }

// Checked 64-bit arithmetic for pressure, whose intermediates reach 2^63 with junk input.
struct Checked {
  bool overflow = false;
  int64_t mul(int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_mul_overflow(a, b, &r);
    return r;
  }
  int64_t add(int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_add_overflow(a, b, &r);
    return r;
  }
};

}  // namespace

Calibration parse_calibration(std::span<const uint8_t, 26> tp, std::span<const uint8_t, 7> h) {
  Calibration c;
  c.t1 = u16(&tp[0]);
  c.t2 = s16(&tp[2]);
  c.t3 = s16(&tp[4]);
  c.p1 = u16(&tp[6]);
  c.p2 = s16(&tp[8]);
  c.p3 = s16(&tp[10]);
  c.p4 = s16(&tp[12]);
  c.p5 = s16(&tp[14]);
  c.p6 = s16(&tp[16]);
  c.p7 = s16(&tp[18]);
  c.p8 = s16(&tp[20]);
  c.p9 = s16(&tp[22]);
  c.h1 = tp[25];  // 0xA1; 0xA0 is unused
  c.h2 = s16(&h[0]);
  c.h3 = h[2];
  // H4 = 0xE4 (signed) [11:4], 0xE5[3:0]; H5 = 0xE6 (signed) [11:4], 0xE5[7:4].
  c.h4 = static_cast<int16_t>(static_cast<int8_t>(h[3]) * 16 | (h[4] & 0x0F));
  c.h5 = static_cast<int16_t>(static_cast<int8_t>(h[5]) * 16 | (h[4] >> 4));
  c.h6 = static_cast<int8_t>(h[6]);
  return c;
}

void encode_calibration(const Calibration& c, std::span<uint8_t, 26> tp, std::span<uint8_t, 7> h) {
  const auto put = [](uint8_t* b, int v) {
    b[0] = static_cast<uint8_t>(v & 0xFF);
    b[1] = static_cast<uint8_t>((v >> 8) & 0xFF);
  };
  put(&tp[0], c.t1);
  put(&tp[2], c.t2);
  put(&tp[4], c.t3);
  put(&tp[6], c.p1);
  const int16_t p[] = {c.p2, c.p3, c.p4, c.p5, c.p6, c.p7, c.p8, c.p9};
  for (size_t k = 0; k < 8; ++k) put(&tp[8 + 2 * k], p[k]);
  tp[24] = 0;
  tp[25] = c.h1;
  put(&h[0], c.h2);
  h[2] = c.h3;
  h[3] = static_cast<uint8_t>((c.h4 >> 4) & 0xFF);
  h[4] = static_cast<uint8_t>((c.h4 & 0x0F) | ((c.h5 & 0x0F) << 4));
  h[5] = static_cast<uint8_t>((c.h5 >> 4) & 0xFF);
  h[6] = static_cast<uint8_t>(c.h6);
}

// Left shifts of values that may be negative are written as multiplications by powers of two.
int32_t t_fine(const Calibration& c, int32_t adc_t) {
  const int64_t adc = adc_t;
  const int64_t t1 = c.t1;
  const int64_t var1 = (((adc >> 3) - t1 * 2) * c.t2) >> 11;
  const int64_t d = (adc >> 4) - t1;
  const int64_t var2 = (((d * d) >> 12) * c.t3) >> 14;
  return static_cast<int32_t>(var1 + var2);  // |t_fine| < 2^24 for any 20-bit adc
}

int32_t temperature_centi_celsius(int32_t fine) {
  return static_cast<int32_t>((int64_t{fine} * 5 + 128) >> 8);
}

std::optional<uint32_t> pressure_q24_8(const Calibration& c, int32_t fine, int32_t adc_p) {
  Checked k;
  int64_t var1 = int64_t{fine} - 128000;
  int64_t var2 = k.mul(k.mul(var1, var1), c.p6);
  var2 = k.add(var2, k.mul(k.mul(var1, c.p5), int64_t{1} << 17));
  var2 = k.add(var2, k.mul(c.p4, int64_t{1} << 35));
  var1 = k.add(k.mul(k.mul(var1, var1), c.p3) >> 8, k.mul(k.mul(var1, c.p2), int64_t{1} << 12));
  var1 = k.mul(k.add(int64_t{1} << 47, var1), c.p1) >> 33;
  if (var1 == 0 || k.overflow) return std::nullopt;  // the datasheet returns 0 here
  int64_t p = 1048576 - int64_t{adc_p};
  p = k.mul(k.add(k.mul(p, int64_t{1} << 31), -var2), 3125) / var1;
  var1 = k.mul(k.mul(c.p9, p >> 13), p >> 13) >> 25;
  var2 = k.mul(c.p8, p) >> 19;
  p = (k.add(k.add(p, var1), var2) >> 8) + int64_t{c.p7} * 16;
  if (k.overflow || p < 0 || p > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(p);
}

uint32_t humidity_q22_10(const Calibration& c, int32_t fine, int32_t adc_h) {
  int64_t v = int64_t{fine} - 76800;
  const int64_t a =
      ((int64_t{adc_h} * 16384) - (int64_t{c.h4} * 1048576) - (int64_t{c.h5} * v) + 16384) >> 15;
  const int64_t b =
      ((((((v * c.h6) >> 10) * (((v * c.h3) >> 11) + 32768)) >> 10) + 2097152) * c.h2 + 8192) >> 14;
  v = a * b;
  // Only junk input gets near this (a real chip's v < 2^31); keeps the square below 2^63.
  constexpr int64_t kJunk = int64_t{1} << 45;
  v = v > kJunk ? kJunk : (v < -kJunk ? -kJunk : v);
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.h1) >> 4);
  v = v < 0 ? 0 : v;
  v = v > 419430400 ? 419430400 : v;
  return static_cast<uint32_t>(v >> 12);
}

}  // namespace h5rec::platform::bme280
