// A serial port (a UART such as /dev/ttyS1, a USB adapter such as /dev/ttyUSB0, or a
// pseudo-terminal in tests) set to raw 8N1 at a standard baud rate: no parity, one stop bit, no
// flow control, no echo, no line editing, no CR/LF translation, modem lines ignored (CLOCAL).
// Opened non-blocking and without becoming the process's controlling terminal.
#pragma once

#include <cstddef>
#include <string>

#include "base/error.hpp"
#include "platform/posix/unique_fd.hpp"

namespace h5rec::platform {

enum class SerialRead {
  kData,     // bytes were read
  kNothing,  // no bytes waiting
  kClosed,   // end of file or hang-up: the device went away
  kError,    // the read failed (errno in last_errno())
};

class SerialPort {
 public:
  // True for 4800, 9600, 19200, 38400, 57600 and 115200.
  static bool is_supported_baud(int baud);

  // Opens and configures path; the error names the path, the step that failed and errno's text.
  Status open(const std::string& path, int baud);
  void close() { fd_.reset(); }
  int fd() const { return fd_.get(); }

  // Reads what is waiting, up to size bytes, without blocking; bytes_read is set on kData.
  SerialRead read_some(char* buffer, size_t size, size_t& bytes_read);
  int last_errno() const { return last_errno_; }

 private:
  UniqueFd fd_;
  int last_errno_ = 0;
};

}  // namespace h5rec::platform
