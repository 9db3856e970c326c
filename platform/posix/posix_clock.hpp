// Real clocks of a Linux board: CLOCK_MONOTONIC for schedules, CLOCK_REALTIME for timestamps.
#pragma once

#include "platform/clock.hpp"

namespace h5rec::platform {

class PosixClock final : public Clock {
 public:
  int64_t monotonic_ns() const override;
  int64_t realtime_ns() const override;
  void sleep_until(int64_t deadline_ns) override;
  void attach() override {}
  void detach() override {}
  bool is_virtual() const override { return false; }
};

}  // namespace h5rec::platform
