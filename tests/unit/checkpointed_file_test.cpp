// The commit protocol (recorder/journal/checkpointed_file.hpp) on its own, without HDF5, over
// SimStorage and a byte oracle, the way gathered_file_test.cpp tests gathered writes:
//
//  - seeded random sequences (the seed is printed) of what HDF5 does to a file: allocations,
//    writes below, across and above the checkpointed size (new bytes, partial rewrites, rewrites
//    of the same bytes, zero tails), reads, truncations and extensions to the allocated size,
//    and commits. Every read and size equals the oracle; after every commit the file on disk
//    equals it byte for byte and the journal is idle;
//  - the same sequences traced by SimStorage and replayed into the crash model
//    (platform/sim/crash_model.hpp): after every write, truncate and fsync, several crash images
//    (unsynced pages kept, lost, torn at 512-byte sectors), each rolled back by the journal as
//    recovery does (read_journal, roll_back). Inside commit n the result must be checkpoint n-1
//    or checkpoint n, never a mix; outside a commit, the last checkpoint. Bytes past a
//    checkpoint's size are appended bytes nothing refers to yet (recovery cuts them at the HDF5
//    end-of-file address), so an idle journal's image need only begin with the checkpoint;
//  - storage failures: a failed write held and retried by the commit, a failed fsync giving the
//    file up with its journal, and recovery back to the checkpoint before it.
#include "recorder/journal/checkpointed_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "disk_bytes.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/crash_model.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::journal {
namespace {

using h5rec::testing::read_disk;
using h5rec::testing::TempDirectory;
using platform::TraceOp;
using Bytes = std::vector<std::byte>;

// Small, so that appends are streamed in several pieces between two commits.
constexpr size_t kGather = 4 * platform::kStreamBlockBytes;

bool all_zeros(const Bytes& bytes, size_t from) {
  return std::all_of(bytes.begin() + static_cast<ptrdiff_t>(std::min(from, bytes.size())),
                     bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

// A file in memory: a crash image handed to the journal's reader and rollback.
class ImageFile final : public platform::File {
 public:
  explicit ImageFile(Bytes bytes) : bytes_(std::move(bytes)) {}
  Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
    if (offset + data.size() > bytes_.size()) bytes_.resize(offset + data.size());
    std::memcpy(bytes_.data() + offset, data.data(), data.size());
    return {};
  }
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    if (offset >= bytes_.size()) return size_t{0};
    const size_t n = std::min<size_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }
  Status fsync() override { return {}; }
  Status truncate(uint64_t size) override {
    bytes_.resize(size);
    return {};
  }
  Result<bool> try_lock() override { return true; }
  Result<uint64_t> size() override { return uint64_t{bytes_.size()}; }
  const std::string& path() const override { return path_; }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
  std::string path_ = "image";
};

// What recovery makes of a data file and its journal: rolled back if the journal is active.
struct Recovered {
  Bytes data;
  bool rolled_back = false;
};

Recovered recover(const Bytes& data, const Bytes& journal) {
  ImageFile data_file(data), journal_file(journal);
  auto contents = read_journal(journal_file);
  EXPECT_TRUE(contents) << contents.message();
  if (!contents || !contents->active) return {data, false};
  const Status s = roll_back(data_file, contents.value());
  EXPECT_TRUE(s) << s.message();
  return {data_file.bytes(), true};
}

// Whether `recovered` is checkpoint `state`: exactly, after a rollback; else it begins with it.
bool is_state(const Recovered& recovered, const Bytes& state) {
  if (recovered.rolled_back ? recovered.data.size() != state.size()
                            : recovered.data.size() < state.size()) {
    return false;
  }
  return std::equal(state.begin(), state.end(), recovered.data.begin());
}

// The oracle: what the file must read as, and its sizes.
struct Oracle {
  Bytes content;      // every write applied; past its end the file reads as zeros
  uint64_t size = 0;  // CheckpointedFile::size(): the furthest write, or the allocation
  uint64_t allocated = 0;

