#include "platform/thread.hpp"

#include <pthread.h>
#include <sys/prctl.h>

namespace h5rec::platform {

Thread::Thread(std::string name, std::function<void()> body, ThreadTiming timing)
    : thread_([name = std::move(name), body = std::move(body), timing] {
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        if (timing == ThreadTiming::kSampling) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        body();
      }) {}

Thread::~Thread() { join(); }

void Thread::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace h5rec::platform
