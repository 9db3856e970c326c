// Ingest throughput: rows/s and MB/s the writer path sustains with 1, 16 and 256 channels and
// chunks of 4 KiB, 64 KiB and 1 MiB, crash safety on and off, against the baselines of
// bench/baselines.hpp written in the same run to the same directory. Every run is a child
// process of its own; ratios divide a baseline's fastest run by h5rec's median one.
#pragma once

#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

// --quick: one case (16 channels, 64 KiB), 16 MiB, once.
void ingest_throughput(const std::string& dir, bool quick, Goals& goals);

// The child's body (`--run ingest:CONTESTANT:CHANNELS:CHUNK_BYTES:ROWS:BUDGET_S`): one run of
// raw, safe, plain, per-chunk or per-sample; prints "rows seconds". Returns the exit code.
int ingest_run(const std::string& dir, const std::string& spec);

}  // namespace h5rec::bench
