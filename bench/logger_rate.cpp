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

std::optional<LoggerTimes> logger_run(const std::string& path, uint64_t calls, LoggerLoop loop) {
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const auto opened = Clock::now();
  h5rec::Logger::Options options;
  options.replace_if_exists = true;
  h5rec::Logger logger(path, options);
  if (!logger.is_open()) {
    std::fprintf(stderr, "%s\n", logger.open_status().message().c_str());
    return std::nullopt;
  }
  static constexpr const char* kNames[4] = {"loss", "accuracy", "learning_rate", "grad_norm"};
  std::array<float, 16> values{};
  const auto first_call = Clock::now();
  for (uint64_t i = 0; i < calls; ++i) {
    LogStatus status;
    switch (loop) {
      case LoggerLoop::kScalar:
        status = logger.log("number", static_cast<double>(i));
        break;
      case LoggerLoop::kArray16:
        values[i % 16] = static_cast<float>(i);
        status = logger.log("array", values);
        break;
      case LoggerLoop::kFourNames:
        status = logger.log(kNames[i % 4], static_cast<double>(i));
        break;
    }
    if (!status) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return std::nullopt;
    }
  }
  const double calls_s = seconds_since(first_call);
  const LogStatus closed = logger.close();
  const double total_s = seconds_since(opened);
  std::remove(path.c_str());
  if (!closed) {
    std::fprintf(stderr, "%s\n", closed.message().c_str());
    return std::nullopt;
  }
  return LoggerTimes{calls_s, total_s};
}

void logger_rate(const std::string& dir, bool quick, Goals& goals) {
  const uint64_t h5py_calls = quick ? 1000 : 10000;
  const uint64_t scalar_calls = quick ? 5'000'000 : 20'000'000;
  const uint64_t array_calls = quick ? 1'000'000 : 5'000'000;
  const int repeats = quick ? 1 : 3;
  const double per_sample_budget_s = quick ? 0.3 : 3.0;

  std::printf("## Logger::log() against h5logger's method\n\n");
  std::printf(
      "Calls per second of the calls alone (best of %d runs), as each baseline's calls are timed "
      "(the\n"
      "last column adds the logger's open and its close: the final checkpoint's fsync).\n"
      "Baselines: h5logger's method (per value: extend by one, write, flush) in C\n"
      "(bench/baselines.cpp, one 8-byte column) and in Python with h5py, as h5logger\n"
      "runs it (bench/h5logger_h5py.py).\n\n",
      repeats);
  const auto h5py = h5py_rate(dir + "/bench-h5py.h5", h5py_calls);
  const Workload one_value{0, 8192, UINT64_MAX, 1.0};
  const auto per_sample =
      per_sample_hdf5(dir + "/bench-h5logger.h5", one_value, per_sample_budget_s);
  // The best of `repeats` runs: a shared machine only ever makes a run slower.
  const auto best = [&](const char* file, uint64_t calls, LoggerLoop loop) {
    std::optional<LoggerTimes> best_times;
    for (int r = 0; r < repeats; ++r) {
      const auto t = logger_run(dir + file, calls, loop);
      if (!t) return t;
      if (!best_times || t->calls_s < best_times->calls_s) best_times = t;
    }
    return best_times;
  };
  const auto scalar = best("/bench-scalar.h5", scalar_calls, LoggerLoop::kScalar);
  const auto four = best("/bench-four.h5", scalar_calls, LoggerLoop::kFourNames);
  const auto array16 = best("/bench-array16.h5", array_calls, LoggerLoop::kArray16);

  const double c_rate = per_sample ? per_sample->rows_per_s() : 0;
  const double h5py_base = h5py.value_or(0);
  Table table{{"case", "calls/s", "x h5logger method in C", "x h5logger (h5py)",
               "calls/s incl. open + close"},
              {}};
  const auto row = [&](const std::string& name, double rate, double with_close) {
    if (rate <= 0) {
      table.rows.push_back({name, "failed", "-", "-", "-"});
      return;
    }
    table.rows.push_back({name, grouped(rate), c_rate > 0 ? grouped(rate / c_rate) : "-",
                          h5py_base > 0 ? grouped(rate / h5py_base) : "-",
                          with_close > 0 ? grouped(with_close) : "-"});
  };
  const auto logger_row = [&](const std::string& name, const std::optional<LoggerTimes>& t,
                              uint64_t calls) {
    const auto n = static_cast<double>(calls);
    row(name, t ? n / t->calls_s : 0, t ? n / t->total_s : 0);
  };
  row("h5logger in Python (h5py): resize + write + flush", h5py_base, 0);
  row("h5logger method in C: extend + write + flush", c_rate, 0);
  logger_row("Logger::log(name, double)", scalar, scalar_calls);
  logger_row("Logger::log(name, double), 4 names in turn", four, scalar_calls);
  logger_row("Logger::log(name, std::array<float, 16>)", array16, array_calls);
  table.print();

  if (!scalar || c_rate <= 0) {
    goals.unmeasured(GoalKind::kTiming, "logger-scalar-vs-per-sample-hdf5", "a run failed",
                     ">=1000x");
    return;
  }
  const double ratio = static_cast<double>(scalar_calls) / scalar->calls_s / c_rate;
  goals.add(GoalKind::kTiming, "logger-scalar-vs-per-sample-hdf5", ratio >= 1000,
            grouped(ratio) + "x", ">=1000x");
}

}  // namespace h5rec::bench
