// CrashModel (platform/sim/crash_model.hpp): what a power cut may leave of fsynced and pending
// data. Every test that loops over seeds names the seed in a SCOPED_TRACE, so a failure replays.
#include "platform/sim/crash_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace h5rec::platform {
namespace {

constexpr int kSeeds = 300;

std::vector<std::byte> filled(size_t size, uint8_t value) {
  return std::vector<std::byte>(size, std::byte{value});
}

// Bytes that differ from their neighbours, so a misplaced copy shows.
std::vector<std::byte> pattern(size_t size, uint8_t salt) {
  std::vector<std::byte> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = std::byte(static_cast<uint8_t>(i * 7 + salt));
  return bytes;
}

bool same_bytes(const std::vector<std::byte>& a, const std::vector<std::byte>& b, size_t begin,
                size_t end) {
  if (a.size() < end || b.size() < end) return false;
  return std::equal(a.begin() + begin, a.begin() + end, b.begin() + begin);
}

TEST(CrashModel, CurrentFollowsWritesTruncatesAndFsync) {
  CrashModel model;
  model.track("f", {});
  model.write("f", 10, filled(5, 1));
  EXPECT_EQ(model.current("f").size(), 15u);
  EXPECT_EQ(model.current("f")[9], std::byte{0});  // the gap is zero-filled
  EXPECT_EQ(model.current("f")[10], std::byte{1});
  EXPECT_EQ(model.pending_writes("f"), 1u);
  model.truncate("f", 12);
  EXPECT_EQ(model.current("f").size(), 12u);
  EXPECT_EQ(model.pending_writes("f"), 2u);
  model.fsync("f");
  EXPECT_EQ(model.pending_writes("f"), 0u);
  EXPECT_EQ(model.durable("f"), model.current("f"));
  EXPECT_EQ(model.pending_writes("untracked"), 0u);
}

TEST(CrashModel, FsyncedDataSurvivesEverySeed) {
  CrashModel model;
  const auto synced = pattern(3 * 4096 + 700, 1);
  model.track("f", {});
  model.write("f", 0, synced);
  model.fsync("f");
  // Pending: an overwrite in the middle and an append.
  const size_t overwrite_begin = 5000, overwrite_end = 5000 + 3000;
  model.write("f", overwrite_begin, filled(overwrite_end - overwrite_begin, 0xEE));
  model.write("f", synced.size(), filled(2000, 0xDD));
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto image = model.crash_image(seed).at("f");
    ASSERT_GE(image.size(), synced.size());
    EXPECT_TRUE(same_bytes(image, synced, 0, overwrite_begin));
    EXPECT_TRUE(same_bytes(image, synced, overwrite_end, synced.size()));
  }
}

TEST(CrashModel, BaselineIsDurable) {
  CrashModel model;
  model.track("f", pattern(10000, 3));
  model.write("f", 100, filled(9000, 0xAB));
  const auto image = model.crash_image(7, TearOptions{1.0, 0.0}).at("f");
  EXPECT_EQ(image, pattern(10000, 3));
}

TEST(CrashModel, NothingLostOrTornKeepsEverything) {
  CrashModel model;
  model.track("f", pattern(5000, 1));
  model.write("f", 1234, pattern(9000, 2));
  model.truncate("f", 8000);
  model.write("f", 7000, pattern(3000, 4));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(model.crash_image(seed, TearOptions{0.0, 0.0}).at("f"), model.current("f"));
  }
}

TEST(CrashModel, EverythingLostLeavesTheDurableContent) {
  CrashModel model;
  model.track("f", {});
  model.write("f", 0, pattern(6000, 1));
  model.fsync("f");
  model.write("f", 3000, pattern(9000, 2));
  model.truncate("f", 100);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(model.crash_image(seed, TearOptions{1.0, 0.0}).at("f"), pattern(6000, 1));
  }
}

