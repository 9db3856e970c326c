#include "bench/logger_rate.hpp"

#include <stdio.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <h5rec/logger.hpp>

#include "bench/baselines.hpp"

namespace h5rec::bench {
namespace {

// Calls per second of h5logger's method in Python (h5py), or nothing without Python and h5py.
std::optional<double> h5py_rate(const std::string& path, uint64_t calls) {
  const std::string command = "/usr/bin/python3 " H5REC_SOURCE_DIR "/bench/h5logger_h5py.py " +
                              path + " " + std::to_string(calls) + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  char line[64] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  const int status = pclose(pipe);
  std::remove(path.c_str());
  if (!got || status != 0) return std::nullopt;
  return std::atof(line);
}

}  // namespace

std::optional<LoggerLoop> logger_loop_from_name(const std::string& name) {
  if (name == "scalar") return LoggerLoop::kScalar;
  if (name == "array16") return LoggerLoop::kArray16;
  if (name == "four-names") return LoggerLoop::kFourNames;
  return std::nullopt;
}

std::optional<double> logger_run(const std::string& path, uint64_t calls, LoggerLoop loop) {
  const auto start = std::chrono::steady_clock::now();
  h5rec::Logger::Options options;
  options.replace_if_exists = true;
  h5rec::Logger logger(path, options);
  if (!logger.is_open()) {
    std::fprintf(stderr, "%s\n", logger.open_status().message().c_str());
    return std::nullopt;
  }
  static constexpr const char* kNames[4] = {"loss", "accuracy", "learning_rate", "grad_norm"};
  std::array<float, 16> values{};
  for (uint64_t i = 0; i < calls; ++i) {
    LogStatus status;
    switch (loop) {
      case LoggerLoop::kScalar: status = logger.log("number", static_cast<double>(i)); break;
      case LoggerLoop::kArray16:
        values[i % 16] = static_cast<float>(i);
        status = logger.log("array", values);
        break;
      case LoggerLoop::kFourNames: status = logger.log(kNames[i % 4], static_cast<double>(i)); break;
    }
    if (!status) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return std::nullopt;
    }
  }
  const LogStatus closed = logger.close();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::remove(path.c_str());
  if (!closed) {
    std::fprintf(stderr, "%s\n", closed.message().c_str());
    return std::nullopt;
  }
  return seconds;
}

void logger_rate(const std::string& dir, bool quick, Goals& goals) {
  const uint64_t h5py_calls = quick ? 1000 : 10000;
  const uint64_t scalar_calls = quick ? 5'000'000 : 100'000'000;
  const uint64_t array_calls = quick ? 1'000'000 : 20'000'000;
  const double per_sample_budget_s = quick ? 0.3 : 3.0;

  std::printf("## Logger::log() against h5logger's method\n\n");
  std::printf("Calls per second, including the logger's close (its final checkpoint). Baselines:\n"
              "h5logger's method (per value: extend by one, write, flush) in C\n"
              "(bench/baselines.cpp, one 8-byte column) and in Python with h5py, as h5logger\n"
              "runs it (bench/h5logger_h5py.py).\n\n");
  const auto h5py = h5py_rate(dir + "/bench-h5py.h5", h5py_calls);
  const Workload one_value{0, 8192, UINT64_MAX, 1.0};
  const auto per_sample = per_sample_hdf5(dir + "/bench-h5logger.h5", one_value, per_sample_budget_s);
  const auto scalar_s = logger_run(dir + "/bench-scalar.h5", scalar_calls, LoggerLoop::kScalar);
  const auto four_s = logger_run(dir + "/bench-four.h5", scalar_calls, LoggerLoop::kFourNames);
  const auto array_s = logger_run(dir + "/bench-array16.h5", array_calls, LoggerLoop::kArray16);

  const double c_rate = per_sample ? per_sample->rows_per_s() : 0;
  const double h5py_base = h5py.value_or(0);
  Table table{{"case", "calls/s", "x h5logger method in C", "x h5logger (h5py)"}, {}};
  const auto row = [&](const std::string& name, std::optional<double> rate) {
    if (!rate || *rate <= 0) {
      table.rows.push_back({name, "failed", "-", "-"});
      return;
    }
    table.rows.push_back({name, grouped(*rate), c_rate > 0 ? grouped(*rate / c_rate) : "-",
                          h5py_base > 0 ? grouped(*rate / h5py_base) : "-"});
  };
  const auto per_call = [](std::optional<double> seconds, uint64_t calls) -> std::optional<double> {
    if (!seconds) return std::nullopt;
    return static_cast<double>(calls) / *seconds;
  };
  row("h5logger in Python (h5py): resize + write + flush", h5py);
  row("h5logger method in C: extend + write + flush", per_sample ? std::optional(c_rate) : std::nullopt);
  row("Logger::log(name, double)", per_call(scalar_s, scalar_calls));
  row("Logger::log(name, double), 4 names in turn", per_call(four_s, scalar_calls));
  row("Logger::log(name, std::array<float, 16>)", per_call(array_s, array_calls));
  table.print();

  if (!scalar_s || c_rate <= 0) {
    goals.unmeasured(GoalKind::kTiming, "logger-scalar-vs-per-sample-hdf5", "a run failed", ">=1000x");
    return;
  }
  const double ratio = static_cast<double>(scalar_calls) / *scalar_s / c_rate;
  goals.add(GoalKind::kTiming, "logger-scalar-vs-per-sample-hdf5", ratio >= 1000, grouped(ratio) + "x",
            ">=1000x");
}

}  // namespace h5rec::bench
