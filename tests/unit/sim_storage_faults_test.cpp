// SimStorage's injected faults, capacity, power cut and trace, on a real temporary directory
// (platform/sim/sim_storage.hpp, platform/sim/fault.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <latch>
#include <set>
#include <thread>

#include "disk_bytes.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

using h5rec::testing::read_disk;
using h5rec::testing::TempDirectory;
using h5rec::testing::write_disk;

std::vector<std::byte> pattern(size_t size, uint8_t salt) {
  std::vector<std::byte> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = std::byte(static_cast<uint8_t>(i * 7 + salt));
  return bytes;
}

std::vector<std::byte> filled(size_t size, uint8_t value) {
  return std::vector<std::byte>(size, std::byte{value});
}

class SimStorageTest : public ::testing::Test {
 protected:
  std::unique_ptr<File> open(const std::string& name, OpenMode mode) {
    auto file = storage.open(dir.file(name), mode);
    EXPECT_TRUE(file) << file.message();
    return file ? std::move(file.value()) : nullptr;
  }

  TempDirectory dir;
  SimClock clock;
  PosixStorage disk;
  SimStorage storage{disk, clock};
};

// --- every operation kind: nth once or persistent, errno kept ------------------------------------

struct OpCase {
  FaultOp op;
  int error;
  bool persistent;
};

void PrintTo(const OpCase& c, std::ostream* os) {
  *os << fault_op_name(c.op) << (c.error == EIO ? " EIO" : " ENOSPC")
      << (c.persistent ? " persistent" : " once");
}

// Performs one operation of a kind, as often as asked.
class RepeatableOperation {
 public:
  RepeatableOperation(FaultOp op, SimStorage& storage, const TempDirectory& dir)
      : op_(op), storage_(storage), dir_(dir) {
    auto file = storage_.open(dir_.file("f"), OpenMode::kCreateTruncate);
    EXPECT_TRUE(file) << file.message();
    file_ = std::move(file.value());
    EXPECT_TRUE(file_->pwrite(filled(100, 1), 0));
    write_disk(dir_.file("r0"), filled(10, 2));
  }

  Status run() {
    std::vector<std::byte> buffer(10);
    switch (op_) {
      case FaultOp::kOpen: {
        auto file = storage_.open(dir_.file("f"), OpenMode::kReadWrite);
        return file ? Status{} : Status(file.error());
      }
      case FaultOp::kWrite:
        return file_->pwrite(filled(4, 3), 0);
      case FaultOp::kRead: {
        auto got = file_->pread(buffer, 0);
        return got ? Status{} : Status(got.error());
      }
      case FaultOp::kFsync:
        return file_->fsync();
      case FaultOp::kTruncate:
        return file_->truncate(100);
      case FaultOp::kSyncDirectory:
        return storage_.sync_directory(dir_.path());
      case FaultOp::kRename: {
        Status renamed = storage_.rename(dir_.file("r" + std::to_string(renames_)),
                                         dir_.file("r" + std::to_string(renames_ + 1)));
        if (renamed) ++renames_;
        return renamed;
      }
      case FaultOp::kUnlink: {
        const std::string path = dir_.file("u" + std::to_string(unlinks_++));
        write_disk(path, filled(10, 4));
        return storage_.unlink(path);
      }
    }
    return Error{"unknown operation"};
  }

 private:
  FaultOp op_;
  SimStorage& storage_;
  const TempDirectory& dir_;
  std::unique_ptr<File> file_;
  int renames_ = 0;
  int unlinks_ = 0;
};

class FaultOnEveryOperation : public SimStorageTest,
                              public ::testing::WithParamInterface<OpCase> {};

TEST_P(FaultOnEveryOperation, FiresOnTheNthAndLaterOnlyWhenPersistent) {
  const OpCase param = GetParam();
  RepeatableOperation operation(param.op, storage, dir);
  ASSERT_TRUE(operation.run()) << "before inject: does not count";
  const Fault fault = Fault::failing(param.op, 2, param.error);
  storage.inject(param.persistent ? fault.from_then_on() : fault);

  EXPECT_TRUE(operation.run()) << "1st";
  for (int index = 2; index <= 4; ++index) {
    SCOPED_TRACE("operation #" + std::to_string(index));
    const Status status = operation.run();
    if (index > 2 && !param.persistent) {
      EXPECT_TRUE(status) << status.message();
      continue;
    }
    ASSERT_FALSE(status);
    EXPECT_EQ(status.code(), param.error);
    EXPECT_NE(status.message().find(dir.path()), std::string::npos) << status.message();
    EXPECT_NE(status.message().find(std::strerror(param.error)), std::string::npos)
        << status.message();
    const std::string injected =
        std::string("(injected: ") + fault_op_name(param.op) + " #" + std::to_string(index) + ")";
    EXPECT_NE(status.message().find(injected), std::string::npos) << status.message();
  }
  storage.clear_faults();
  EXPECT_TRUE(operation.run()) << "after clear_faults";
}

