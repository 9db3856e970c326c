#include "drivers/gps/gps_receiver.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/path.hpp"

namespace h5rec::platform {
namespace {

constexpr int kPollTimeoutMs = 500;  // the thread also looks at stop_ this often

int64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

GpsReceiver::~GpsReceiver() {
  if (running_) stop();
}

Status GpsReceiver::open_channel() {
  if (running_ && failed()) stop();
  if (!running_) {
    if (Status s = start(); !s) return s;
  }
  ++users_;
  return {};
}

void GpsReceiver::close_channel() {
  if (users_ > 0 && --users_ == 0 && running_) stop();
}

GpsReading GpsReceiver::reading(GpsField field) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return published_.reading(field);
}

NmeaRejects GpsReceiver::rejects() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return published_.rejects();
}

Status GpsReceiver::start() {
  if (!wake_.valid()) {
    wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_.valid()) {
      const int err = errno;
      return Error{"GPS on '" + path_ + "': cannot make an eventfd: " + std::strerror(err), err};
    }
  }
  if (Status s = port_.open(path_, baud_); !s) return s;
  stop_.store(false);
  failed_.store(false, std::memory_order_release);
  splitter_.restart();
  work_ = GpsSnapshot{};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    published_ = work_;
  }
  thread_ = Thread("gps " + file_name_of(path_), [this] { run(); });
  running_ = true;
  return {};
}

void GpsReceiver::stop() {
  stop_.store(true);
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t w = ::write(wake_.get(), &one, sizeof one);
  thread_.join();
  uint64_t drained = 0;
  [[maybe_unused]] const ssize_t r = ::read(wake_.get(), &drained, sizeof drained);
  port_.close();
  running_ = false;
}

void GpsReceiver::take(const char* bytes, size_t size, int64_t monotonic_ns, int64_t realtime_ns) {
  NmeaSentence sentence;
  for (size_t i = 0; i < size; ++i) {
    const NmeaLineEvent event = splitter_.push(bytes[i]);
    if (event == NmeaLineEvent::kLine) {
      const NmeaParseResult result = parse_nmea_sentence(splitter_.line(), sentence);
      work_.apply(result, sentence, monotonic_ns, realtime_ns);
    } else {
      work_.count_dropped_line(event, monotonic_ns);
    }
  }
}

void GpsReceiver::run() {
  char buffer[512];
  while (!stop_.load()) {
    pollfd fds[2] = {{port_.fd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    const int ready = ::poll(fds, 2, kPollTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[0].revents & (POLLERR | POLLNVAL)) != 0) break;
    if (fds[1].revents != 0) return;  // stop() woke us
    if (fds[0].revents == 0) continue;
    // Take all that is waiting, even after a hang-up: the last sentences before it count.
    bool device_gone = false;
    while (!device_gone && !stop_.load()) {
      size_t n = 0;
      const SerialRead result = port_.read_some(buffer, sizeof buffer, n);
      if (result != SerialRead::kData) {
        device_gone = result != SerialRead::kNothing || (fds[0].revents & POLLHUP) != 0;
        break;
      }
      take(buffer, n, now_ns(CLOCK_MONOTONIC), now_ns(CLOCK_REALTIME));
      std::lock_guard<std::mutex> lock(mutex_);
      published_ = work_;
    }
    if (device_gone) break;
  }
  if (!stop_.load()) failed_.store(true, std::memory_order_release);
}

}  // namespace h5rec::platform
