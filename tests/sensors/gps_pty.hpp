// A pseudo-terminal standing in for a GPS receiver's serial port: the test holds the master and
// writes sentences into it; the sensor opens the slave by its path (/dev/pts/N).
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace h5rec::testing {

class GpsPty {
 public:
  GpsPty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) std::abort();
    const char* name = ::ptsname(master_);
    if (name == nullptr) std::abort();
    slave_path_ = name;
    // The test's own slave fd: keeps the terminal's settings and input while the sensor's port is
    // closed, and lets the test look at the settings the sensor made.
    slave_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_ < 0) std::abort();
  }
  ~GpsPty() {
    close_master();
    ::close(slave_);
  }
  GpsPty(const GpsPty&) = delete;
  GpsPty& operator=(const GpsPty&) = delete;

  const std::string& slave_path() const { return slave_path_; }
  int slave() const { return slave_; }

  void write(const std::string& bytes) const {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
  }
  // The receiver hangs up (a USB adapter unplugged).
  void close_master() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string slave_path_;
};

}  // namespace h5rec::testing
