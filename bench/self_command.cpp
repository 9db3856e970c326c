#include "bench/self_command.hpp"

#include <unistd.h>

#include <cstdlib>

namespace h5rec::bench {

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "h5rec-bench";
}

std::string self_command() {
  const char* emulator = std::getenv("H5REC_EMULATOR");
  return emulator != nullptr && *emulator != '\0' ? std::string(emulator) + " " + self_path()
                                                  : self_path();
}

}  // namespace h5rec::bench