std::vector<OpCase> every_op_case() {
  std::vector<OpCase> cases;
  for (FaultOp op :
       {FaultOp::kOpen, FaultOp::kWrite, FaultOp::kRead, FaultOp::kFsync, FaultOp::kTruncate,
        FaultOp::kSyncDirectory, FaultOp::kRename, FaultOp::kUnlink}) {
    for (int error : {EIO, ENOSPC}) {
      for (bool persistent : {false, true}) cases.push_back({op, error, persistent});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Ops, FaultOnEveryOperation, ::testing::ValuesIn(every_op_case()),
                         [](const auto& test) {
                           return std::string(fault_op_name(test.param.op)) +
                                  (test.param.error == EIO ? "_EIO" : "_ENOSPC") +
                                  (test.param.persistent ? "_persistent" : "_once");
                         });

TEST_F(SimStorageTest, NthZeroNeverFires) {
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(Fault::failing(FaultOp::kWrite, 0).from_then_on());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(file->pwrite(filled(8, 1), 0));
}

TEST_F(SimStorageTest, FaultsCountOnlyTheirOwnKind) {
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(Fault::failing(FaultOp::kWrite, 2));
  std::vector<std::byte> buffer(4);
  EXPECT_TRUE(file->pwrite(filled(8, 1), 0));
  EXPECT_TRUE(file->fsync());
  EXPECT_TRUE(file->pread(buffer, 0));
  EXPECT_TRUE(file->truncate(8));
  EXPECT_TRUE(storage.sync_directory(dir.path()));
  EXPECT_FALSE(file->pwrite(filled(8, 1), 0)) << "the 2nd write";
}

TEST_F(SimStorageTest, APathFilterCountsOnlyMatchingPaths) {
  auto data = open("data.h5", OpenMode::kCreateTruncate);
  auto journal = open("data.h5-journal", OpenMode::kCreateTruncate);
  storage.inject(Fault::failing(FaultOp::kWrite, 2, ENOSPC).on_path("journal"));
  EXPECT_TRUE(journal->pwrite(filled(8, 1), 0));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(data->pwrite(filled(8, 1), 0));
  const Status failed = journal->pwrite(filled(8, 1), 8);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.code(), ENOSPC);
  EXPECT_NE(failed.message().find("pwrite '" + dir.file("data.h5-journal") + "'"),
            std::string::npos)
      << failed.message();
  EXPECT_TRUE(journal->pwrite(filled(8, 1), 8));
}

TEST_F(SimStorageTest, ARenameMatchesThePathFilterOnEitherName) {
  write_disk(dir.file("a.tmp"), filled(4, 1));
  storage.inject(Fault::failing(FaultOp::kRename, 1).on_path("final"));
  const Status failed = storage.rename(dir.file("a.tmp"), dir.file("final.h5"));
  ASSERT_FALSE(failed);
  EXPECT_NE(
      failed.message().find("rename '" + dir.file("a.tmp") + "' to '" + dir.file("final.h5") + "'"),
      std::string::npos)
      << failed.message();
  EXPECT_TRUE(disk.exists(dir.file("a.tmp")));
  EXPECT_FALSE(disk.exists(dir.file("final.h5")));
}

TEST_F(SimStorageTest, AFailedWriteWritesNothing) {
  auto file = open("f", OpenMode::kCreateTruncate);
  ASSERT_TRUE(file->pwrite(filled(1000, 1), 0));
  storage.inject(Fault::failing(FaultOp::kWrite, 1));
  EXPECT_FALSE(file->pwrite(filled(3000, 2), 500));
  EXPECT_EQ(read_disk(dir.file("f")), filled(1000, 1));
  EXPECT_EQ(storage.counts().bytes_written, 1000u);
}

TEST_F(SimStorageTest, AShortWriteLeavesExactlyThePrefix) {
  auto file = open("f", OpenMode::kCreateTruncate);
  ASSERT_TRUE(file->pwrite(filled(8000, 0xAA), 0));
  storage.inject(Fault::short_write(1, ENOSPC));
  const auto data = pattern(3000, 5);
  const Status failed = file->pwrite(data, 1000);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.code(), ENOSPC);
  ASSERT_EQ(short_write_prefix(3000), 1024u);
  EXPECT_NE(failed.message().find("1024 of 3000 bytes written"), std::string::npos)
      << failed.message();
  auto expected = filled(8000, 0xAA);
  std::copy(data.begin(), data.begin() + 1024, expected.begin() + 1000);
  EXPECT_EQ(read_disk(dir.file("f")), expected);
  EXPECT_EQ(storage.counts().bytes_written, 8000u + 1024u);
}

