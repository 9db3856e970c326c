// Memory and storage wear over a long recording of the field-station config
// (config/examples/field-station.toml) on the virtual clock: real files, through the sim storage,
// which counts every byte and fsync that reaches the disk. Each recording runs in a child process
// (`h5rec-bench --run field-station --seconds S [--plain]`) so the resident memory it reports is
// the recorder's alone.
#pragma once

#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

// An hour (--quick: 5 minutes) with crash safety on, and 10 minutes (1) with it off. Under
// emulation the resident memory is qemu's: reported, not judged.
void simulated_hour(const std::string& dir, bool quick, bool emulated, Goals& goals);

// The child's body: records `seconds` of virtual time and prints "key value" lines. Returns the
// exit code.
int field_station_run(const std::string& dir, double seconds, bool crash_safe);

}  // namespace h5rec::bench
