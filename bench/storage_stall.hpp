// An SD card that stops answering for a second: the field-station config recorded for 60 s on the
// virtual clock while the sim storage stalls one write for 1 s and, later, one fsync for 1 s.
// The samplers must not notice: zero dropped rows, every row due stored.
#pragma once

#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

void storage_stall(const std::string& dir, Goals& goals);

}  // namespace h5rec::bench
