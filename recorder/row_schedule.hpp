// When row i of a rate group is due: offset_ns(i) after the recording's start, exactly
// i * 1e9 / rate_hz rounded to the nearest ns (halves up), computed in integers so that every
// architecture gets the same nanosecond and an hour at 10 kHz has no drift: for rates that are
// whole millihertz with the rate in mHz, for others with the rate as the exact binary double.
#pragma once

#include <cstdint>

namespace h5rec {

class RowSchedule {
 public:
  explicit RowSchedule(double rate_hz);
  int64_t offset_ns(uint64_t index) const;
  // The first row whose offset is >= offset (how many rows are due before it).
  uint64_t rows_before(int64_t offset) const;
  double rate_hz() const { return rate_hz_; }

 private:
  double rate_hz_;
  int64_t rate_mhz_;  // rate in millihertz when exact, else 0
};

}  // namespace h5rec