TEST_F(SimStorageTest, AShortWriteAtTheEndGrowsTheFileByThePrefixOnly) {
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(Fault::short_write(1).from_then_on());
  const auto data = pattern(4096, 1);
  EXPECT_EQ(file->pwrite(data, 0).code(), EIO);
  EXPECT_EQ(read_disk(dir.file("f")), std::vector<std::byte>(data.begin(), data.begin() + 2048));
  EXPECT_EQ(file->pwrite(pattern(700, 2), 2048).code(), EIO);  // under 1 KiB: nothing
  EXPECT_EQ(read_disk(dir.file("f")).size(), 2048u);
}

TEST_F(SimStorageTest, StallAndErrorOnOneOperation) {
  ClockAttachment attached(clock);
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(Fault::stall(FaultOp::kWrite, 1, 2 * kNsPerSecond));
  storage.inject(Fault::failing(FaultOp::kWrite, 1));
  EXPECT_EQ(file->pwrite(filled(8, 1), 0).code(), EIO);
  EXPECT_EQ(clock.monotonic_ns(), 2 * kNsPerSecond);
}

TEST_F(SimStorageTest, AStalledWriteSucceedsAfterTheStall) {
  ClockAttachment attached(clock);
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(Fault::stall(FaultOp::kWrite, 2, 3 * kNsPerSecond));
  ASSERT_TRUE(file->pwrite(filled(8, 1), 0));
  EXPECT_EQ(clock.monotonic_ns(), 0);
  ASSERT_TRUE(file->pwrite(filled(8, 2), 8));
  EXPECT_EQ(clock.monotonic_ns(), 3 * kNsPerSecond);
  auto expected = filled(8, 1);
  expected.resize(16, std::byte{2});
  EXPECT_EQ(read_disk(dir.file("f")), expected);
}

// While one thread's fsync stalls, virtual time runs for the other attached threads, and they
// can use the storage (the stall does not hold its lock: otherwise this test would hang).
TEST_F(SimStorageTest, AStalledFsyncBlocksOnlyItsCallerWhileVirtualTimeRuns) {
  auto stalled = open("stalled", OpenMode::kCreateTruncate);
  auto other = open("other", OpenMode::kCreateTruncate);
  storage.inject(Fault::stall(FaultOp::kFsync, 1, kNsPerSecond).on_path("stalled"));
  std::atomic<bool> done{false};
  std::atomic<int> wakes{0};
  std::atomic<int> writes_ok{0};
  std::latch started(1);
  std::thread sampler;
  int wakes_during_stall = -1;
  {
    ClockAttachment attached(clock);
    sampler = std::thread([&] {
      ClockAttachment sampler_attached(clock);
      started.count_down();
      for (int64_t i = 1; !done.load(); ++i) {
        clock.sleep_until(i * 100 * kNsPerMs);
        if (done.load()) break;
        if (other->pwrite(filled(8, 1), static_cast<uint64_t>(i) * 8)) ++writes_ok;
        ++wakes;
      }
    });
    started.wait();
    EXPECT_TRUE(stalled->fsync());
    EXPECT_EQ(clock.monotonic_ns(), kNsPerSecond);
    wakes_during_stall = wakes.load();
    done = true;
  }
  sampler.join();
  // The sampler's 10th deadline coincides with the end of the stall: it may or may not have run.
  EXPECT_GE(wakes_during_stall, 9);
  EXPECT_LE(wakes_during_stall, 10);
  EXPECT_EQ(writes_ok.load(), wakes.load());
  EXPECT_EQ(storage.counts().fsyncs, 1u);
}

