#include "tools/time_step_check.hpp"

#include <cmath>
#include <cstdio>

namespace h5rec::tools {

TimeStepCheck::TimeStepCheck(std::string dataset, double rate_hz)
    : dataset_(std::move(dataset)),
      period_ns_(std::isfinite(rate_hz) && rate_hz > 0 ? 1e9 / rate_hz : 0.0) {}

void TimeStepCheck::feed(std::span<const int64_t> times, uint64_t first_row, FileReport& report) {
  for (size_t i = 0; i < times.size(); ++i) {
    if (rows_ == 0) {
      first_ns_ = last_ns_ = times[i];
    } else if (restarted_) {
      restarted_ = false;
      last_ns_ = times[i];
    } else {
      step(last_ns_, times[i], first_row + i, report);
      last_ns_ = times[i];
    }
    ++rows_;
  }
}

void TimeStepCheck::step(int64_t previous, int64_t now, uint64_t row, FileReport& report) {
  char text[200];
  if (now <= previous) {
    std::snprintf(text, sizeof text,
                  "not strictly increasing: row %llu is %lld ns, row %llu was %lld ns",
                  static_cast<unsigned long long>(row), static_cast<long long>(now),
                  static_cast<unsigned long long>(row - 1), static_cast<long long>(previous));
    report.add({"time", dataset_, row - 1, row + 1, 1, text});
    return;
  }
  if (period_ns_ == 0) return;
  // Exact up to 2^53 ns (104 days); beyond that a step is off schedule by far more anyway.
  const double dt = ns_between(previous, now);
  const double periods = std::round(dt / period_ns_);
  const double off = std::fabs(dt - periods * period_ns_);
  if (periods < 1 || off > kToleranceNs + kRelativeTolerance * dt) {
    std::snprintf(text, sizeof text,
                  "step from row %llu to row %llu is %.0f ns, %.6g periods of %.9g ns: not on "
                  "the group's schedule",
                  static_cast<unsigned long long>(row - 1), static_cast<unsigned long long>(row),
                  dt, dt / period_ns_, period_ns_);
    report.add({"rate", dataset_, row - 1, row + 1, 1, text});
    return;
  }
  missing_rows_ += static_cast<uint64_t>(periods) - 1;
}

}  // namespace h5rec::tools
