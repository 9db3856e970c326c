// Logger::log() against h5logger's method (per value: extend, write, flush), in C and, as
// h5logger itself runs it, in Python with h5py (bench/h5logger_h5py.py), in the same run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/report.hpp"

namespace h5rec::bench {

// What a logger run logs: one double per call to one name, a std::array<float, 16> per call, or
// doubles to four names in turn (the fast path follows the name last logged).
enum class LoggerLoop { kScalar, kArray16, kFourNames };
std::optional<LoggerLoop> logger_loop_from_name(const std::string& name);

struct LoggerTimes {
  double calls_s = 0;  // the log() calls alone (as the baselines time their calls)
  double total_s = 0;  // also opening the file and the close's final checkpoint (fsync)
};

// Logs `calls` values into a new file (deleted afterwards), or nothing on an error (printed).
std::optional<LoggerTimes> logger_run(const std::string& path, uint64_t calls, LoggerLoop loop);

void logger_rate(const std::string& dir, bool quick, Goals& goals);

}  // namespace h5rec::bench
