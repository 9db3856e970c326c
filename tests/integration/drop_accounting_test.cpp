// The sampler never waits for storage: with the writer stalled (an fsync blocked for seconds of
// virtual time) rows beyond the ring's capacity are dropped, and the file accounts for every row
// the schedule called for, exactly. Checked by h5py, not by h5rec's reader.
#include <gtest/gtest.h>

#include <filesystem>

#include "recording_test_support.hpp"

namespace h5rec::testing {
namespace {

// fast: 1 kHz, 125-row chunks (1/8 of a 1 s checkpoint interval), a ring for 2 s of stall:
// 17 chunks, one of them the partial chunk the writer holds.
std::string config_text(const std::string& dir) {
  return RecorderToml("drop-test", dir)
      .set("checkpoint_interval", "1.0")
      .set("chunk_bytes", "4096")
      .set("ring_seconds", "2.0")
      .groups(fast_slow_counter_groups())
      .text();
}

struct StallCase {
  double stall_s;
  bool expect_drops;
};

void PrintTo(const StallCase& c, std::ostream* os) { *os << c.stall_s << " s stall"; }

class DropAccounting : public ::testing::TestWithParam<StallCase> {};

TEST_P(DropAccounting, EveryScheduledRowIsStoredOrCountedAsDropped) {
  const StallCase stall = GetParam();
  TempDirectory dir;
  SimPlatform sim;
  // The start-up commit and each checkpoint fsync three times (journal, file, journal): the 10th
  // fsync starts the writer's checkpoint at t = 3 s.
  sim.storage.inject(platform::Fault::stall(platform::FaultOp::kFsync, 10,
                                            static_cast<int64_t>(stall.stall_s * 1e9)));
  const RecordingSummary summary = record(parse_or_die(config_text(dir.path())), sim, 12.0);
  ASSERT_EQ(summary.groups.size(), 2u);
  const GroupSummary& fast = summary.groups[0];
  EXPECT_EQ(fast.rows_due, 12000u);
  EXPECT_EQ(fast.rows_stored + fast.rows_dropped, fast.rows_due);
  constexpr uint64_t kRingRows = 17 * 125;
  EXPECT_LE(fast.ring_high_water, kRingRows);
  const GroupSummary& slow = summary.groups[1];
  EXPECT_EQ(slow.rows_due, 120u);
  EXPECT_EQ(slow.rows_stored + slow.rows_dropped, slow.rows_due);
  if (stall.expect_drops) {
    // While stalled, the ring fills; every other row due in the stall drops.
    EXPECT_GE(fast.rows_dropped, static_cast<uint64_t>(stall.stall_s * 1000) - kRingRows);
    EXPECT_LE(fast.rows_dropped, static_cast<uint64_t>(stall.stall_s * 1000));
  } else {
    EXPECT_EQ(fast.rows_dropped, 0u);
    EXPECT_EQ(slow.rows_dropped, 0u);
  }

  const std::string args =
      "--due fast=12000 --due slow=120" +
      std::string(stall.expect_drops ? " --min-dropped fast=1 --min-dropped slow=1"
                                     : " --max-dropped fast=0 --max-dropped slow=0");
  EXPECT_EQ(verify_with_h5py(summary.paths.at(0), args), 0);
}

INSTANTIATE_TEST_SUITE_P(Stalls, DropAccounting,
                         ::testing::Values(StallCase{1.0, false}, StallCase{5.0, true}),
                         [](const auto& test) {
                           return "stall_" + std::to_string(static_cast<int>(test.param.stall_s)) +
                                  "s";
                         });

TEST(DropAccounting, ARecordingIsDeterministicOnTheVirtualClock) {
  uint64_t dropped[2] = {};
  for (int run = 0; run < 2; ++run) {
    TempDirectory dir;
    SimPlatform sim;
    sim.storage.inject(platform::Fault::stall(platform::FaultOp::kFsync, 10, 5'000'000'000));
    dropped[run] = record(parse_or_die(config_text(dir.path())), sim, 12.0).groups[0].rows_dropped;
  }
  EXPECT_EQ(dropped[0], dropped[1]);
}

}  // namespace
}  // namespace h5rec::testing
