// Latency on the real clock and storage: how long a producer's push into the ring takes while
// the writer checkpoints and rotates segments, and how late the posix sampler reads its sensors
// at 1 kHz and 10 kHz (its schedule's jitter) with the writer running.
#pragma once

#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

void latency(const std::string& dir, bool quick, Goals& goals);

}  // namespace h5rec::bench
