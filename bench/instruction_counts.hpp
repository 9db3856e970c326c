// Cost per sample in instructions, counted by valgrind's callgrind (unlike timings, the same on
// every run): the recorder end to end (counter sensors, virtual clock) per row and per value, and
// Logger::log() per call. Each figure is marginal: two runs of this program of different lengths
// (`--loop KIND --calls N`), the difference in instructions over the difference in rows or calls,
// so start-up and close cancel out; the recorder's and the logger's own threads are included.
#pragma once

#include <cstdint>
#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

void instruction_counts(const std::string& dir, bool quick, bool emulated, Goals& goals);

// The measured run of `--loop recorder --calls ROWS`: ROWS rows of a 1 kHz group of 16 counter
// channels on the virtual clock. Returns the exit code.
int recorder_loop(const std::string& dir, uint64_t rows);

}  // namespace h5rec::bench
