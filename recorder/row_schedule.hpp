// When row i of a rate group is due: offset_ns(i) after the recording's start, exactly
// i * 1e9 / rate_hz rounded to the nearest ns (computed in integers for rates that are whole
// millihertz, so an hour at 10 kHz has no drift).
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