// Without tearing, each 4 KiB piece of a pending write is all old or all new, and over many seeds
// both happen for every piece.
TEST(CrashModel, PendingPiecesSurviveOrNotPerPage) {
  CrashModel model;
  const auto old_content = filled(5 * 4096, 0x11);
  model.track("f", old_content);
  const uint64_t begin = 1000, end = 4 * 4096 + 300;  // pieces: [1000,4096) ... [16384,16684)
  const auto new_content = filled(end - begin, 0x22);
  model.write("f", begin, new_content);
  std::vector<uint64_t> bounds{begin};
  for (uint64_t page = 4096; page < end; page += 4096) bounds.push_back(page);
  bounds.push_back(end);
  std::vector<std::set<bool>> outcomes(bounds.size() - 1);
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto image = model.crash_image(seed, TearOptions{0.5, 0.0}).at("f");
    ASSERT_EQ(image.size(), old_content.size());
    for (size_t piece = 0; piece + 1 < bounds.size(); ++piece) {
      const auto first = image[bounds[piece]];
      for (uint64_t i = bounds[piece]; i < bounds[piece + 1]; ++i) {
        ASSERT_EQ(image[i], first) << "piece " << piece << " split at byte " << i;
      }
      outcomes[piece].insert(first == std::byte{0x22});
    }
    EXPECT_TRUE(same_bytes(image, old_content, 0, begin));
    EXPECT_TRUE(same_bytes(image, old_content, end, old_content.size()));
  }
  for (size_t piece = 0; piece < outcomes.size(); ++piece) {
    EXPECT_EQ(outcomes[piece].size(), 2u) << "piece " << piece << " always had the same fate";
  }
}

// A write across a page boundary is two pieces: one can survive without the other.
TEST(CrashModel, APieceSpanningAPageBoundaryIsSplit) {
  CrashModel model;
  model.track("f", filled(8192, 0x11));
  model.write("f", 4096 - 256, filled(512, 0x22));
  bool first_only = false, second_only = false;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto image = model.crash_image(seed, TearOptions{0.5, 0.0}).at("f");
    const bool first = image[4096 - 1] == std::byte{0x22};
    const bool second = image[4096] == std::byte{0x22};
    first_only |= first && !second;
    second_only |= second && !first;
  }
  EXPECT_TRUE(first_only);
  EXPECT_TRUE(second_only);
}

// A torn piece keeps a subset of its 512-byte sectors: every sector is all old or all new, and
// some pieces mix both.
TEST(CrashModel, TornPiecesDifferOnlyAtSectorGranularity) {
  CrashModel model;
  const auto old_content = filled(3 * 4096, 0x11);
  model.track("f", old_content);
  const uint64_t begin = 300, end = 2 * 4096 + 1000;  // unaligned at both ends
  model.write("f", begin, filled(end - begin, 0x22));
  bool mixed_piece = false;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto image = model.crash_image(seed, TearOptions{0.0, 1.0}).at("f");
    ASSERT_EQ(image.size(), old_content.size());
    EXPECT_TRUE(same_bytes(image, old_content, 0, begin));
    EXPECT_TRUE(same_bytes(image, old_content, end, old_content.size()));
    for (uint64_t sector = begin; sector < end; sector = (sector / 512 + 1) * 512) {
      const uint64_t sector_end = std::min(end, (sector / 512 + 1) * 512);
      for (uint64_t i = sector; i < sector_end; ++i) {
        ASSERT_EQ(image[i], image[sector]) << "sector at " << sector << " torn inside";
      }
    }
    for (uint64_t page = 0; page < end; page += 4096) {
      std::set<std::byte> seen;
      for (uint64_t i = std::max(page, begin); i < std::min(end, page + 4096); ++i) {
        seen.insert(image[i]);
      }
      mixed_piece |= seen.size() == 2;
    }
  }
  EXPECT_TRUE(mixed_piece);
}

TEST(CrashModel, ALostAppendDoesNotExtendTheFile) {
  CrashModel model;
  model.track("f", filled(100, 1));
  model.write("f", 100, filled(100, 2));
  std::set<size_t> sizes;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    sizes.insert(model.crash_image(seed, TearOptions{0.5, 0.0}).at("f").size());
  }
  EXPECT_EQ(sizes, (std::set<size_t>{100, 200}));
}

TEST(CrashModel, SameSeedSameImageAndSeedsDiffer) {
  CrashModel model;
  model.track("a", {});
  model.track("b", pattern(9000, 5));
  model.write("a", 0, pattern(20000, 1));
  model.write("b", 4000, pattern(20000, 2));
  model.truncate("b", 15000);
  std::set<std::map<std::string, std::vector<std::byte>>> distinct;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto image = model.crash_image(seed);
    EXPECT_EQ(image, model.crash_image(seed));
    distinct.insert(image);
  }
  EXPECT_GT(distinct.size(), 50u);
}

