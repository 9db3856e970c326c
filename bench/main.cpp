// h5rec-bench: h5rec's performance against baselines measured in the same run, reported as
// ratios (timings on a shared machine drift; ratios and instruction counts do not).
//
//   h5rec-bench [--quick] [--dir DIR] [--instructions] [--emulated]
//
// Baselines: h5logger's method (per value: resize, write, flush) in Python with h5py, as
// h5logger runs it, and the same method in C (bench/h5logger_method.cpp).
//
// Prints a table and one line per goal: "PASS|FAIL <goal> <measured> <target>"; exits 1 if a
// goal fails. --quick (seconds; run by ctest) uses fewer calls. --instructions also counts
// instructions per log() call under valgrind's callgrind: the difference between two runs of
// different lengths divided by the difference in calls, so start-up and close cancel out.
// --emulated (a cross build's ctest, under qemu-user) runs everything but judges no goal: the
// Python baseline runs natively there, the code under test emulated.
#include <hdf5.h>
#include <stdio.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <h5rec/logger.hpp>
#include <optional>
#include <string>

#include "bench/crash_safety_cost.hpp"
#include "bench/h5logger_method.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Logs `calls` values to a fresh file; `array16` logs 16-float arrays instead of doubles.
// Returns the seconds taken including close (the final checkpoint), or nothing on error.
std::optional<double> logger_run(const std::string& path, uint64_t calls, bool array16) {
  const auto start = Clock::now();
  h5rec::Logger::Options options;
  options.replace_if_exists = true;
  h5rec::Logger logger(path, options);
  if (!logger.is_open()) {
    std::fprintf(stderr, "%s\n", logger.open_status().message().c_str());
    return std::nullopt;
  }
  std::array<float, 16> values{};
  for (uint64_t i = 0; i < calls; ++i) {
    values[i % 16] = static_cast<float>(i);
    auto status = array16 ? logger.log("array", values) : logger.log("number", static_cast<double>(i));
    if (!status) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return std::nullopt;
    }
  }
  if (auto status = logger.close(); !status) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return std::nullopt;
  }
  return seconds_since(start);
}

// Calls per second of h5logger's method in Python (h5py), or nothing without Python and h5py.
std::optional<double> h5py_rate(const std::string& path, uint64_t calls) {
  const std::string command = "/usr/bin/python3 " H5REC_SOURCE_DIR "/bench/h5logger_h5py.py " +
                              path + " " + std::to_string(calls);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  char line[64] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = pclose(pipe);
  std::remove(path.c_str());
  if (!got || status != 0) return std::nullopt;
  return std::atof(line);
}

