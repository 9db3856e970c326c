#include "drivers/gpio/gpio_counter.hpp"

#include <cmath>
#include <limits>

#include "platform/sensor_params.hpp"

namespace h5rec::platform {
namespace {

// The value a text parameter names, from its list of (text, value); false if none.
template <class T, size_t N>
bool choose(const std::string& text, const std::pair<const char*, T> (&choices)[N], T& out) {
  for (const auto& [name, value] : choices) {
    if (text == name) {
      out = value;
      return true;
    }
  }
  return false;
}

constexpr std::pair<const char*, GpioEdges> kEdges[] = {
    {"rising", GpioEdges::kRising}, {"falling", GpioEdges::kFalling}, {"both", GpioEdges::kBoth}};
constexpr std::pair<const char*, GpioBias> kBiases[] = {{"as-is", GpioBias::kAsIs},
                                                        {"pull-up", GpioBias::kPullUp},
                                                        {"pull-down", GpioBias::kPullDown},
                                                        {"disabled", GpioBias::kDisabled}};

}  // namespace

GpioCounter::GpioCounter(std::unique_ptr<GpioLine> line, PulseOutput output, double scale,
                         int64_t period_ns, SensorInfo info)
    : line_(std::move(line)),
      output_(output),
      scale_(scale),
      period_ns_(period_ns),
      info_(std::move(info)) {
  carry_.reserve(kCarryCapacity);
  carry_next_.reserve(kCarryCapacity);
}

Status GpioCounter::open() {
  started_ = false;
  have_seqno_ = false;
  lost_ = lost_next_ = false;
  carry_.clear();
  return line_->open();
}

void GpioCounter::take(int64_t timestamp_ns, int64_t start, int64_t boundary, uint64_t& count) {
  if (timestamp_ns < start) return;
  if (timestamp_ns < boundary) {
    ++count;
  } else if (carry_next_.size() < kCarryCapacity) {
    carry_next_.push_back(timestamp_ns);  // within the reserved capacity: no allocation
  } else {
    lost_next_ = true;
  }
}

ReadResult GpioCounter::read(const SampleTick& tick, std::span<double> out) {
  const int64_t now = line_->now_ns(tick);
  const int64_t offset = std::llround(tick.elapsed_s * 1e9);
  const bool first = !started_;  // no interval yet: this read sets b0
  if (first) {
    started_ = true;
    base_ns_ = now;
    base_offset_ns_ = offset;
  }
  const int64_t boundary = base_ns_ + (offset - base_offset_ns_);
  // The interval this row reports. The kernel hands each edge over once, so a row right after
  // the previous one counts every edge stamped before its boundary, also one stamped before the
  // previous boundary that reached the queue only after the previous read. Nothing before the
  // first instant is counted; after skipped rows, one period.
  const bool consecutive = !first && tick.index == last_index_ + 1;
  const int64_t start = first ? boundary : consecutive ? last_boundary_ : boundary - period_ns_;
  const int64_t count_from = consecutive ? std::numeric_limits<int64_t>::min() : start;

  uint64_t count = 0;
  carry_next_.clear();
  for (const int64_t t : carry_) take(t, count_from, boundary, count);
  GpioEdgeEvent batch[64];
  for (;;) {
    const int n = line_->read_events(batch);
    if (n < 0) return ReadResult::kDeviceError;
    for (int k = 0; k < n; ++k) {
      if (have_seqno_ && batch[k].seqno != next_seqno_) lost_ = true;
      have_seqno_ = true;
      next_seqno_ = batch[k].seqno + 1;
      take(batch[k].timestamp_ns, count_from, boundary, count);
    }
    if (static_cast<size_t>(n) < std::size(batch)) break;
  }
  carry_.swap(carry_next_);
  last_boundary_ = boundary;
  last_index_ = tick.index;
  const bool lost = lost_;
  lost_ = lost_next_;
  lost_next_ = false;

  if (first) {
    for (double& v : out) v = std::numeric_limits<double>::quiet_NaN();
    return ReadResult::kOk;
  }
  if (lost) return ReadResult::kBadValue;
  double value = static_cast<double>(count) * scale_;
  if (output_ == PulseOutput::kFrequency) {
    value = static_cast<double>(count) / (static_cast<double>(boundary - start) * 1e-9) * scale_;
  }
  for (double& v : out) v = value;
  return ReadResult::kOk;
}

Result<std::unique_ptr<Sensor>> make_gpio_counter(const SensorSpec& spec,
                                                  const GpioLineChooser& choose_line) {
  SensorParams p(spec);
  const std::string chip = p.text("chip", "");
  const double line = p.number("line", -1);
  const std::string edge = p.text("edge", "rising");
  const std::string bias = p.text("bias", "as-is");
  const double debounce_us = p.number("debounce_us", 0);
  const std::string output = p.text("output", "count");
  const bool scaled = p.has("scale");
  const double scale = p.number("scale", 1.0);
  const bool frequency = output == "frequency";
  const std::string units = p.text("units", scaled ? "" : frequency ? "Hz" : "1");
  if (chip.empty()) {
    return p.error("chip",
                   "needs the GPIO chip: \"gpiochip0\" (under dev_root), a path, or \"sim\"");
  }
  if (!(line >= 0 && line < 65536 && line == std::floor(line))) {
    return p.error("line", "needs the line's offset on the chip, a whole number >= 0");
  }
  GpioLineConfig config;
  config.offset = static_cast<uint32_t>(line);
  if (!choose(edge, kEdges, config.edges)) {
    return p.error("edge", "must be \"rising\", \"falling\" or \"both\"");
  }
  if (!choose(bias, kBiases, config.bias)) {
    return p.error("bias", "must be \"as-is\", \"pull-up\", \"pull-down\" or \"disabled\"");
  }
  if (!(debounce_us >= 0 && debounce_us <= 1e7 && debounce_us == std::floor(debounce_us))) {
    return p.error("debounce_us", "must be a whole number of microseconds, 0 .. 10000000");
  }
  config.debounce_us = static_cast<uint32_t>(debounce_us);
  if (output != "count" && !frequency)
    return p.error("output", "must be \"count\" or \"frequency\"");
  if (!std::isfinite(scale) || scale == 0)
    return p.error("scale", "must be a finite number, not 0");

  auto chosen = choose_line(spec, chip, p);
  if (!chosen) return chosen.error();
  if (Status st = p.check_all_known(); !st) return st.error();

  const std::string& path = chosen.value().path;
  std::unique_ptr<GpioLine> gpio = chosen.value().make(config);
  SensorInfo info;
  info.units = units;
  info.numbers = {{"line", config.offset}, {"debounce_us", config.debounce_us}, {"scale", scale}};
  info.texts = {{"chip", path}, {"edge", edge}, {"bias", bias}, {"output", output}};
  const int64_t period_ns = std::llround(1e9 / spec.rate_hz);
  return std::unique_ptr<Sensor>(std::make_unique<GpioCounter>(
      std::move(gpio), frequency ? PulseOutput::kFrequency : PulseOutput::kCount, scale, period_ns,
      std::move(info)));
}

}  // namespace h5rec::platform
