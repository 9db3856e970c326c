// The sim platform's GPIO line: a deterministic pulse train whose frequency sweeps, in the time
// of the recording (t = 0 at row 0; now_ns() is the row's scheduled time). Pulse n rises at r_n
// and falls half a period later:
//   f(t)      = sim_sweep(frequency_low, frequency_high, t, sweep_ns) (platform/sim/sim_sweep.hpp)
//   period(t) = floor(1e9 / f(t) + 0.5) ns
//   r_0 = period(0),  r_{n+1} = r_n + period(r_n),  fall_n = r_n + period(r_n) / 2 (integer /)
// Only the configured edges are reported, numbered 1, 2, 3 ... (seqno) like the kernel's; edges
// not yet reached (timestamp >= now) stay pending.
// Faults: the edges numbered lose_from .. lose_from + lose_count - 1 are dropped (a gap in
// seqno, as when the kernel's buffer overflows); while now is in [fail_at_ns, fail_at_ns +
// fail_ns) reads fail with ENODEV (the chip went away).
#pragma once

#include "platform/gpio_line.hpp"

namespace h5rec::platform {

struct SimGpioLineOptions {
  double frequency_low = 1.0;          // Hz, > 0
  double frequency_high = 100.0;       // Hz, > 0
  uint64_t sweep_ns = 10'000'000'000;  // sweep period, > 0
  uint64_t lose_from = 0;              // 0: no edge is lost
  uint64_t lose_count = 0;
  int64_t fail_at_ns = -1;  // < 0: never fails
  int64_t fail_ns = 0;
};

class SimGpioLine final : public GpioLine {
 public:
  SimGpioLine(const GpioLineConfig& config, const SimGpioLineOptions& options);

  Status open() override { return {}; }
  void close() override {}
  int64_t now_ns(const SampleTick& tick) override;
  int read_events(std::span<GpioEdgeEvent> out) override;
  const std::string& name() const override { return name_; }

 private:
  int64_t period_at(int64_t t) const;

  GpioLineConfig config_;
  SimGpioLineOptions options_;
  std::string name_;
  int64_t now_ = 0;
  // The next edge: of pulse `rise_`'s rising edge (falling_ false) or its falling edge.
  int64_t rise_ = 0;
  int64_t period_ = 0;
  bool falling_ = false;
  uint64_t reported_ = 0;  // edges of the configured kind passed so far (the last seqno)
};

}  // namespace h5rec::platform