TEST_F(SimStorageTest, StallFaultsApplyToDirectoryOperationsToo) {
  ClockAttachment attached(clock);
  write_disk(dir.file("a"), filled(4, 1));
  storage.inject(Fault::stall(FaultOp::kRename, 1, 5 * kNsPerMs));
  storage.inject(Fault::stall(FaultOp::kSyncDirectory, 1, 7 * kNsPerMs));
  storage.inject(Fault::stall(FaultOp::kOpen, 1, 11 * kNsPerMs));
  EXPECT_TRUE(storage.rename(dir.file("a"), dir.file("b")));
  EXPECT_TRUE(storage.sync_directory(dir.path()));
  EXPECT_TRUE(storage.open(dir.file("b"), OpenMode::kRead));
  EXPECT_EQ(clock.monotonic_ns(), 23 * kNsPerMs);
  EXPECT_TRUE(disk.exists(dir.file("b")));
}

// --- capacity ------------------------------------------------------------------------------------

TEST_F(SimStorageTest, CapacityFailsGrowingWritesWithEnospcAndUnlinkFreesSpace) {
  storage.set_capacity(10000);
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 10000u);
  auto a = open("a", OpenMode::kCreateTruncate);
  ASSERT_TRUE(a->pwrite(filled(8192, 1), 0));
  EXPECT_EQ(storage.used_bytes(), 8192u);
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 10000u - 8192u);

  const Status full = a->pwrite(filled(4096, 2), 8192);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.code(), ENOSPC);
  EXPECT_NE(full.message().find("pwrite '" + dir.file("a") + "': No space left on device"),
            std::string::npos)
      << full.message();
  EXPECT_EQ(read_disk(dir.file("a")), filled(8192, 1)) << "nothing of the failed write";

  EXPECT_TRUE(a->pwrite(filled(4096, 3), 4096)) << "an overwrite does not grow";
  EXPECT_TRUE(a->pwrite(filled(1808, 3), 8192)) << "exactly up to the capacity";
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 0u);
  EXPECT_EQ(a->pwrite(filled(1, 3), 10000).code(), ENOSPC);

  auto b = open("b", OpenMode::kCreateTruncate);
  EXPECT_EQ(b->pwrite(filled(100, 4), 0).code(), ENOSPC);
  a.reset();
  ASSERT_TRUE(storage.unlink(dir.file("a")));
  EXPECT_EQ(storage.used_bytes(), 0u);
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 10000u);
  EXPECT_TRUE(b->pwrite(filled(100, 4), 0));
}

TEST_F(SimStorageTest, CapacityFollowsExistingFilesTruncateAndRename) {
  write_disk(dir.file("existing"), filled(3000, 1));
  storage.set_capacity(5000);
  auto existing = open("existing", OpenMode::kReadWrite);
  EXPECT_EQ(storage.used_bytes(), 3000u);
  auto fresh = open("fresh", OpenMode::kCreateTruncate);
  EXPECT_EQ(fresh->pwrite(filled(2500, 2), 0).code(), ENOSPC);
  // Extending allocates (FAT, exFAT): beyond the capacity it fails and changes nothing.
  EXPECT_EQ(existing->truncate(5001).code(), ENOSPC);
  EXPECT_EQ(storage.used_bytes(), 3000u);
  EXPECT_EQ(std::filesystem::file_size(dir.file("existing")), 3000u);
  ASSERT_TRUE(existing->truncate(1000));
  EXPECT_EQ(storage.used_bytes(), 1000u);
  ASSERT_TRUE(fresh->pwrite(filled(2500, 2), 0));
  EXPECT_EQ(storage.used_bytes(), 3500u);

  ASSERT_TRUE(storage.rename(dir.file("fresh"), dir.file("existing")));  // replaces 1000 bytes
  EXPECT_EQ(storage.used_bytes(), 2500u);
  ASSERT_TRUE(storage.unlink(dir.file("existing")));
  EXPECT_EQ(storage.used_bytes(), 0u);

  storage.clear_capacity();
  auto base_free = disk.free_bytes(dir.path());
  ASSERT_TRUE(base_free);
  auto free_now = storage.free_bytes(dir.path());
  ASSERT_TRUE(free_now);
  // The real file system may change a little between the two calls.
  EXPECT_NEAR(static_cast<double>(free_now.value()), static_cast<double>(base_free.value()),
              16.0 * 1024 * 1024);
}

