// GPIO seam: one input line watched for edges, with the kernel's timestamp of each edge (the GPIO
// character device on boards, a deterministic pulse train in the sim platform). Pulse counters
// (drivers/gpio/gpio_counter.hpp) count the edges into sample intervals by their timestamps.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/error.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

enum class GpioEdges { kRising, kFalling, kBoth };
enum class GpioBias { kAsIs, kPullUp, kPullDown, kDisabled };

struct GpioLineConfig {
  uint32_t offset = 0;  // line number on the chip
  GpioEdges edges = GpioEdges::kRising;
  GpioBias bias = GpioBias::kAsIs;
  uint32_t debounce_us = 0;  // 0: none; else edges must be stable this long (done by the kernel)
};

struct GpioEdgeEvent {
  int64_t timestamp_ns = 0;  // in the clock of GpioLine::now_ns
  uint32_t seqno = 0;        // 1, 2, 3 ... per request: a gap means the kernel dropped edges
  bool rising = true;
};

class GpioLine {
 public:
  virtual ~GpioLine() = default;
  // Requests the line as an input with edge detection; a failure names the chip, the line and
  // the reason. Edge sequence numbers start again at 1.
  virtual Status open() = 0;
  virtual void close() = 0;
  // Now, in the clock of the edges' timestamps, for the row `tick` being taken (boards:
  // CLOCK_MONOTONIC, read now; sim: the row's scheduled time).
  virtual int64_t now_ns(const SampleTick& tick) = 0;
  // Moves up to out.size() edges seen so far into `out`, oldest first, without blocking. Returns
  // how many (0: none waiting) or -errno (-ENODEV: the chip went away). No allocation.
  virtual int read_events(std::span<GpioEdgeEvent> out) = 0;
  // What error messages call the line: "gpio chip /dev/gpiochip0 line 17".
  virtual const std::string& name() const = 0;
};

}  // namespace h5rec::platform
