#include "recorder/row_schedule.hpp"

#include <cmath>

namespace h5rec {

namespace {

// floor((index * 10^12 + m / 2) / m) in 64-bit integers (no __int128 on 32-bit ARM): with
// index = q*m + r and r * 10^6 = q2*m + r2, it is q*10^12 + q2*10^6 + floor((r2*10^6 + m/2) / m),
// and every product stays below 2^64 while m < 1.8e13 (rates up to 1.8e10 Hz).
int64_t scaled_round(uint64_t index, uint64_t m) {
  constexpr uint64_t kMillion = 1'000'000;
  const uint64_t q = index / m, r = index % m;
  const uint64_t q2 = r * kMillion / m, r2 = r * kMillion % m;
  return static_cast<int64_t>(q * kMillion * kMillion + q2 * kMillion + (r2 * kMillion + m / 2) / m);
}

}  // namespace

RowSchedule::RowSchedule(double rate_hz) : rate_hz_(rate_hz), rate_mhz_(0) {
  const double mhz = rate_hz * 1000.0;
  if (std::fabs(mhz - std::round(mhz)) < 1e-9 * mhz) rate_mhz_ = std::llround(mhz);
}

int64_t RowSchedule::offset_ns(uint64_t index) const {
  if (rate_mhz_ > 0) {
    return scaled_round(index, static_cast<uint64_t>(rate_mhz_));
  }
  return static_cast<int64_t>(std::llround(static_cast<long double>(index) * 1e9L / rate_hz_));
}

uint64_t RowSchedule::rows_before(int64_t offset) const {
  if (offset <= 0) return 0;
  // Estimate, then correct for rounding.
  auto i = static_cast<uint64_t>(static_cast<long double>(offset) * rate_hz_ / 1e9L);
  while (i > 0 && offset_ns(i - 1) >= offset) --i;
  while (offset_ns(i) < offset) ++i;
  return i;
}

}  // namespace h5rec
