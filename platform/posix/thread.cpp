#include "platform/thread.hpp"

#include <pthread.h>
#include <sys/prctl.h>

#include <thread>

namespace h5rec::platform {

struct Thread::Running {
  std::thread thread;
};

Thread::Thread(std::string name, std::function<void()> body, ThreadTiming timing)
    : running_(std::make_unique<Running>(
          std::thread([name = std::move(name), body = std::move(body), timing] {
            pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
            if (timing == ThreadTiming::kSampling) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
            body();
          }))) {}

Thread::Thread() noexcept = default;
Thread::~Thread() { join(); }
Thread::Thread(Thread&&) noexcept = default;
Thread& Thread::operator=(Thread&&) noexcept = default;

void Thread::join() {
  if (running_ && running_->thread.joinable()) running_->thread.join();
}

}  // namespace h5rec::platform
