// Headroom on the real clock and storage: the CPU share the recorder takes at the field-station
// config, and the highest aggregate sample rate it sustains with zero dropped rows when every
// group of that config runs k times faster (k found by doubling, then bisection, in short
// trials; the best k is then held for 60 s).
#pragma once

#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

void headroom(const std::string& dir, bool quick, Goals& goals);

}  // namespace h5rec::bench
