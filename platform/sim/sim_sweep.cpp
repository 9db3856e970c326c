#include "platform/sim/sim_sweep.hpp"

namespace h5rec::platform {

double sim_sweep(double low, double high, uint64_t position, uint64_t period) {
  const double f = static_cast<double>(position % period) / static_cast<double>(period);
  const double tri = f < 0.5 ? 2.0 * f : 2.0 - 2.0 * f;
  return low + (high - low) * tri;
}

}  // namespace h5rec::platform
