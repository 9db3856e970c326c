#include "bench/simulated_hour.hpp"

#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "base/dtype.hpp"
#include "bench/allocation_counter.hpp"
#include "bench/self_command.hpp"
#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/heap_reserve.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/recorder.hpp"

namespace h5rec::bench {
namespace {

constexpr int64_t kMinuteNs = 60 * platform::kNsPerSecond;
const char* const kConfig = H5REC_SOURCE_DIR "/config/examples/field-station.toml";

uint64_t resident_kib() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

uint64_t peak_resident_kib() {  // VmHWM
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Runs the child and collects its "key value" lines.
std::optional<std::map<std::string, double>> run_child(const std::string& dir, double seconds,
                                                       bool crash_safe) {
  const std::string command = self_command() + " --dir " + dir + " --run field-station --seconds " +
                              std::to_string(seconds) + (crash_safe ? "" : " --plain");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::map<std::string, double> values;
  char line[256];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    std::istringstream in(line);
    std::string key;
    double value = 0;
    if (in >> key >> value) values[key] = value;
  }
  if (pclose(pipe) != 0) return std::nullopt;
  return values;
}

}  // namespace

int field_station_run(const std::string& dir, double seconds, bool crash_safe) {
  platform::PosixStorage disk;
  auto config = config::load_config(disk, kConfig);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.message().c_str());
    return 1;
  }
  config->output_dir = dir + (crash_safe ? "/bench-hour-safe" : "/bench-hour-plain");
  config->crash_safety = crash_safe;
  platform::SimClock clock;
  platform::SimStorage storage(disk, clock);
  auto recorder = Recorder::create(config.value(), clock, storage, board::sensor_factory());
  if (!recorder) {
    std::fprintf(stderr, "%s\n", recorder.message().c_str());
    return 1;
  }
  // As the h5rec binary records: the heap it will take is taken at start.
  size_t reserved = 0;
  recorder.value()->set_started_observer([&](size_t bytes) {
    reserved = bytes;
    platform::reserve_heap(bytes);
  });
  // Resident memory and heap in use at every checkpoint, against virtual time: the largest in
  // the first and in the last minute.
  const auto end_ns = static_cast<int64_t>(seconds * 1e9);
  uint64_t first_minute_kib = 0, last_minute_kib = 0;
  size_t heap_first_minute = 0, heap_last_minute = 0;
  recorder.value()->set_checkpoint_observer([&](const WriterStats&) {
    const int64_t t = clock.monotonic_ns();
    const uint64_t rss = resident_kib();
    const size_t heap = mallinfo2().uordblks;
    if (t <= kMinuteNs) {
      first_minute_kib = std::max(first_minute_kib, rss);
      heap_first_minute = std::max(heap_first_minute, heap);
    }
    if (t >= end_ns - kMinuteNs && t < end_ns) {
      last_minute_kib = std::max(last_minute_kib, rss);
      heap_last_minute = std::max(heap_last_minute, heap);
    }
  });
  const std::atomic<bool> never{false};
  start_counting_sampler_allocations();
  const auto began = std::chrono::steady_clock::now();
  auto summary = recorder.value()->run(end_ns, never);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!summary) {
    std::fprintf(stderr, "%s\n", summary.message().c_str());
    return 1;
  }
  // Payload: every stored row's time stamp and channel values.
  uint64_t payload = 0, dropped = 0;
  for (size_t g = 0; g < config->groups.size(); ++g) {
    size_t row_bytes = sizeof(int64_t);
    for (const config::ChannelConfig& c : config->groups[g].channels) {
      row_bytes += dtype_size(c.dtype) * c.components();
    }
    payload += summary->groups[g].rows_stored * row_bytes;
    dropped += summary->groups[g].rows_dropped;
  }
  const platform::StorageCounts counts = storage.counts();
  for (const std::string& path : summary->paths) (void)disk.unlink(path);
  std::printf("payload_bytes %llu\n", static_cast<unsigned long long>(payload));
  std::printf("bytes_written %llu\n", static_cast<unsigned long long>(counts.bytes_written));
  std::printf("fsyncs %llu\n", static_cast<unsigned long long>(counts.fsyncs));
  std::printf("checkpoints %llu\n", static_cast<unsigned long long>(summary->writer.checkpoints));
  std::printf("rows_dropped %llu\n", static_cast<unsigned long long>(dropped));
  std::printf("rss_first_minute_kib %llu\n", static_cast<unsigned long long>(first_minute_kib));
  std::printf("rss_last_minute_kib %llu\n", static_cast<unsigned long long>(last_minute_kib));
  std::printf("peak_rss_kib %llu\n", static_cast<unsigned long long>(peak_resident_kib()));
  std::printf("heap_reserved_bytes %zu\n", reserved);
  std::printf("heap_first_minute_bytes %zu\n", heap_first_minute);
  std::printf("heap_last_minute_bytes %zu\n", heap_last_minute);
  std::printf("sampler_allocations %llu\n", static_cast<unsigned long long>(sampler_allocations()));
  std::printf("wall_s %.3f\n", wall);
  return 0;
}

