#include "platform/posix/posix_clock.hpp"

#include <cerrno>
#include <ctime>

namespace h5rec::platform {
namespace {

int64_t read_clock(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

}  // namespace

int64_t PosixClock::monotonic_ns() const { return read_clock(CLOCK_MONOTONIC); }
int64_t PosixClock::realtime_ns() const { return read_clock(CLOCK_REALTIME); }

void PosixClock::sleep_until(int64_t deadline_ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(deadline_ns / kNsPerSecond);
  ts.tv_nsec = static_cast<long>(deadline_ns % kNsPerSecond);
  // Absolute deadline: a signal interrupting the sleep does not shift the schedule.
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace h5rec::platform
