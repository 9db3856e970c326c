// Named threads for the recorder (sampler per rate group, writer). Wraps std::thread and sets the
// OS thread name so `top -H` and tests can tell recorder threads apart.
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace h5rec::platform {

class Thread {
 public:
  Thread() = default;
  // name is truncated to 15 characters (the Linux limit).
  Thread(std::string name, std::function<void()> body);
  ~Thread();
  Thread(Thread&&) = default;
  Thread& operator=(Thread&&) = default;

  void join();

 private:
  std::thread thread_;
};

}  // namespace h5rec::platform
