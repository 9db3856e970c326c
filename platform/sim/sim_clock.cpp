#include "platform/sim/sim_clock.hpp"

#include <cassert>
#include <cstdlib>
#include <limits>

namespace h5rec::platform {
namespace {

// The slot of the calling thread in the clock it is attached to.
thread_local void* t_clock = nullptr;
thread_local size_t t_slot = 0;

}  // namespace

void SimClock::attach() {
  std::unique_lock lock(mutex_);
  assert(t_clock == nullptr && "thread already attached to a clock");
  for (size_t i = 0; i < waiters_.size(); ++i) {
    if (!waiters_[i].in_use) {
      waiters_[i].in_use = true;
      waiters_[i].sleeping = false;
      ++attached_;
      t_clock = this;
      t_slot = i;
      return;
    }
  }
  std::abort();  // more than kMaxAttached threads: a programming error
}

void SimClock::detach() {
  std::unique_lock lock(mutex_);
  assert(t_clock == this);
  waiters_[t_slot].in_use = false;
  --attached_;
  t_clock = nullptr;
  advance_if_all_asleep(lock);
}

void SimClock::sleep_until(int64_t deadline_ns) {
  std::unique_lock lock(mutex_);
  if (deadline_ns <= now_ns_.load(std::memory_order_relaxed)) return;
  assert(t_clock == this && "sleep_until on a SimClock needs an attached thread");
  Waiter& me = waiters_[t_slot];
  me.deadline_ns = deadline_ns;
  me.sleeping = true;
  ++sleeping_;
  advance_if_all_asleep(lock);
  me.wake.wait(lock, [&me] { return !me.sleeping; });
}

void SimClock::advance_if_all_asleep(std::unique_lock<std::mutex>& /*held*/) {
  if (attached_ == 0 || sleeping_ != attached_) return;
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const Waiter& w : waiters_) {
    if (w.in_use && w.sleeping && w.deadline_ns < next) next = w.deadline_ns;
  }
  now_ns_.store(next, std::memory_order_release);
  for (Waiter& w : waiters_) {
    if (w.in_use && w.sleeping && w.deadline_ns <= next) {
      w.sleeping = false;
      --sleeping_;
      w.wake.notify_one();
    }
  }
}

}  // namespace h5rec::platform
