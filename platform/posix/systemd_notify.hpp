// The service manager's notification protocol (sd_notify(3)) without libsystemd: datagrams to
// the socket named by $NOTIFY_SOCKET. Under systemd with Type=notify the recorder reports
// READY=1 once it records, WATCHDOG=1 while its writer makes progress (WatchdogSec= in the
// unit; $WATCHDOG_USEC), and STOPPING=1 when it begins to stop (the final checkpoint and close
// follow). Outside systemd it does nothing.
#pragma once

#include <cstdint>
#include <string>

namespace h5rec::platform {

class SystemdNotifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID (the watchdog is for this process
  // only when the PID matches or is absent).
  static SystemdNotifier from_environment();

  bool enabled() const { return !socket_path_.empty(); }
  // Sends READY=1 with a STATUS= line the first time, then WATCHDOG=1 at most every half
  // watchdog interval. Call while the recorder is healthy.
  void alive(const std::string& status);
  void stopping();

 private:
  // Never blocks: a supervisor that does not read must not stall the recorder.
  bool send(const std::string& message) const;

  std::string socket_path_;  // '@' first: Linux abstract namespace
  int64_t watchdog_ns_ = 0;  // 0: no watchdog
  bool ready_sent_ = false;
  int64_t last_ping_ns_ = 0;
};

}  // namespace h5rec::platform
