#include "drivers/gps/serial_port.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace h5rec::platform {
namespace {

speed_t speed_for(int baud) {
  switch (baud) {
    case 4800:
      return B4800;
    case 9600:
      return B9600;
    case 19200:
      return B19200;
    case 38400:
      return B38400;
    case 57600:
      return B57600;
    case 115200:
      return B115200;
    default:
      return B0;
  }
}

Error os_error(const std::string& what, const std::string& path, int err) {
  return Error{what + " '" + path + "': " + std::strerror(err), err};
}

}  // namespace

bool SerialPort::is_supported_baud(int baud) { return speed_for(baud) != B0; }

Status SerialPort::open(const std::string& path, int baud) {
  fd_.reset();
  const speed_t speed = speed_for(baud);
  if (speed == B0) {
    return Error{"serial port '" + path + "': unsupported baud rate " + std::to_string(baud)};
  }
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return os_error("cannot open serial port", path, errno);
  termios tio{};
  if (::tcgetattr(fd.get(), &tio) != 0) {
    return os_error("cannot read the terminal settings of serial port", path, errno);
  }
  ::cfmakeraw(&tio);  // no echo, no canonical mode, no signals, no CR/LF mapping, 8 bits
  tio.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // VMIN 1: with O_NONBLOCK an empty port answers EAGAIN and 0 means end of file (hang-up);
  // VMIN 0 would answer 0 for "nothing yet".
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::cfsetispeed(&tio, speed) != 0 || ::cfsetospeed(&tio, speed) != 0 ||
      ::tcsetattr(fd.get(), TCSANOW, &tio) != 0) {
    return os_error("cannot configure serial port", path, errno);
  }
  fd_ = std::move(fd);
  return {};
}

SerialRead SerialPort::read_some(char* buffer, size_t size, size_t& bytes_read) {
  ssize_t n;
  do {
    n = ::read(fd_.get(), buffer, size);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    bytes_read = static_cast<size_t>(n);
    return SerialRead::kData;
  }
  if (n == 0) return SerialRead::kClosed;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return SerialRead::kNothing;
  last_errno_ = errno;
  return SerialRead::kError;
}

}  // namespace h5rec::platform