TEST_F(SimStorageTest, RaisingTheCapacityAgainLetsWritesThrough) {
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.set_capacity(1000);
  EXPECT_EQ(file->pwrite(filled(2000, 1), 0).code(), ENOSPC);
  storage.set_capacity(4000);
  EXPECT_TRUE(file->pwrite(filled(2000, 1), 0));
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 2000u);
  storage.set_capacity(1500);  // lowered below what is used: nothing free, nothing grows
  EXPECT_EQ(storage.free_bytes(dir.path()).value(), 0u);
  EXPECT_TRUE(file->pwrite(filled(100, 2), 0));
  EXPECT_EQ(file->pwrite(filled(100, 2), 2000).code(), ENOSPC);
}

// --- counters ------------------------------------------------------------------------------------

TEST_F(SimStorageTest, CountsWhatReachedTheBase) {
  auto file = open("f", OpenMode::kCreateTruncate);
  ASSERT_TRUE(file->pwrite(filled(100, 1), 0));
  ASSERT_TRUE(file->pwrite(filled(50, 1), 100));
  storage.inject(Fault::failing(FaultOp::kWrite, 1));
  EXPECT_FALSE(file->pwrite(filled(70, 1), 0));
  ASSERT_TRUE(file->fsync());
  std::vector<std::byte> buffer(200);
  auto got = file->pread(buffer, 0);
  ASSERT_TRUE(got);
  EXPECT_EQ(got.value(), 150u);
  const StorageCounts counts = storage.counts();
  EXPECT_EQ(counts.writes, 2u);
  EXPECT_EQ(counts.bytes_written, 150u);
  EXPECT_EQ(counts.fsyncs, 1u);
  EXPECT_EQ(storage.fsync_count(), 1u);
  EXPECT_EQ(counts.reads, 1u);
  EXPECT_EQ(counts.bytes_read, 150u);
}

// --- power cut -----------------------------------------------------------------------------------

void expect_powered_off(const Status& status, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.code(), EIO);
  EXPECT_NE(status.message().find("device powered off (simulated power cut after write #6)"),
            std::string::npos)
      << status.message();
}

template <class T>
void expect_powered_off(const Result<T>& result, const std::string& what) {
  expect_powered_off(result ? Status{} : Status(result.error()), what);
}

