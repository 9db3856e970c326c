#include "recorder/row_schedule.hpp"

#include <cmath>
#include <limits>

namespace h5rec {

namespace {

constexpr uint64_t kMillion = 1'000'000;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// floor((index * 10^12 + m / 2) / m) in 64-bit integers: with index = q*m + r and
// r * 10^6 = q2*m + r2, it is q*10^12 + q2*10^6 + floor((r2*10^6 + m/2) / m), and every product
// stays below 2^64 while m < 1.8e13 (rates up to 1.8e10 Hz).
int64_t scaled_round(uint64_t index, uint64_t m) {
  const uint64_t q = index / m, r = index % m;
  const uint64_t q2 = r * kMillion / m, r2 = r * kMillion % m;
  return static_cast<int64_t>(q * kMillion * kMillion + q2 * kMillion +
                              (r2 * kMillion + m / 2) / m);
}

// Unsigned 128-bit values from two halves: 32-bit ARM has no __int128, and the result must be
// the same on every architecture (long double is 80 bits on x86-64, 128 on aarch64, 64 on armhf).
struct U128 {
  uint64_t hi, lo;
};

U128 multiply(uint64_t a, uint64_t b) {
  constexpr uint64_t kLow = 0xFFFFFFFFu;
  const uint64_t a0 = a & kLow, a1 = a >> 32, b0 = b & kLow, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (p01 & kLow) + (p10 & kLow);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & kLow)};
}

// v << s for 0 < s < 128; false if bits would be lost.
bool shift_left(U128& v, int s) {
  if (s >= 64) {
    if (v.hi != 0 || (s > 64 && (v.lo >> (128 - s)) != 0)) return false;
    v = {v.lo << (s - 64), 0};
  } else {
    if ((v.hi >> (64 - s)) != 0) return false;
    v = {(v.hi << s) | (v.lo >> (64 - s)), v.lo << s};
  }
  return true;
}

// floor(n / d) when it fits 63 bits, else kNever; d < 2^62.
int64_t divide(U128 n, uint64_t d) {
  if (n.hi >= d) return kNever;
  uint64_t rem = n.hi, q = 0;
  for (int bit = 63; bit >= 0; --bit) {
    rem = (rem << 1) | ((n.lo >> bit) & 1);  // rem < 2d: no overflow
    q <<= 1;
    if (rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  return q > static_cast<uint64_t>(kNever) ? kNever : static_cast<int64_t>(q);
}

// floor(index * 10^9 / rate + 1/2) exactly, with the rate taken as the binary double it is:
// rate = M * 2^e, so the offset is floor((index * 10^9 * 2^(1-e) + M) / (2M)).
int64_t exact_round(uint64_t index, double rate) {
  int exponent = 0;
  const double mantissa = std::frexp(rate, &exponent);  // rate = mantissa * 2^exponent
  const auto m = static_cast<uint64_t>(std::ldexp(mantissa, 53));
  const int shift = 54 - exponent;                // 1 - e with e = exponent - 53
  if (shift <= 0 || shift >= 128) return kNever;  // rates of 2^53 Hz and more, or below 2^-73
  U128 n = multiply(index, 1'000'000'000);
  if (!shift_left(n, shift)) return kNever;
  n.lo += m;
  if (n.lo < m) ++n.hi;
  return divide(n, 2 * m);
}

}  // namespace

RowSchedule::RowSchedule(double rate_hz) : rate_hz_(rate_hz), rate_mhz_(0) {
  const double mhz = rate_hz * 1000.0;
  if (std::fabs(mhz - std::round(mhz)) < 1e-9 * mhz) rate_mhz_ = std::llround(mhz);
}

int64_t RowSchedule::offset_ns(uint64_t index) const {
  if (rate_mhz_ > 0) return scaled_round(index, static_cast<uint64_t>(rate_mhz_));
  return exact_round(index, rate_hz_);
}

uint64_t RowSchedule::rows_before(int64_t offset) const {
  if (offset <= 0) return 0;
  // Estimate, then correct for rounding.
  auto i = static_cast<uint64_t>(static_cast<double>(offset) * rate_hz_ / 1e9);
  while (i > 0 && offset_ns(i - 1) >= offset) --i;
  while (offset_ns(i) < offset) ++i;
  return i;
}

}  // namespace h5rec
