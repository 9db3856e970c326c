#include "platform/sim/sim_gpio_line.hpp"

#include <cerrno>
#include <cmath>

#include "platform/sim/sim_sweep.hpp"

namespace h5rec::platform {

SimGpioLine::SimGpioLine(const GpioLineConfig& config, const SimGpioLineOptions& options)
    : config_(config),
      options_(options),
      name_("gpio chip sim line " + std::to_string(config.offset)) {
  rise_ = period_at(0);
  period_ = period_at(rise_);
}

int64_t SimGpioLine::period_at(int64_t t) const {
  const double f = sim_sweep(options_.frequency_low, options_.frequency_high,
                             static_cast<uint64_t>(t), options_.sweep_ns);
  return static_cast<int64_t>(std::floor(1e9 / f + 0.5));
}

int64_t SimGpioLine::now_ns(const SampleTick& tick) {
  now_ = std::llround(tick.elapsed_s * 1e9);
  return now_;
}

int SimGpioLine::read_events(std::span<GpioEdgeEvent> out) {
  if (options_.fail_at_ns >= 0 && now_ >= options_.fail_at_ns &&
      now_ < options_.fail_at_ns + options_.fail_ns) {
    return -ENODEV;
  }
  size_t moved = 0;
  while (moved < out.size()) {
    const int64_t at = falling_ ? rise_ + period_ / 2 : rise_;
    if (at >= now_) break;
    const bool rising = !falling_;
    if (falling_) {
      rise_ += period_;
      period_ = period_at(rise_);
    }
    falling_ = !falling_;
    if ((rising && config_.edges == GpioEdges::kFalling) ||
        (!rising && config_.edges == GpioEdges::kRising)) {
      continue;
    }
    const uint64_t seqno = ++reported_;
    if (seqno >= options_.lose_from && seqno < options_.lose_from + options_.lose_count) continue;
    out[moved++] = {at, static_cast<uint32_t>(seqno), rising};
  }
  return static_cast<int>(moved);
}

}  // namespace h5rec::platform
