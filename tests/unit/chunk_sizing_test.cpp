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

namespace h5rec {
namespace {

TEST(RingSizing, TheRingAbsorbsTheConfiguredStall) {
  // 1 kHz, 125-row chunks, 2 s: 16 chunks fill during the stall, plus the partial one.
  EXPECT_EQ(ring_chunks_for(1000, 2.0, 125), 17u);
  for (double rate : {0.1, 1.0, 10.0, 1000.0, 44100.0}) {
    for (size_t rows : {16u, 125u, 5000u}) {
      const size_t chunks = ring_chunks_for(rate, 10.0, rows);
      EXPECT_GE(chunks, 2u);
      EXPECT_GE(static_cast<double>((chunks - 1) * rows) / rate, 10.0 - 1e-9);
    }
  }
}

}  // namespace
}  // namespace h5rec
