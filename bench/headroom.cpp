#include "bench/headroom.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

#include "base/dtype.hpp"
#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/recorder.hpp"

namespace h5rec::bench {
namespace {

const char* const kConfig = H5REC_SOURCE_DIR "/config/examples/field-station.toml";

struct Trial {
  double factor = 1;
  double seconds = 0;
  double values_per_s = 0;  // aggregate: every group's rate times its values per row
  uint64_t rows_due = 0;
  uint64_t rows_dropped = 0;
  double cpu_share = 0;  // CPU seconds of this process per wall second (1.0 = one core)
  bool ok = false;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

// Records the field-station config with every rate times `factor` for `seconds`.
Trial run_trial(const std::string& dir, double factor, double seconds) {
  Trial trial{factor, seconds};
  platform::PosixStorage storage;
  auto config = config::load_config(storage, kConfig);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.message().c_str());
    return trial;
  }
  config->output_dir = dir + "/bench-headroom";
  double ring_bytes_per_s = 0;
  for (config::GroupConfig& g : config->groups) {
    g.rate_hz *= factor;
    size_t values = 0, row_bytes = sizeof(int64_t);
    for (const config::ChannelConfig& c : g.channels) {
      values += c.components();
      row_bytes += dtype_size(c.dtype) * c.components();
    }
    trial.values_per_s += g.rate_hz * static_cast<double>(values);
    ring_bytes_per_s += g.rate_hz * static_cast<double>(row_bytes);
  }
  // The config's 30 s rings, or as many seconds as 128 MiB of rings hold at this rate.
  config->ring_seconds = std::min(config->ring_seconds, 128.0 * (1 << 20) / ring_bytes_per_s);
  platform::PosixClock clock;
  auto recorder = Recorder::create(config.value(), clock, storage, board::sensor_factory());
  if (!recorder) {
    std::fprintf(stderr, "%s\n", recorder.message().c_str());
    return trial;
  }
  const std::atomic<bool> never{false};
  const double cpu_before = cpu_seconds();
  const auto began = std::chrono::steady_clock::now();
  auto summary = recorder.value()->run(static_cast<int64_t>(seconds * 1e9), never);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  trial.cpu_share = (cpu_seconds() - cpu_before) / wall;
  if (!summary) {
    std::fprintf(stderr, "%s\n", summary.message().c_str());
    return trial;
  }
  for (const GroupSummary& g : summary->groups) {
    trial.rows_due += g.rows_due;
    trial.rows_dropped += g.rows_dropped;
  }
  for (const std::string& path : summary->paths) (void)storage.unlink(path);
  trial.ok = summary->writer.storage_errors == 0;
  return trial;
}

bool sustained(const Trial& t) { return t.ok && t.rows_dropped == 0; }

std::string percent(double share) { return fixed(100 * share, 1) + "%"; }

}  // namespace

void headroom(const std::string& dir, bool quick, Goals& goals) {
  const double cpu_s = quick ? 2 : 60;
  const double trial_s = quick ? 0.5 : 5;
  const double hold_s = quick ? 1 : 60;
  std::printf("## Headroom (real clock and files)\n\n");
  std::printf(
      "config/examples/field-station.toml with every group's rate multiplied by k (rings\n"
      "of up to 30 s, at most 128 MiB). Values/s: every group's rate times its values per\n"
      "row. CPU: the recorder's CPU seconds per wall second (100%% = one of %u cores).\n"
      "k is found in %.0f s trials (doubling, then bisection) and then held for %.0f s.\n\n",
      std::thread::hardware_concurrency(), trial_s, hold_s);

  std::fprintf(stderr, "headroom: field station for %.0f s\n", cpu_s);
  const Trial base = run_trial(dir, 1, cpu_s);
  // Doubling until a trial drops rows, then bisection between the last good and first bad k.
  double good = 0, bad = 0;
  for (double k = 2; bad == 0 && k <= (quick ? 16 : 1 << 16); k *= 2) {
    std::fprintf(stderr, "headroom: k = %.0f\n", k);
    (sustained(run_trial(dir, k, trial_s)) ? good : bad) = k;
  }
  for (int step = 0; step < (quick ? 0 : 5) && good > 0 && bad > 0; ++step) {
    const double k = std::round((good + bad) / 2);
    if (k == good || k == bad) break;
    std::fprintf(stderr, "headroom: k = %.0f\n", k);
    (sustained(run_trial(dir, k, trial_s)) ? good : bad) = k;
  }
  // Held for the full time; a hold that drops steps down by 20%.
  std::optional<Trial> held;
  for (double k = good; k >= 2 && !held; k = std::floor(k * 0.8)) {
    std::fprintf(stderr, "headroom: holding k = %.0f for %.0f s\n", k, hold_s);
    if (Trial t = run_trial(dir, k, hold_s); sustained(t)) held = t;
  }

  Table table{{"run", "k", "values/s", "rows due", "dropped", "CPU"}, {}};
  const auto row = [&](const std::string& name, const Trial& t) {
    table.rows.push_back({name, fixed(t.factor, 0), grouped(t.values_per_s),
                          grouped(static_cast<double>(t.rows_due)),
                          t.ok ? grouped(static_cast<double>(t.rows_dropped)) : "failed",
                          percent(t.cpu_share)});
  };
  row("field-station config, " + fixed(cpu_s, 0) + " s", base);
  if (held) row("highest sustained, held " + fixed(hold_s, 0) + " s", *held);
  table.print();
  if (bad == 0) std::printf("No trial dropped rows up to k = %.0f.\n\n", good);

  goals.add(GoalKind::kTiming, "field-station-zero-drops-real-clock", sustained(base),
            grouped(static_cast<double>(base.rows_dropped)), "0");
}

}  // namespace h5rec::bench
