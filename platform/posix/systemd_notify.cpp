#include "platform/posix/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "platform/posix/posix_clock.hpp"

namespace h5rec::platform {

SystemdNotifier SystemdNotifier::from_environment() {
  SystemdNotifier n;
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || (socket[0] != '/' && socket[0] != '@') ||
      std::strlen(socket) >= sizeof(sockaddr_un::sun_path)) {
    return n;
  }
  n.socket_path_ = socket;
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool for_us = pid == nullptr || std::strtoll(pid, nullptr, 10) == getpid();
  if (usec != nullptr && for_us) n.watchdog_ns_ = std::strtoll(usec, nullptr, 10) * 1000;
  return n;
}

void SystemdNotifier::alive(const std::string& status) {
  if (!enabled()) return;
  const int64_t now = PosixClock().monotonic_ns();  // systemd's watchdog runs on real time
  if (!ready_sent_) {
    ready_sent_ = send("READY=1\nSTATUS=" + status);
    last_ping_ns_ = now;
    return;
  }
  if (watchdog_ns_ > 0 && now - last_ping_ns_ >= watchdog_ns_ / 2) {
    send("WATCHDOG=1");
    last_ping_ns_ = now;
  }
}

void SystemdNotifier::stopping() {
  if (enabled()) send("STOPPING=1");
}

bool SystemdNotifier::send(const std::string& message) const {
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  const bool sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                           reinterpret_cast<const sockaddr*>(&addr),
                           length) == static_cast<ssize_t>(message.size());
  close(fd);
  return sent;
}

}  // namespace h5rec::platform