TEST(CrashModel, APendingTruncateIsKeptOrLostWhole) {
  CrashModel model;
  const auto synced = pattern(10000, 9);
  model.track("shrink", synced);
  model.truncate("shrink", 3000);
  model.track("grow", pattern(100, 9));
  model.truncate("grow", 5000);
  std::set<size_t> shrink_sizes, grow_sizes;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto images = model.crash_image(seed);
    const auto& shrunk = images.at("shrink");
    shrink_sizes.insert(shrunk.size());
    EXPECT_TRUE(same_bytes(shrunk, synced, 0, shrunk.size()));
    const auto& grown = images.at("grow");
    grow_sizes.insert(grown.size());
    EXPECT_TRUE(same_bytes(grown, pattern(100, 9), 0, 100));
    for (size_t i = 100; i < grown.size(); ++i) ASSERT_EQ(grown[i], std::byte{0});
  }
  EXPECT_EQ(shrink_sizes, (std::set<size_t>{3000, 10000}));
  EXPECT_EQ(grow_sizes, (std::set<size_t>{100, 5000}));
}

TEST(CrashModel, RenameCarriesDurableAndPendingState) {
  CrashModel model;
  model.track("a", {});
  model.write("a", 0, pattern(5000, 1));
  model.fsync("a");
  model.write("a", 5000, pattern(5000, 2));
  model.track("b", filled(10, 3));  // replaced by the rename
  model.rename("a", "b");
  EXPECT_FALSE(model.tracks("a"));
  EXPECT_TRUE(model.tracks("b"));
  EXPECT_EQ(model.pending_writes("b"), 1u);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto images = model.crash_image(seed);
    ASSERT_EQ(images.size(), 1u);
    const auto& b = images.at("b");
    EXPECT_TRUE(same_bytes(b, pattern(5000, 1), 0, 5000));
  }
  EXPECT_EQ(model.crash_image(0, TearOptions{0.0, 0.0}).at("b"), model.current("b"));

  model.rename("b", "b");  // onto itself: nothing
  EXPECT_TRUE(model.tracks("b"));
  model.rename("untracked", "b");  // b now holds a file the model never saw
  EXPECT_FALSE(model.tracks("b"));
  EXPECT_TRUE(model.crash_image(1).empty());
}

TEST(CrashModel, UnlinkForgetsTheFile) {
  CrashModel model;
  model.track("a", pattern(100, 1));
  model.write("a", 0, pattern(100, 2));
  model.track("b", pattern(100, 3));
  model.unlink("a");
  model.unlink("never-tracked");
  EXPECT_FALSE(model.tracks("a"));
  EXPECT_EQ(model.paths(), std::vector<std::string>{"b"});
  EXPECT_EQ(model.crash_image(3).count("a"), 0u);
}

TEST(CrashModel, TrackingAgainStartsAfresh) {
  CrashModel model;
  model.track("f", pattern(100, 1));
  model.write("f", 0, pattern(300, 2));
  model.track("f", {});  // like an open with kCreateTruncate
  EXPECT_EQ(model.pending_writes("f"), 0u);
  EXPECT_TRUE(model.current("f").empty());
  EXPECT_TRUE(model.crash_image(0).at("f").empty());
}

TEST(CrashModel, ReplayOfATraceMatchesDirectCalls) {
  std::vector<TraceOp> trace;
  auto add = [&trace](TraceOp::Kind kind, std::string path, uint64_t offset = 0,
                      std::vector<std::byte> data = {}) {
    TraceOp op;
    op.kind = kind;
    op.path = std::move(path);
    op.offset = offset;
    op.size = kind == TraceOp::kTruncate ? offset : data.size();
    op.data = std::move(data);
    trace.push_back(std::move(op));
  };
  add(TraceOp::kCreate, "old", 0, pattern(3000, 1));  // a file that existed before the trace
  add(TraceOp::kCreate, "new");
  add(TraceOp::kWrite, "new", 0, pattern(7000, 2));
  add(TraceOp::kFsync, "new");
  add(TraceOp::kMark, "");
  add(TraceOp::kWrite, "old", 2000, pattern(4000, 3));
  add(TraceOp::kTruncate, "new", 5000);
  TraceOp rename;
  rename.kind = TraceOp::kRename;
  rename.path = "new";
  rename.to = "final";
  trace.push_back(rename);
  add(TraceOp::kUnlink, "old");

  CrashModel replayed;
  for (const TraceOp& op : trace) replay(op, replayed);

  CrashModel direct;
  direct.track("old", pattern(3000, 1));
  direct.track("new", {});
  direct.write("new", 0, pattern(7000, 2));
  direct.fsync("new");
  direct.write("old", 2000, pattern(4000, 3));
  direct.truncate("new", 5000);
  direct.rename("new", "final");
  direct.unlink("old");

  EXPECT_EQ(replayed.paths(), std::vector<std::string>{"final"});
  EXPECT_EQ(replayed.current("final"), direct.current("final"));
  for (uint64_t seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(replayed.crash_image(seed), direct.crash_image(seed));
  }
}

}  // namespace
}  // namespace h5rec::platform