TEST(SimStoragePowerCut, TheDirectoryHoldsTheCrashImageAndEveryLaterOperationFails) {
  for (uint64_t seed : {0ULL, 1ULL, 2ULL, 3ULL, 4ULL, 5ULL, 6ULL, 7ULL, 0x5EEDULL}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDirectory dir;
    SimClock clock;
    PosixStorage disk;
    SimStorage storage(disk, clock);
    const auto old_content = pattern(10000, 1);
    write_disk(dir.file("old.bin"), old_content);
    auto old_file = storage.open(dir.file("old.bin"), OpenMode::kReadWrite);  // before the inject
    ASSERT_TRUE(old_file);
    storage.inject(PowerCut{6, seed});

    // The same operations, fed by hand to an oracle model.
    CrashModel oracle;
    oracle.track(dir.file("old.bin"), old_content);
    auto fresh = storage.open(dir.file("new.bin"), OpenMode::kCreateTruncate);
    ASSERT_TRUE(fresh);
    oracle.track(dir.file("new.bin"), {});
    auto write = [&](File& file, uint64_t offset, const std::vector<std::byte>& data) {
      EXPECT_TRUE(file.pwrite(data, offset));
      oracle.write(file.path(), offset, data);
    };
    write(*fresh.value(), 0, pattern(6000, 2));  // write #1
    ASSERT_TRUE(fresh.value()->fsync());
    oracle.fsync(dir.file("new.bin"));
    write(*fresh.value(), 6000, pattern(5000, 3));     // #2
    write(*old_file.value(), 3000, pattern(5000, 4));  // #3
    auto temporary = storage.open(dir.file("tmp.bin"), OpenMode::kCreateTruncate);
    ASSERT_TRUE(temporary);
    oracle.track(dir.file("tmp.bin"), {});
    write(*temporary.value(), 0, pattern(4000, 5));  // #4
    ASSERT_TRUE(temporary.value()->fsync());
    oracle.fsync(dir.file("tmp.bin"));
    ASSERT_TRUE(storage.rename(dir.file("tmp.bin"), dir.file("renamed.bin")));
    oracle.rename(dir.file("tmp.bin"), dir.file("renamed.bin"));
    ASSERT_TRUE(fresh.value()->truncate(9000));
    oracle.truncate(dir.file("new.bin"), 9000);
    write(*fresh.value(), 100, pattern(300, 6));  // #5
    EXPECT_FALSE(storage.powered_off());
    write(*old_file.value(), 0, pattern(2 * 4096, 7));  // #6: the cut, after it succeeded
    EXPECT_TRUE(storage.powered_off());

    const auto expected = oracle.crash_image(seed);
    ASSERT_EQ(expected.size(), 3u);
    for (const auto& [path, content] : expected) EXPECT_EQ(read_disk(path), content) << path;
    auto names = storage.list_directory(dir.path());
    ASSERT_TRUE(names);
    EXPECT_EQ(names.value(), (std::vector<std::string>{"new.bin", "old.bin", "renamed.bin"}));
    // Independently of the model: fsynced data survives.
    EXPECT_EQ(read_disk(dir.file("renamed.bin")), pattern(4000, 5));
    const auto new_image = read_disk(dir.file("new.bin"));
    ASSERT_GE(new_image.size(), 6000u);
    const auto synced = pattern(6000, 2);
    EXPECT_TRUE(std::equal(synced.begin(), synced.begin() + 100, new_image.begin()));
    EXPECT_TRUE(std::equal(synced.begin() + 400, synced.end(), new_image.begin() + 400));

    // Everything fails now, files opened before the cut included, and nothing reaches the disk.
    std::vector<std::byte> buffer(10);
    File& file = *fresh.value();
    expect_powered_off(file.pwrite(filled(10, 9), 0), "pwrite");
    expect_powered_off(file.pread(buffer, 0), "pread");
    expect_powered_off(file.fsync(), "fsync");
    expect_powered_off(file.truncate(0), "truncate");
    expect_powered_off(file.size(), "size");
    expect_powered_off(file.try_lock(), "try_lock");
    expect_powered_off(storage.open(dir.file("old.bin"), OpenMode::kRead), "open");
    expect_powered_off(storage.open(dir.file("x"), OpenMode::kCreateTruncate), "create");
    expect_powered_off(storage.rename(dir.file("old.bin"), dir.file("x")), "rename");
    expect_powered_off(storage.unlink(dir.file("old.bin")), "unlink");
    expect_powered_off(storage.sync_directory(dir.path()), "sync_directory");
    expect_powered_off(storage.make_directories(dir.file("d")), "make_directories");
    expect_powered_off(storage.replace_symlink("old.bin", dir.file("link")), "replace_symlink");
    for (const auto& [path, content] : expected) EXPECT_EQ(read_disk(path), content) << path;
    EXPECT_FALSE(disk.exists(dir.file("x")));
    // The read-only views keep working.
    EXPECT_TRUE(storage.exists(dir.file("old.bin")));
    EXPECT_TRUE(storage.free_bytes(dir.path()));
    EXPECT_TRUE(storage.seconds_since_modified(dir.file("old.bin")));
  }
}

TEST(SimStoragePowerCut, SeedsLeaveDifferentDirectories) {
  std::set<std::vector<std::byte>> images;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDirectory dir;
    SimClock clock;
    PosixStorage disk;
    SimStorage storage(disk, clock);
    storage.inject(PowerCut{3, seed});
    auto file = storage.open(dir.file("f"), OpenMode::kCreateTruncate);
    ASSERT_TRUE(file);
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(file.value()->pwrite(pattern(4 * 4096, static_cast<uint8_t>(i)),
                                       static_cast<uint64_t>(i) * 4096));
    }
    ASSERT_TRUE(storage.powered_off());
    images.insert(read_disk(dir.file("f")));
  }
  EXPECT_GT(images.size(), 8u);
}

TEST_F(SimStorageTest, APowerCutAfterZeroWritesNeverHappens) {
  storage.inject(PowerCut{0, 1});
  auto file = open("f", OpenMode::kCreateTruncate);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(file->pwrite(filled(10, 1), static_cast<uint64_t>(i)));
  EXPECT_FALSE(storage.powered_off());
}

