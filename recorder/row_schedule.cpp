#include "recorder/row_schedule.hpp"

#include <cmath>

__extension__ typedef __int128 Int128;  // 64 x 64-bit products without overflow

namespace h5rec {

RowSchedule::RowSchedule(double rate_hz) : rate_hz_(rate_hz), rate_mhz_(0) {
  const double mhz = rate_hz * 1000.0;
  if (std::fabs(mhz - std::round(mhz)) < 1e-9 * mhz) rate_mhz_ = std::llround(mhz);
}

int64_t RowSchedule::offset_ns(uint64_t index) const {
  if (rate_mhz_ > 0) {
    const Int128 scaled = static_cast<Int128>(index) * 1'000'000'000'000LL;
    return static_cast<int64_t>((scaled + rate_mhz_ / 2) / rate_mhz_);
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
