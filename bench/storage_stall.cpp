#include "bench/storage_stall.hpp"

#include <atomic>
#include <cstdio>

#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/recorder.hpp"

namespace h5rec::bench {

void storage_stall(const std::string& dir, Goals& goals) {
  constexpr double kSeconds = 60;
  constexpr int64_t kStallNs = platform::kNsPerSecond;
  std::printf("## A 1-second storage stall (virtual clock)\n\n");
  platform::PosixStorage disk;
  auto config = config::load_config(disk, H5REC_SOURCE_DIR "/config/examples/field-station.toml");
  if (!config) {
    std::fprintf(stderr, "%s\n", config.message().c_str());
    goals.unmeasured(GoalKind::kCount, "field-station-drops-through-1s-stall", "config", "0");
    return;
  }
  config->output_dir = dir + "/bench-stall";
  platform::SimClock clock;
  platform::SimStorage storage(disk, clock);
  // The 200th write (about 20 s in) and the 30th fsync (about 50 s in) each block for 1 s.
  storage.inject(platform::Fault::stall(platform::FaultOp::kWrite, 200, kStallNs));
  storage.inject(platform::Fault::stall(platform::FaultOp::kFsync, 30, kStallNs));
  auto recorder = Recorder::create(config.value(), clock, storage, board::sensor_factory());
  int64_t longest_checkpoint_ns = 0;
  std::optional<RecordingSummary> summary;
  if (recorder) {
    const std::atomic<bool> never{false};
    auto result = recorder.value()->run(static_cast<int64_t>(kSeconds * 1e9), never);
    if (result)
      summary = std::move(result.value());
    else
      std::fprintf(stderr, "%s\n", result.message().c_str());
  } else {
    std::fprintf(stderr, "%s\n", recorder.message().c_str());
  }
  if (!summary) {
    goals.unmeasured(GoalKind::kCount, "field-station-drops-through-1s-stall", "run failed", "0");
    return;
  }
  longest_checkpoint_ns = summary->writer.max_checkpoint_ns;
  const platform::StorageCounts counts = storage.counts();
  for (const std::string& path : summary->paths) (void)disk.unlink(path);
  Table table{{"group", "rows due", "rows stored", "dropped", "ring high-water rows"}, {}};
  uint64_t dropped = 0, missing = 0;
  for (const GroupSummary& g : summary->groups) {
    table.rows.push_back({g.name, grouped(static_cast<double>(g.rows_due)),
                          grouped(static_cast<double>(g.rows_stored)),
                          grouped(static_cast<double>(g.rows_dropped)),
                          grouped(static_cast<double>(g.ring_high_water))});
    dropped += g.rows_dropped;
    missing += g.rows_due - g.rows_stored;
  }
  std::printf(
      "config/examples/field-station.toml for %.0f s of virtual time; the sim storage\n"
      "stalls its 200th write and its 30th fsync for 1 s each (longest checkpoint: %.2f s).\n\n",
      kSeconds, static_cast<double>(longest_checkpoint_ns) * 1e-9);
  table.print();
  if (counts.writes < 200 || counts.fsyncs < 30) {  // a stall that never happened proves nothing
    goals.unmeasured(GoalKind::kCount, "field-station-drops-through-1s-stall",
                     "the recording ended before its stalls", "0");
    return;
  }
  goals.add(GoalKind::kCount, "field-station-drops-through-1s-stall", dropped == 0 && missing == 0,
            grouped(static_cast<double>(dropped)), "0");
}

}  // namespace h5rec::bench