// Total instructions of `self --loop KIND --calls N` under callgrind, or nothing.
std::optional<double> callgrind_total(const std::string& self, const std::string& dir,
                                      const char* kind, uint64_t calls) {
  const std::string out = dir + "/callgrind." + kind + "." + std::to_string(calls);
  const std::string command = "valgrind --tool=callgrind --callgrind-out-file=" + out + " " +
                              self + " --dir " + dir + " --loop " + kind + " --calls " +
                              std::to_string(calls) + " > /dev/null 2>&1";
  if (std::system(command.c_str()) != 0) return std::nullopt;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("summary:", 0) == 0) {
      std::remove(out.c_str());
      return std::stod(line.substr(8));
    }
  }
  return std::nullopt;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "h5rec-bench";
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, instructions = false, emulated = false;
  std::string dir = "/tmp", loop;
  uint64_t loop_calls = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--instructions") instructions = true;
    else if (a == "--emulated") emulated = true;
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--loop" && i + 1 < argc) loop = argv[++i];
    else if (a == "--calls" && i + 1 < argc) loop_calls = std::stoull(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: h5rec-bench [--quick] [--dir DIR] [--instructions] [--emulated]\n");
      return 64;
    }
  }
  if (!loop.empty()) {  // one measured loop, for callgrind
    return logger_run(dir + "/bench-loop.h5", loop_calls, loop == "array16") ? 0 : 1;
  }

  const uint64_t base_calls = quick ? 2000 : 20000;
  const uint64_t h5py_calls = quick ? 1000 : 10000;
  const uint64_t scalar_calls = quick ? 5'000'000 : 50'000'000;
  const uint64_t array_calls = quick ? 1'000'000 : 10'000'000;

  const auto h5py = h5py_rate(dir + "/bench-h5py.h5", h5py_calls);
  const auto base_start = Clock::now();
  if (!h5rec::bench::h5logger_method(dir + "/bench-h5logger.h5", base_calls)) return 1;
  const double base_rate = static_cast<double>(base_calls) / seconds_since(base_start);
  const auto scalar_s = logger_run(dir + "/bench-scalar.h5", scalar_calls, false);
  const auto array_s = logger_run(dir + "/bench-array16.h5", array_calls, true);
  for (const char* f : {"/bench-h5logger.h5", "/bench-scalar.h5", "/bench-array16.h5"}) {
    std::remove((dir + f).c_str());
  }
  if (!scalar_s || !array_s) return 1;
  const double scalar_rate = static_cast<double>(scalar_calls) / *scalar_s;
  const double array_rate = static_cast<double>(array_calls) / *array_s;

  std::printf("h5rec-bench%s, files in %s, HDF5 %d.%d.%d\n", quick ? " --quick" : "", dir.c_str(),
              H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);
  // Ratios against the C baseline, and against h5logger's own method in Python when measured.
  const double h5py_base = h5py.value_or(0.0);
  std::printf("%-52s %14s %12s %12s\n", "case", "calls/s", "vs C method", "vs h5py");
  const auto row = [&](const char* name, double rate) {
    if (h5py_base > 0) {
      std::printf("%-52s %14.0f %12.1f %12.0f\n", name, rate, rate / base_rate, rate / h5py_base);
    } else {
      std::printf("%-52s %14.0f %12.1f %12s\n", name, rate, rate / base_rate, "-");
    }
  };
  if (h5py_base > 0) row("h5logger method in Python: h5py resize+write+flush", h5py_base);
  row("h5logger method in C: extend+write+flush per call", base_rate);
  row("Logger::log(name, double), incl. close", scalar_rate);
  row("Logger::log(name, array<float,16>), incl. close", array_rate);

  if (instructions) {
    const std::string self = self_path();
    for (const char* kind : {"scalar", "array16"}) {
      const auto small = callgrind_total(self, dir, kind, 200'000);
      const auto large = callgrind_total(self, dir, kind, 1'200'000);
      if (!small || !large) {
        std::printf("instructions per call (%s): valgrind not available or failed\n", kind);
        continue;
      }
      std::printf("instructions per Logger::log call (%s, callgrind, marginal): %.1f\n", kind,
                  (*large - *small) / 1'000'000.0);
    }
  }

  // What crash safety costs the recorder (issue: crash-safe checkpoints).
  const double recorded_s = quick ? 60 : 600;
  const std::string config = H5REC_SOURCE_DIR "/config/examples/field-station.toml";
  const auto journaled = h5rec::bench::recording_cost(config, dir, recorded_s, true);
  const auto plain = h5rec::bench::recording_cost(config, dir, recorded_s, false);
  if (!journaled || !plain) return 1;
  std::printf("\nfield-station config, %.0f s on the virtual clock (%.1f MB payload):\n", recorded_s,
              static_cast<double>(journaled->payload_bytes) / 1e6);
  std::printf("%-52s %14s %12s %12s\n", "checkpoints", "payload MB/s", "written/B", "fsyncs/ckpt");
  std::printf("%-52s %14.1f %12.3f %12.1f\n", "plain (H5Fflush + fsync, crash_safety = false)",
              plain->payload_mb_per_s, plain->written_per_payload_byte, plain->fsyncs_per_checkpoint);
  std::printf("%-52s %14.1f %12.3f %12.1f\n", "journaled (crash_safety = true, the default)",
              journaled->payload_mb_per_s, journaled->written_per_payload_byte,
              journaled->fsyncs_per_checkpoint);
  std::printf("crash-safety cost: throughput x%.2f, bytes written x%.3f\n",
              journaled->payload_mb_per_s / plain->payload_mb_per_s,
              journaled->written_per_payload_byte / plain->written_per_payload_byte);

  // The logger's promise: at least 1000 times h5logger's rate (h5logger is Python + h5py).
  if (h5py_base <= 0) {
    std::printf("SKIP logger-scalar-vs-h5logger (no /usr/bin/python3 with h5py)\n");
    return 0;
  }
  if (emulated) {
    std::printf("SKIP logger-scalar-vs-h5logger (emulated: h5py ran natively)\n");
    return 0;
  }
  const double ratio = scalar_rate / h5py_base;
  const bool pass = ratio >= 1000.0;
  std::printf("%s logger-scalar-vs-h5logger %.0fx >=1000x\n", pass ? "PASS" : "FAIL", ratio);
  return pass ? 0 : 1;
}