  void write(uint64_t offset, const Bytes& data) {
    if (offset + data.size() > content.size()) content.resize(offset + data.size());
    std::copy(data.begin(), data.end(), content.begin() + static_cast<ptrdiff_t>(offset));
    size = std::max<uint64_t>(size, offset + data.size());
  }
  Bytes read(uint64_t offset, size_t length) const {
    Bytes out(length);
    for (size_t i = 0; i < length; ++i) {
      if (offset + i < content.size()) out[i] = content[offset + i];
    }
    return out;
  }
};

// Random bytes without zeros (so a zero tail is only there when a case puts it there).
Bytes random_bytes(std::mt19937_64& rng, size_t size) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = rng() | 0x0101010101010101;
    std::memcpy(bytes.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return bytes;
}

// What a write puts at `offset`: new bytes, the old bytes with a few changed (runs closer and
// further apart than the journal's merge gap), the old bytes again (HDF5 rewrites unchanged
// metadata), or new bytes ending in zeros (a partial chunk's padding).
Bytes write_data(std::mt19937_64& rng, const Oracle& oracle, uint64_t offset, size_t size) {
  switch (rng() % 5) {
    case 0: {
      Bytes data = oracle.read(offset, size);
      const size_t changes = rng() % 6 + 1;
      for (size_t i = 0; i < changes; ++i) data[rng() % size] ^= std::byte{0x5a};
      return data;
    }
    case 1:
      return oracle.read(offset, size);
    case 2: {
      Bytes data = random_bytes(rng, size);
      std::fill(data.begin() + static_cast<ptrdiff_t>(rng() % size), data.end(), std::byte{0});
      return data;
    }
    default:
      return random_bytes(rng, size);
  }
}

struct RunOptions {
  uint64_t seed = 1;
  int steps = 400;
  bool crash_safe = true;
  std::string path;
};

// One random sequence. Fills `checkpoints` with the file's bytes on disk after each commit
// (index 0: the file as created, empty). Marks "commit N" and "committed N" in the trace.
void run_sequence(const RunOptions& run, platform::SimStorage& sim,
                  std::vector<Bytes>& checkpoints) {
  std::mt19937_64 rng(run.seed);
  CheckpointedFileOptions options;
  options.writable = true;
  options.create = true;
  options.crash_safe = run.crash_safe;
  options.gather_bytes = kGather;
  auto opened = CheckpointedFile::open(sim, run.path, options);
  EXPECT_TRUE(opened) << opened.message();
  if (!opened) return;
  CheckpointedFile& file = *opened.value();
  Oracle oracle;
  checkpoints.assign(1, Bytes{});
  const auto commit = [&] {
    const size_t n = checkpoints.size();
    sim.mark("commit " + std::to_string(n));
    const Status s = file.commit();
    ASSERT_TRUE(s) << s.message();
    sim.mark("committed " + std::to_string(n));
    const Bytes disk = read_disk(run.path);
    // Exactly the oracle: every byte written is on disk, the file reaches its allocation, and
    // its size is the checkpointed size.
    ASSERT_EQ(disk.size(), file.committed_size());
    ASSERT_GE(disk.size(), oracle.allocated);
    ASSERT_TRUE(std::equal(disk.begin(), disk.end(), oracle.read(0, disk.size()).begin()));
    ASSERT_TRUE(all_zeros(oracle.content, disk.size()));
    if (run.crash_safe) {
      ImageFile journal(read_disk(journal_path(run.path)));
      auto contents = read_journal(journal);
      ASSERT_TRUE(contents) << contents.message();
      ASSERT_FALSE(contents->active);
    }
    checkpoints.push_back(disk);
  };

  for (int step = 0; step < run.steps; ++step) {
    SCOPED_TRACE("seed " + std::to_string(run.seed) + ", step " + std::to_string(step));
    const unsigned op = static_cast<unsigned>(rng() % 100);
    const uint64_t committed = file.committed_size();
    if (op < 12 || oracle.allocated == 0) {  // allocate ahead, now and then free the tail
      if (rng() % 6 == 0 && oracle.allocated > 0) {
        oracle.allocated -= rng() % std::min<uint64_t>(oracle.allocated, 3000);
      } else {
        oracle.allocated += rng() % 6000 + 1;
      }
      file.set_allocated_size(oracle.allocated);
      ASSERT_EQ(file.allocated_size(), oracle.allocated);
    } else if (op < 62) {  // write below, across or above the checkpointed size
      uint64_t offset = 0;
      const unsigned where = static_cast<unsigned>(rng() % 3);
      if (where == 0 && committed > 0) {
        offset = rng() % std::min(committed, oracle.allocated);
      } else if (where == 1 && committed > 0 && committed < oracle.allocated) {
        offset = committed - std::min<uint64_t>(committed, rng() % 500 + 1);
      } else {
        const uint64_t from = std::min(committed, oracle.allocated - 1);
        offset = from + rng() % (oracle.allocated - from);
      }
      const uint64_t room = oracle.allocated - offset;
      const size_t size = static_cast<size_t>(
          std::min<uint64_t>(room, rng() % 4 == 0 ? rng() % 9000 + 1 : rng() % 700 + 1));
      const Bytes data = write_data(rng, oracle, offset, size);
      ASSERT_TRUE(file.write(offset, data));
      oracle.write(offset, data);
    } else if (op < 80) {  // read anywhere, the edges of the allocation included
      const uint64_t offset = rng() % (oracle.allocated + 100);
      Bytes out(rng() % 3000 + 1, std::byte{0xEE});
      ASSERT_TRUE(file.read(offset, out));
      ASSERT_EQ(out, oracle.read(offset, out.size()));
    } else if (op < 85) {
      ASSERT_EQ(file.size(), oracle.size);
    } else if (op < 90) {  // truncate to the allocation (HDF5's truncate callback)
      ASSERT_TRUE(file.truncate());
      if (oracle.size != oracle.allocated) {
        // Never below the checkpoint with a journal: those bytes stay, and read as before.
        const uint64_t target =
            run.crash_safe ? std::max(oracle.allocated, committed) : oracle.allocated;
        if (oracle.content.size() > target) oracle.content.resize(target);
        oracle.size = oracle.allocated;
      }
      ASSERT_EQ(file.size(), oracle.size);
    } else {
      commit();
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  commit();
  if (::testing::Test::HasFatalFailure()) return;
  // A clean close removes the journal; the file reads back as the oracle, read-only.
  EXPECT_TRUE(file.close());
  EXPECT_FALSE(sim.exists(journal_path(run.path)));
  CheckpointedFileOptions read_only;
  auto reopened = CheckpointedFile::open(sim, run.path, read_only);
  EXPECT_TRUE(reopened) << reopened.message();
  if (reopened) {
    Bytes all(static_cast<size_t>(checkpoints.back().size()));
    EXPECT_TRUE(reopened.value()->read(0, all));
    EXPECT_EQ(all, checkpoints.back());
    EXPECT_FALSE(reopened.value()->write(0, all));
  }
}

class CheckpointedFileSeeds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(CheckpointedFileSeeds, MatchesTheOracleAfterEveryCommit) {
  for (const bool crash_safe : {true, false}) {
    const uint64_t seed = GetParam();
    std::printf("seed %llu, crash safety %s\n", static_cast<unsigned long long>(seed),
                crash_safe ? "on" : "off");
    TempDirectory dir;
    platform::PosixStorage base;
    platform::SimClock clock;
    platform::SimStorage sim(base, clock);
    RunOptions run;
    run.seed = seed;
    run.crash_safe = crash_safe;
    run.path = dir.file("data.h5");
    std::vector<Bytes> checkpoints;
    run_sequence(run, sim, checkpoints);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_GT(checkpoints.size(), 10u);
  }
}

// Tearing mixes for the crash images of one cut: the model's default mix, every unsynced piece
// torn, every one lost, every one kept.
constexpr platform::TearOptions kTearings[] = {{0.3, 0.3}, {0.0, 1.0}, {1.0, 0.0}, {0.0, 0.0}};
constexpr uint64_t kVariants = std::size(kTearings);

TEST_P(CheckpointedFileSeeds, ACrashAtEveryWriteAndFsyncRecoversACheckpoint) {
  const uint64_t seed = GetParam();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  TempDirectory dir;
  platform::PosixStorage base;
  platform::SimClock clock;
  platform::SimStorage sim(base, clock);
  RunOptions run;
  run.seed = seed;
  run.steps = 250;
  run.path = dir.file("data.h5");
  sim.start_trace();
  std::vector<Bytes> checkpoints;
  run_sequence(run, sim, checkpoints);
  ASSERT_FALSE(HasFatalFailure());
  const std::vector<TraceOp> trace = sim.trace();
  const std::string journal = journal_path(run.path);

  platform::CrashModel model;
  size_t last = 0;    // the last checkpoint completed
  size_t commit = 0;  // the commit under way (they count from 1), 0 between commits
  uint64_t images = 0, cuts_in_commits = 0, newer = 0, older = 0;
  for (size_t index = 0; index < trace.size(); ++index) {
    const TraceOp& op = trace[index];
    if (op.kind == TraceOp::kMark) {
      const size_t n = std::stoul(op.label.substr(op.label.find(' ') + 1));
      if (op.label.starts_with("commit ")) {
        commit = n;
      } else {
        last = n;
        commit = 0;
      }
      continue;
    }
    platform::replay(op, model);
    if (op.kind == TraceOp::kCreate || !model.tracks(run.path)) continue;
    if (commit != 0) ++cuts_in_commits;
    for (uint64_t v = 0; v < kVariants; ++v) {
      const uint64_t image_seed = seed * 1000003 + index * kVariants + v;
      auto image = model.crash_image(image_seed, kTearings[v]);
      const Recovered recovered = recover(image[run.path], image[journal]);
      ++images;
      SCOPED_TRACE("seed " + std::to_string(seed) + ", trace op " + std::to_string(index) +
                   ", image seed " + std::to_string(image_seed));
      if (commit == 0) {
        ASSERT_TRUE(is_state(recovered, checkpoints[last]))
            << "between commits: not checkpoint " << last;
        continue;
      }
      const bool is_new = is_state(recovered, checkpoints[commit]);
      const bool is_old = is_state(recovered, checkpoints[commit - 1]);
      ASSERT_TRUE(is_new || is_old) << "inside commit " << commit << ": neither checkpoint "
                                    << commit - 1 << " nor " << commit;
      newer += is_new && !is_old;
      older += is_old && !is_new;
    }
  }
  std::printf(
      "%llu checkpoints, %llu trace ops (%llu inside commits), %llu crash images: "
      "%llu only the new checkpoint, %llu only the old one\n",
      static_cast<unsigned long long>(checkpoints.size() - 1),
      static_cast<unsigned long long>(trace.size()),
      static_cast<unsigned long long>(cuts_in_commits), static_cast<unsigned long long>(images),
      static_cast<unsigned long long>(newer), static_cast<unsigned long long>(older));
  // Both outcomes occur, so the sweep tells them apart.
  EXPECT_GT(newer, 0u);
  EXPECT_GT(older, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CheckpointedFileSeeds, ::testing::Range<uint64_t>(1, 6));

// ---- Storage failures ----

struct Fixture {
  TempDirectory dir;
  platform::PosixStorage base;
  platform::SimClock clock;
  platform::SimStorage sim{base, clock};
  std::string path = dir.file("data.h5");

  std::unique_ptr<CheckpointedFile> create() {
    CheckpointedFileOptions options;
    options.writable = true;
    options.create = true;
    options.gather_bytes = kGather;
    auto file = CheckpointedFile::open(sim, path, options);
    EXPECT_TRUE(file) << file.message();
    return file ? std::move(file.value()) : nullptr;
  }
};

TEST(CheckpointedFile, AFailedWriteIsHeldAndTheCommitRetriesIt) {
  Fixture f;
  auto file = f.create();
  ASSERT_TRUE(file);
  std::mt19937_64 rng(3);
  const Bytes first = random_bytes(rng, 3000), second = random_bytes(rng, 100);
  file->set_allocated_size(8192);
  ASSERT_TRUE(file->write(0, first));
  ASSERT_TRUE(file->commit());
  file->set_allocated_size(16384);
  ASSERT_TRUE(file->truncate());  // extended: a write there passes through, ungathered
  // Above the checkpoint, so it goes to storage now, and fails: reported to no one, counted,
  // held, read back.
  f.sim.inject(platform::Fault::failing(platform::FaultOp::kWrite, 1, EIO).on_path("data.h5"));
  ASSERT_TRUE(file->write(12000, second));
  EXPECT_EQ(file->take_failed_operations(), 1u);
  EXPECT_EQ(file->pending_failure().code(), EIO);
  Bytes out(100);
  ASSERT_TRUE(file->read(12000, out));
  EXPECT_EQ(out, second);
  ASSERT_TRUE(file->commit());  // retried
  EXPECT_TRUE(file->pending_failure());
  EXPECT_FALSE(file->abandoned());
  Bytes expected = first;
  expected.resize(16384);
  std::copy(second.begin(), second.end(), expected.begin() + 12000);
  EXPECT_EQ(read_disk(f.path), expected);
}

TEST(CheckpointedFile, AFailedFsyncGivesTheFileUpAndRecoveryRestoresTheCheckpoint) {
  Fixture f;
  auto file = f.create();
  ASSERT_TRUE(file);
  std::mt19937_64 rng(5);
  const Bytes first = random_bytes(rng, 5000), change = random_bytes(rng, 200);
  file->set_allocated_size(5000);
  ASSERT_TRUE(file->write(0, first));
  ASSERT_TRUE(file->commit());
  ASSERT_TRUE(file->write(1000, change));  // held: the checkpoint is not touched
  EXPECT_EQ(read_disk(f.path), first);
  // The journal's fsync (step 1, the first on a path with "data.h5") passes, the data file's
  // fails after the overwrite.
  f.sim.inject(platform::Fault::failing(platform::FaultOp::kFsync, 2, EIO).on_path("data.h5"));
  ASSERT_FALSE(file->commit());
  EXPECT_TRUE(file->abandoned());
  EXPECT_FALSE(file->commit());
  ASSERT_TRUE(file->write(0, change));  // dropped
  EXPECT_FALSE(file->close());
  ASSERT_TRUE(f.sim.exists(journal_path(f.path)));
  const Recovered recovered = recover(read_disk(f.path), read_disk(journal_path(f.path)));
  EXPECT_TRUE(recovered.rolled_back);
  EXPECT_EQ(recovered.data, first);
}

TEST(CheckpointedFile, ACreatedFileRecoversToEmptyBeforeItsFirstCommit) {
  Fixture f;
  auto file = f.create();
  ASSERT_TRUE(file);
  file->set_allocated_size(4096);
  ASSERT_TRUE(file->write(0, Bytes(4096, std::byte{7})));
  file.reset();  // a crash: no commit, no close
  const Recovered recovered = recover(read_disk(f.path), read_disk(journal_path(f.path)));
  EXPECT_TRUE(recovered.rolled_back);
  EXPECT_TRUE(recovered.data.empty());
}

TEST(CheckpointedFile, RefusesAnExistingFileWhenExclusiveAndAFileWithAnActiveJournal) {
  Fixture f;
  {
    auto file = f.create();
    ASSERT_TRUE(file);
    file->set_allocated_size(512);
    ASSERT_TRUE(file->commit());
    ASSERT_TRUE(file->write(0, Bytes(512, std::byte{1})));
    // The journal's fsync passes, the data file's fails: the journal stays active.
    f.sim.inject(platform::Fault::failing(platform::FaultOp::kFsync, 2).on_path("data.h5"));
    ASSERT_FALSE(file->commit());
  }
  f.sim.clear_faults();
  CheckpointedFileOptions options;
  options.writable = true;
  options.create = true;
  options.exclusive = true;
  auto exclusive = CheckpointedFile::open(f.sim, f.path, options);
  ASSERT_FALSE(exclusive);
  EXPECT_EQ(exclusive.code(), EEXIST);
  options.create = false;
  options.exclusive = false;
  auto reopened = CheckpointedFile::open(f.sim, f.path, options);
  ASSERT_FALSE(reopened);
  EXPECT_NE(reopened.message().find("recover it first"), std::string::npos) << reopened.message();
}

}  // namespace
}  // namespace h5rec::journal
