// The logger and crash recovery on the simulated platform: both reach files and time only through
// the platform seam (platform/storage.hpp, platform/clock.hpp), so they run on SimStorage and
// SimClock, where faults and power cuts are injected.
#include <gtest/gtest.h>

#include <cstdint>
#include <h5rec/logger.hpp>
#include <string>

#include "platform/posix/posix_storage.hpp"
#include "platform/sim/fault.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/journal/recovery.hpp"
#include "tests/integration/recording_test_support.hpp"

namespace h5rec {
namespace {

using journal::RecoveryOutcome;

constexpr int64_t kRows = 100;

// Logs the values from .. from + n - 1 to "x" and makes them durable.
LogStatus log_rows(Logger& logger, int64_t from, int64_t n) {
  for (int64_t i = from; i < from + n; ++i) {
    if (LogStatus s = logger.log("x", i); !s) return s;
  }
  return logger.flush();
}

uint64_t rows_of(const journal::RecoveryReport& report, const std::string& name) {
  for (const journal::DatasetRows& d : report.datasets) {
    if (d.name == name) return d.rows;
  }
  return 0;
}

// A real temporary directory under the simulated storage, and the simulated clock.
struct SimDisk {
  testing::TempDirectory dir;
  platform::PosixStorage disk;
  platform::SimClock clock;
  std::string path() const { return dir.path() + "/rec.h5"; }
};

// Logs kRows values to a new file on `storage` and closes it cleanly.
void log_clean_file(const std::string& path, platform::SimStorage& storage,
                    platform::SimClock& clock) {
  Logger logger(path, {}, storage, clock);
  ASSERT_TRUE(logger.open_status().ok()) << logger.open_status().message();
  ASSERT_TRUE(log_rows(logger, 0, kRows).ok());
  ASSERT_TRUE(logger.close().ok());
}

TEST(SimPlatform, LoggerWritesThroughTheGivenStorage) {
  SimDisk d;
  platform::SimStorage storage(d.disk, d.clock);
  log_clean_file(d.path(), storage, d.clock);
  EXPECT_GT(storage.counts().writes, 0u);
  EXPECT_GT(storage.counts().fsyncs, 0u);
  const journal::RecoveryReport report = journal::recover_file(storage, d.path());
  EXPECT_EQ(report.outcome, RecoveryOutcome::kClean) << report.detail;
  EXPECT_EQ(rows_of(report, "x"), static_cast<uint64_t>(kRows));
}

TEST(SimPlatform, RecoveryOpensTheFileOnlyThroughStorage) {
  SimDisk d;
  platform::SimStorage storage(d.disk, d.clock);
  log_clean_file(d.path(), storage, d.clock);
  // Recovery opens a clean file twice: read-write (superblock), then read-only to count its
  // rows. Failing the second open fails recovery: it does not go around storage.
  storage.inject(platform::Fault::failing(platform::FaultOp::kOpen, 2).on_path("rec.h5"));
  const journal::RecoveryReport failed = journal::recover_file(storage, d.path());
  EXPECT_EQ(failed.outcome, RecoveryOutcome::kUnrecoverable) << failed.detail;
  storage.clear_faults();
  const journal::RecoveryReport report = journal::recover_file(storage, d.path());
  EXPECT_EQ(report.outcome, RecoveryOutcome::kClean) << report.detail;
  EXPECT_EQ(rows_of(report, "x"), static_cast<uint64_t>(kRows));
}

TEST(SimPlatform, RecoversALoggerFileCutByAPowerCut) {
  SimDisk d;
  {
    platform::SimStorage storage(d.disk, d.clock);
    Logger logger(d.path(), {}, storage, d.clock);
    ASSERT_TRUE(logger.open_status().ok()) << logger.open_status().message();
    ASSERT_TRUE(log_rows(logger, 0, kRows).ok());
    storage.inject(platform::PowerCut{1, 7});  // right after the next write
    (void)log_rows(logger, kRows, kRows);
    (void)logger.close();
    EXPECT_TRUE(storage.powered_off());
  }
  platform::SimStorage storage(d.disk, d.clock);
  ASSERT_TRUE(journal::needs_recovery(storage, d.path()));
  const journal::RecoveryReport report = journal::recover_file(storage, d.path());
  EXPECT_EQ(report.outcome, RecoveryOutcome::kRecovered) << report.detail;
  EXPECT_EQ(rows_of(report, "x"), static_cast<uint64_t>(kRows));
  EXPECT_FALSE(journal::needs_recovery(storage, d.path()));
}

}  // namespace
}  // namespace h5rec
