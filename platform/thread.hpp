// Named threads for the recorder (sampler per rate group, writer). Wraps std::thread (in
// platform/posix/thread.cpp) and sets the OS thread name so `top -H` and tests can tell recorder
// threads apart.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace h5rec::platform {

// kSampling: the thread's sleeps end on time. Linux otherwise lets a timed sleep of a normal
// thread end up to 50 us late (timer slack) to batch wake-ups: most of a sampler's jitter.
enum class ThreadTiming { kDefault, kSampling };

class Thread {
 public:
  Thread() noexcept;  // not running
  // name is truncated to 15 characters (the Linux limit).
  Thread(std::string name, std::function<void()> body,
         ThreadTiming timing = ThreadTiming::kDefault);
  ~Thread();  // joins
  Thread(Thread&&) noexcept;
  Thread& operator=(Thread&&) noexcept;  // like std::thread's: this one must not be running

  void join();

 private:
  struct Running;  // the std::thread; allocated when the thread starts
  std::unique_ptr<Running> running_;
};

}  // namespace h5rec::platform
