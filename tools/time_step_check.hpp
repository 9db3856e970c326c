// The `time` check of `h5rec verify`: a group's time column (int64 ns UTC) must be strictly
// increasing, and, where the recorder's schedule made it (row i at start + i * 1e9 / rate_hz,
// rounded to the nearest ns: recorder/row_schedule.hpp), every step must be a whole number of
// periods. A step of k periods means k - 1 rows missing: rows the schedule called for that
// were not stored (dropped, or lost with a given-up segment), which /_status must account for.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "tools/verify_report.hpp"

namespace h5rec::tools {

// to - from in ns as a double, without overflow for any two int64 (ns since 1970 need 61 bits: a
// double of either alone would round them to 256 ns).
inline double ns_between(int64_t from, int64_t to) {
  return to >= from ? static_cast<double>(static_cast<uint64_t>(to) - static_cast<uint64_t>(from))
                    : -static_cast<double>(static_cast<uint64_t>(from) - static_cast<uint64_t>(to));
}

class TimeStepCheck {
 public:
  // rate_hz <= 0 (or not finite): order only.
  TimeStepCheck(std::string dataset, double rate_hz);

  // The next rows of the column, starting at row first_row; call in row order. Faults are added
  // to the report (check "time" for order, "rate" for steps off the period).
  void feed(std::span<const int64_t> times, uint64_t first_row, FileReport& report);

  // Rows between the last fed and the next could not be read: the next step is not checked.
  void restart() { restarted_ = true; }

  bool empty() const { return rows_ == 0; }
  int64_t first_ns() const { return first_ns_; }
  int64_t last_ns() const { return last_ns_; }
  uint64_t missing_rows() const { return missing_rows_; }

  // Row times are each rounded to the ns, so a step may be off a whole number of periods by
  // up to 1 ns; a little more, plus a relative term for very long gaps, is still on schedule.
  static constexpr double kToleranceNs = 2.0;
  static constexpr double kRelativeTolerance = 1e-9;

 private:
  void step(int64_t previous, int64_t now, uint64_t row, FileReport& report);

  std::string dataset_;
  double period_ns_;  // 0: order only
  uint64_t rows_ = 0;
  int64_t first_ns_ = 0;
  int64_t last_ns_ = 0;
  uint64_t missing_rows_ = 0;
  bool restarted_ = false;
};

}  // namespace h5rec::tools
