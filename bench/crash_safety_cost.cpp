#include "bench/crash_safety_cost.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "config/recorder_config.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/dtype.hpp"
#include "recorder/recorder.hpp"

namespace h5rec::bench {

std::optional<RecordingCost> recording_cost(const std::string& config_path, const std::string& dir,
                                            double seconds, bool crash_safe) {
  platform::PosixStorage disk;
  auto config = config::load_config(disk, config_path);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.message().c_str());
    return std::nullopt;
  }
  config->output_dir = dir + (crash_safe ? "/bench-journaled" : "/bench-plain");
  config->crash_safety = crash_safe;
  platform::SimClock clock;
  platform::SimStorage storage(disk, clock);
  auto recorder = Recorder::create(config.value(), clock, storage);
  if (!recorder) {
    std::fprintf(stderr, "%s\n", recorder.message().c_str());
    return std::nullopt;
  }
  const std::atomic<bool> never{false};
  const auto began = std::chrono::steady_clock::now();
  auto summary = recorder.value()->run(static_cast<int64_t>(seconds * 1e9), never);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!summary) {
    std::fprintf(stderr, "%s\n", summary.message().c_str());
    return std::nullopt;
  }
  // Payload: every stored row's time stamp and channel values.
  RecordingCost cost;
  for (size_t g = 0; g < config->groups.size(); ++g) {
    size_t row_bytes = sizeof(int64_t);
    for (const config::ChannelConfig& c : config->groups[g].channels) {
      row_bytes += dtype_size(c.dtype) * c.components();
    }
    cost.payload_bytes += summary->groups[g].rows_stored * row_bytes;
  }
  const platform::StorageCounts counts = storage.counts();
  cost.payload_mb_per_s = static_cast<double>(cost.payload_bytes) / wall / 1e6;
  cost.written_per_payload_byte =
      static_cast<double>(counts.bytes_written) / static_cast<double>(cost.payload_bytes);
  cost.fsyncs_per_checkpoint = static_cast<double>(counts.fsyncs) /
                               static_cast<double>(std::max<uint64_t>(1, summary->writer.checkpoints));
  for (const std::string& path : summary->paths) {
    (void)disk.unlink(path);
  }
  return cost;
}

}  // namespace h5rec::bench