TEST_F(SimStorageTest, FaultsDoNotMakeAPowerCutWriteCount) {
  auto file = open("f", OpenMode::kCreateTruncate);
  storage.inject(PowerCut{2, 1});
  storage.inject(Fault::failing(FaultOp::kWrite, 2));
  EXPECT_TRUE(file->pwrite(filled(10, 1), 0));
  EXPECT_FALSE(file->pwrite(filled(10, 1), 0));  // injected error: not a successful write
  EXPECT_FALSE(storage.powered_off());
  EXPECT_TRUE(file->pwrite(filled(10, 1), 0));
  EXPECT_TRUE(storage.powered_off());
}

// --- trace ---------------------------------------------------------------------------------------

TEST_F(SimStorageTest, TheTraceRecordsMutationsInOrderAndReplaysToTheDisk) {
  const auto old_content = pattern(3000, 1);
  write_disk(dir.file("old"), old_content);
  auto old_file = open("old", OpenMode::kReadWrite);
  storage.mark("ignored: not tracing yet");
  storage.start_trace();

  auto fresh = open("new", OpenMode::kCreateTruncate);
  ASSERT_TRUE(fresh->pwrite(pattern(5000, 2), 0));
  storage.mark("checkpoint complete");
  ASSERT_TRUE(fresh->fsync());
  ASSERT_TRUE(old_file->pwrite(pattern(100, 3), 10));
  ASSERT_TRUE(old_file->truncate(2000));
  std::vector<std::byte> buffer(10);
  ASSERT_TRUE(old_file->pread(buffer, 0));          // reads are not traced
  ASSERT_TRUE(storage.sync_directory(dir.path()));  // nor directory syncs
  storage.inject(Fault::short_write(1));
  EXPECT_FALSE(fresh->pwrite(pattern(2048, 4), 5000));  // its 1024-byte prefix is traced
  storage.inject(Fault::failing(FaultOp::kWrite, 1));   // counts from now: the next write fails
  EXPECT_FALSE(fresh->pwrite(pattern(10, 5), 0));       // not traced
  ASSERT_TRUE(storage.rename(dir.file("new"), dir.file("final")));
  auto temporary = open("tmp", OpenMode::kCreateTruncate);
  temporary.reset();
  ASSERT_TRUE(storage.unlink(dir.file("tmp")));

  const std::vector<TraceOp>& trace = storage.trace();
  const std::vector<TraceOp::Kind> kinds{
      TraceOp::kCreate, TraceOp::kWrite,  TraceOp::kMark,     TraceOp::kFsync,  // new
      TraceOp::kCreate, TraceOp::kWrite,  TraceOp::kTruncate,                   // old
      TraceOp::kWrite,                                                          // short write
      TraceOp::kRename, TraceOp::kCreate, TraceOp::kUnlink};
  ASSERT_EQ(trace.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(trace[i].kind, kinds[i]) << "op " << i;
  EXPECT_EQ(trace[0].path, dir.file("new"));
  EXPECT_TRUE(trace[0].data.empty());
  EXPECT_EQ(trace[2].label, "checkpoint complete");
  EXPECT_EQ(trace[4].path, dir.file("old"));
  EXPECT_EQ(trace[4].data, old_content) << "a file older than the trace enters with its content";
  EXPECT_EQ(trace[5].offset, 10u);
  EXPECT_EQ(trace[5].size, 100u);
  EXPECT_EQ(trace[6].size, 2000u);
  EXPECT_EQ(trace[7].offset, 5000u);
  EXPECT_EQ(trace[7].data.size(), 1024u);
  EXPECT_EQ(trace[8].path, dir.file("new"));
  EXPECT_EQ(trace[8].to, dir.file("final"));

  CrashModel model;
  for (const TraceOp& op : trace) replay(op, model);
  EXPECT_EQ(model.paths(), (std::vector<std::string>{dir.file("final"), dir.file("old")}));
  EXPECT_EQ(model.current(dir.file("final")), read_disk(dir.file("final")));
  EXPECT_EQ(model.current(dir.file("old")), read_disk(dir.file("old")));
  EXPECT_EQ(model.pending_writes(dir.file("final")), 1u);
}

}  // namespace
}  // namespace h5rec::platform
