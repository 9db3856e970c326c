#include "recorder/chunk_sizing.hpp"

#include <gtest/gtest.h>

namespace h5rec {
namespace {

TEST(ChunkSizing, FastGroupsFillAChunkInAnEighthOfACheckpoint) {
  // 1 kHz, 1 s checkpoints: 125 rows, well under the 64 KiB cap for a 12-byte row.
  EXPECT_EQ(chunk_rows_for(1000, 1.0, 12, 65536), 125u);
  EXPECT_EQ(chunk_rows_for(1000, 5.0, 12, 65536), 625u);
}

TEST(ChunkSizing, ChunkBytesCapsTheChunk) {
  EXPECT_EQ(chunk_rows_for(100000, 10.0, 8, 65536), 8192u);
  EXPECT_EQ(chunk_rows_for(100000, 10.0, 8, 4096), 512u);
  EXPECT_EQ(chunk_rows_for(1000, 10.0, 100000, 4096), 1u);  // a row larger than the cap
}

TEST(ChunkSizing, SlowGroupsGetTheMinimumRows) {
  EXPECT_EQ(chunk_rows_for(1, 5.0, 8, 65536), kMinChunkRows);
  EXPECT_EQ(chunk_rows_for(0.01, 1.0, 8, 65536), kMinChunkRows);
}

}  // namespace
}  // namespace h5rec
