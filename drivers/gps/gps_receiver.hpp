// One GPS receiver on one serial port, shared by the channels that record its fields (one channel
// per field). It owns the port and one reader thread, the only thread a sensor starts: the thread
// waits with poll() for bytes (or for the wake-up that stops it), cuts them into lines, checks and
// parses them, and publishes what they said as a GpsSnapshot. Channels copy fields out of the
// latest snapshot under a mutex held only for the copy, so they never wait for the port.
//
// The port is opened and the thread started by the first channel's open(), and stopped when the
// last open channel closes (or the receiver is destroyed). An error, end of file or hang-up on the
// port ends the thread and marks the receiver failed: channels then report kDeviceError, the
// recorder's reopener closes them, and the next open() opens the port again.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "base/error.hpp"
#include "drivers/gps/gps_snapshot.hpp"
#include "drivers/gps/nmea_line_splitter.hpp"
#include "drivers/gps/serial_port.hpp"
#include "platform/posix/unique_fd.hpp"
#include "platform/thread.hpp"

namespace h5rec::platform {

class GpsReceiver {
 public:
  // path: the serial port's device node; group: the rate group whose sampler reads the channels
  // (all channels of one port must be in one group: open and close are not thread-safe).
  GpsReceiver(std::string path, int baud, std::string group)
      : path_(std::move(path)), baud_(baud), group_(std::move(group)) {}
  ~GpsReceiver();
  GpsReceiver(const GpsReceiver&) = delete;
  GpsReceiver& operator=(const GpsReceiver&) = delete;

  const std::string& path() const { return path_; }
  int baud() const { return baud_; }
  const std::string& group() const { return group_; }

  // A channel starts using the receiver: opens the port and starts the reader thread unless they
  // run and have not failed. Called by one thread at a time (the recorder's at start-up, then its
  // reopener thread, never while the sampler reads a channel: the channels report the receiver
  // as their device key, recorder/device_handoff.hpp). The error names the port.
  Status open_channel();
  // A channel that open_channel() succeeded for stops using it; the last one stops the thread.
  void close_channel();

  // Any thread. True once the port reported an error, end of file or hang-up.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // Any thread: one field of the latest snapshot; never blocks for longer than a copy.
  GpsReading reading(GpsField field) const;
  NmeaRejects rejects() const;

 private:
  Status start();
  void stop();
  void run();  // the reader thread
  // Cuts bytes received at (monotonic_ns, realtime_ns) into lines and applies them to work_.
  void take(const char* bytes, size_t size, int64_t monotonic_ns, int64_t realtime_ns);

  const std::string path_;
  const int baud_;
  const std::string group_;
  int users_ = 0;         // channels open
  bool running_ = false;  // the thread was started and not yet joined
  SerialPort port_;
  UniqueFd wake_;  // eventfd: written to stop the thread
  Thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  // The reader thread's own state.
  NmeaLineSplitter splitter_;
  GpsSnapshot work_;
  // What channels read.
  mutable std::mutex mutex_;
  GpsSnapshot published_;
};

}  // namespace h5rec::platform
