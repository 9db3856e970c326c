// What a scheduled checkpoint holds: the rows due before its instant, exactly. A row due at the
// checkpoint's own instant belongs to the next one: whether its sampler had pushed it when the
// writer woke is a race, and with chunks that fill exactly at checkpoints (the default sizing)
// taking it would write a whole chunk for one row.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "recording_test_support.hpp"

namespace h5rec::testing {
namespace {

TEST(CheckpointContents, ACheckpointHoldsTheRowsDueBeforeItsInstant) {
  TempDirectory dir;
  SimPlatform sim;
  const config::RecorderConfig config =
      parse_or_die(RecorderToml("ckpt-test", dir.path())
                       .set("checkpoint_interval", "0.5")
                       .group({"fast", "1000", {{"c", "counter", "", ""}}})
                       .group({"slow", "10", {{"c", "counter", "", ""}}})
                       .text());
  auto recorder = Recorder::create(config, sim.clock, sim.storage);
  ASSERT_TRUE(recorder) << recorder.message();
  std::vector<std::vector<uint64_t>> durable;  // per checkpoint: rows per group
  recorder.value()->set_checkpoint_observer(
      [&](const WriterStats& stats) { durable.push_back(stats.rows_stored); });
  const std::atomic<bool> never{false};
  auto summary = recorder.value()->run(5 * platform::kNsPerSecond, never);
  ASSERT_TRUE(summary) << summary.message();
  // Checkpoints at 0.5 s, 1.0 s, ... 4.5 s; then, racing with the end of the recording, maybe
  // one at 5.0 s; then the final one and one for the last /_status row: all rows.
  ASSERT_GE(durable.size(), 11u);
  for (uint64_t k = 1; k <= 9; ++k) {
    EXPECT_EQ(durable[k - 1][0], 500 * k) << "checkpoint at " << 0.5 * k << " s, group fast";
    EXPECT_EQ(durable[k - 1][1], 5 * k) << "checkpoint at " << 0.5 * k << " s, group slow";
  }
  for (size_t i = 9; i < durable.size(); ++i) {
    EXPECT_EQ(durable[i][0], 5000u) << "checkpoint " << i;
    EXPECT_EQ(durable[i][1], 50u) << "checkpoint " << i;
  }
}

}  // namespace
}  // namespace h5rec::testing
