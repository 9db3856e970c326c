// A triangle sweep for simulated devices: `low` at position 0, `high` half way through each
// period, back to `low` at its end. Integer position and period, one double division and the
// IEEE operations below (no libm), so tests recompute the same bits on every architecture:
//   r = position % period;  f = r / period;  tri = f < 0.5 ? 2 f : 2 - 2 f;
//   value = low + (high - low) * tri
#pragma once

#include <cstdint>

namespace h5rec::platform {

double sim_sweep(double low, double high, uint64_t position, uint64_t period);

}  // namespace h5rec::platform
