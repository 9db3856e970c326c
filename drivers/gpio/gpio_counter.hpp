// `sensor = "gpio_counter"`: pulses on a GPIO line (rain gauge, anemometer, flow meter) counted
// per sample interval, as a count or a frequency, optionally scaled (mm of rain per pulse).
//
// Row i's interval is [b(i-1), b(i)), where b(i) = b0 + (scheduled time of row i - scheduled time
// of row r0), b0 being the line's clock (GpioLine::now_ns) at the first read after opening, of
// row r0. Every edge is counted by its kernel timestamp in exactly one interval, however late the
// sampler reads: edges read with row i but stamped at or after b(i) are kept for the next row.
// The row of the first read after (re)opening has no interval yet and stores NaN (not an error).
// After rows the sampler skipped, the interval is the one period before b(i).
// A gap in the edges' sequence numbers (the kernel dropped edges: more than its buffer holds
// between two rows) makes the row kBadValue, and so do more edges stamped after a row's instant
// than one read can keep for the next (kCarryCapacity: that next row); a failed read, kDeviceError.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/gpio_line.hpp"
#include "platform/sensor.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {

enum class PulseOutput { kCount, kFrequency };

class GpioCounter final : public Sensor {
 public:
  // `period_ns`: the group's sample period; `scale` multiplies the count or frequency.
  GpioCounter(std::unique_ptr<GpioLine> line, PulseOutput output, double scale, int64_t period_ns,
              SensorInfo info);

  Status open() override;
  void close() override { line_->close(); }
  ReadResult read(const SampleTick& tick, std::span<double> out) override;
  SensorInfo info() const override { return info_; }

  // Edges stamped after the row's instant that one read can hold for the next row.
  static constexpr size_t kCarryCapacity = 4096;

 private:
  // Sorts one edge: before `start` dropped, in [start, boundary) counted, later carried.
  void take(int64_t timestamp_ns, int64_t start, int64_t boundary, uint64_t& count);

  std::unique_ptr<GpioLine> line_;
  PulseOutput output_;
  double scale_;
  int64_t period_ns_;
  SensorInfo info_;
  bool started_ = false;        // a read since open() set the base
  int64_t base_ns_ = 0;         // b0, line clock
  int64_t base_offset_ns_ = 0;  // scheduled time of row r0
  int64_t last_boundary_ = 0;
  uint64_t last_index_ = 0;
  bool have_seqno_ = false;
  uint32_t next_seqno_ = 0;
  bool lost_ = false;           // edges of this row may be missing
  bool lost_next_ = false;      // edges of the next row are missing (the carry was full)
  std::vector<int64_t> carry_;  // capacity kCarryCapacity, reserved at construction
  std::vector<int64_t> carry_next_;
};

// Builds the sensor from its config: params in config/README.md.
// The line a counter reads, as the board chose it from the channel's `chip` text.
struct GpioLineChoice {
  std::string path;  // the chip, as the sensor's attributes name it: its device path, or "sim"
  std::function<std::unique_ptr<GpioLine>(const GpioLineConfig&)> make;  // called once
};
// Picks the line for `chip` (never empty): a device under spec.dev_root, a path, or "sim". Reads
// the line's own parameters (a simulated line's sim_*) from `p`; the driver then refuses the
// keys nobody read. An error names the key.
using GpioLineChooser = std::function<Result<GpioLineChoice>(
    const SensorSpec& spec, const std::string& chip, SensorParams& p)>;

// The counter of one channel, on the line `choose_line` gives.
Result<std::unique_ptr<Sensor>> make_gpio_counter(const SensorSpec& spec,
                                                  const GpioLineChooser& choose_line);

}  // namespace h5rec::platform