void simulated_hour(const std::string& dir, bool quick, bool emulated, Goals& goals) {
  const double safe_s = quick ? 300 : 3600;
  const double plain_s = quick ? 60 : 600;
  // Past the hour: the first segment rotations (hourly) and the chunk indexes of a longer file.
  const double long_s = quick ? 0 : 6 * 3600;
  std::printf("## Memory and storage wear: the field-station config on the virtual clock\n\n");
  std::printf(
      "config/examples/field-station.toml as shipped (checkpoints every 5 s, 64 KiB chunks,\n"
      "1 Hz, 10 Hz and 1 kHz groups), recorded on the virtual clock into real files through\n"
      "the sim storage, which counts what reaches the disk. Payload: every stored row's time\n"
      "stamp and values. RSS: the largest resident size at a checkpoint in the first and the\n"
      "last minute of virtual time; peak: VmHWM. Sampler allocations: operator new calls on\n"
      "the sampler threads after start. The longer run shows what the goal's hour does not:\n"
      "the first segment rotations and a longer file's chunk indexes. As the h5rec binary\n"
      "does, the run reserves at start the heap that HDF5's metadata cache takes as it fills\n"
      "(platform/posix/heap_reserve.hpp); heap in use (malloc's count) shows how much of it\n"
      "the run took, so a flat RSS cannot hide a growing heap.\n\n");
  std::fprintf(stderr, "field station: %.0f s crash-safe, %.0f s plain, %.0f s crash-safe\n",
               safe_s, plain_s, long_s);
  const auto safe = run_child(dir, safe_s, true);
  const auto plain = run_child(dir, plain_s, false);
  const auto longer = long_s > 0 ? run_child(dir, long_s, true) : std::nullopt;
  Table table{{"crash safety", "virtual time", "payload MB", "written / payload", "fsyncs/min",
               "fsyncs/checkpoint", "dropped rows", "peak RSS MiB", "RSS first min MiB",
               "RSS last min MiB", "RSS growth", "heap reserved KiB",
               "heap in use first/last min KiB", "sampler allocations", "wall s"},
              {}};
  const auto row = [&](const char* name, const std::optional<std::map<std::string, double>>& r,
                       double seconds) {
    if (!r) {
      table.rows.push_back({name, "failed"});
      return;
    }
    auto v = *r;
    const double mib = 1024.0;
    const std::string duration =
        seconds >= 7200 ? fixed(seconds / 3600, 0) + " h" : fixed(seconds / 60, 0) + " min";
    table.rows.push_back(
        {name, duration, fixed(v["payload_bytes"] / 1e6, 1),
         fixed(v["bytes_written"] / v["payload_bytes"], 3), fixed(v["fsyncs"] / (seconds / 60), 1),
         fixed(v["fsyncs"] / std::max(1.0, v["checkpoints"]), 2), grouped(v["rows_dropped"]),
         fixed(v["peak_rss_kib"] / mib, 1), fixed(v["rss_first_minute_kib"] / mib, 2),
         fixed(v["rss_last_minute_kib"] / mib, 2),
         fixed(100 * (v["rss_last_minute_kib"] / v["rss_first_minute_kib"] - 1), 2) + "%",
         grouped(v["heap_reserved_bytes"] / 1024),
         grouped(v["heap_first_minute_bytes"] / 1024) + " / " +
             grouped(v["heap_last_minute_bytes"] / 1024),
         grouped(v["sampler_allocations"]), fixed(v["wall_s"], 1)});
  };
  row("on (default)", safe, safe_s);
  row("off", plain, plain_s);
  if (long_s > 0) row("on (default)", longer, long_s);
  table.print();
  if (!safe) {
    goals.unmeasured(GoalKind::kCount, "field-station-bytes-written-per-payload-byte", "run failed",
                     "<=1.25");
    goals.unmeasured(GoalKind::kCount, "rss-growth-simulated-hour", "run failed", "<1%");
    goals.unmeasured(GoalKind::kCount, "sampler-thread-allocations", "run failed", "0");
    return;
  }
  auto v = *safe;
  const double wear = v["bytes_written"] / v["payload_bytes"];
  goals.add(GoalKind::kCount, "field-station-bytes-written-per-payload-byte", wear <= 1.25,
            fixed(wear, 3), "<=1.25");
  const double growth = 100 * (v["rss_last_minute_kib"] / v["rss_first_minute_kib"] - 1);
  const std::string rss_goal = "rss-growth-simulated-" + std::string(quick ? "5-minutes" : "hour");
  if (emulated) {
    goals.skip(rss_goal, "emulated: the resident memory is qemu's", "<1%");
  } else {
    goals.add(GoalKind::kCount, rss_goal, growth < 1.0, fixed(growth, 2) + "%", "<1%");
  }
  goals.add(GoalKind::kCount, "sampler-thread-allocations", v["sampler_allocations"] == 0,
            grouped(v["sampler_allocations"]), "0");
}

}  // namespace h5rec::bench
