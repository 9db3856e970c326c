// ChunkRing against a std::deque oracle, single-threaded with random interleavings, and with a
// real producer and consumer thread; where its columns start in their pages, and which pages
// warm_next_chunk() brings back.
#include "recorder/ring/chunk_ring.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "resident_pages.hpp"

namespace h5rec {
namespace {

using h5rec::testing::page_bytes;
using h5rec::testing::resident_pages;

struct Row {
  uint64_t a;
  uint16_t b[3];
  bool operator==(const Row&) const = default;
};

Row make_row(uint64_t i) {
  return {i * 7 + 1, {static_cast<uint16_t>(i), static_cast<uint16_t>(i >> 16), 0xBEEF}};
}

void push(ChunkRing& ring, const Row& row) {
  std::memcpy(ring.row(0), &row.a, sizeof row.a);
  std::memcpy(ring.row(1), row.b, sizeof row.b);
  ring.commit_row();
}

Row read_row(const ChunkRing& ring, uint64_t index) {
  const uint64_t chunk = index / ring.chunk_rows(), within = index % ring.chunk_rows();
  Row row{};
  std::memcpy(&row.a, ring.chunk(chunk, 0).data() + within * sizeof row.a, sizeof row.a);
  std::memcpy(row.b, ring.chunk(chunk, 1).data() + within * sizeof row.b, sizeof row.b);
  return row;
}

const std::vector<size_t> kColumns{sizeof(uint64_t), 3 * sizeof(uint16_t)};

TEST(ChunkRing, MatchesDequeOracleUnderRandomInterleaving) {
  uint64_t total_dropped = 0;
  for (uint64_t seed : {1u, 2u, 3u, 42u, 1234u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const size_t chunk_rows = 1 + rng() % 9, capacity = 1 + rng() % 5;
    ChunkRing ring(kColumns, chunk_rows, capacity);
    std::deque<Row> oracle;  // rows held by the ring, oldest first
    uint64_t next = 0, released_rows = 0, dropped = 0;
    for (int step = 0; step < 20000; ++step) {
      // Phases where the consumer keeps up alternate with phases where it falls far behind.
      const uint64_t consumer_odds = (step / 1000) % 2 == 0 ? 2 : 25;
      if (rng() % consumer_odds != 0) {  // producer
        const bool oracle_has_room = (next / chunk_rows) < (released_rows / chunk_rows) + capacity;
        ASSERT_EQ(ring.can_push(), oracle_has_room);
        if (!ring.can_push()) {
          ++dropped;
          continue;
        }
        const Row row = make_row(next++);
        push(ring, row);
        oracle.push_back(row);
        ASSERT_EQ(ring.rows_held(), oracle.size());
      } else {  // consumer: check every held row, then release the full chunks
        ASSERT_EQ(ring.committed_rows(), next);
        for (size_t i = 0; i < oracle.size(); ++i) {
          ASSERT_EQ(read_row(ring, released_rows + i), oracle[i]);
        }
        ring.warm_next_chunk();  // reads only: nothing held changes (checked next time)
        const uint64_t full_chunks = next / chunk_rows;
        ring.release_chunks(full_chunks);
        while (released_rows < full_chunks * chunk_rows) {
          oracle.pop_front();
          ++released_rows;
        }
      }
    }
    total_dropped += dropped;
  }
  EXPECT_GT(total_dropped, 0u) << "the random walks should have filled the ring";
}

TEST(ChunkRing, FullRingRefusesRowsUntilAChunkIsReleased) {
  ChunkRing ring(kColumns, 4, 2);
  for (uint64_t i = 0; i < 8; ++i) {
    ASSERT_TRUE(ring.can_push());
    push(ring, make_row(i));
  }
  EXPECT_FALSE(ring.can_push());
  EXPECT_EQ(ring.rows_held(), 8u);
  ring.release_chunks(1);
  EXPECT_TRUE(ring.can_push());
  push(ring, make_row(8));
  EXPECT_EQ(read_row(ring, 8), make_row(8));
  EXPECT_EQ(read_row(ring, 4), make_row(4));
}

// The logger's fast path: rows written straight at row(c) onward and published one by one
// through committed_counter(), handed back with commit_rows(n) before the next can_push(); the
// ring must hold exactly what row-by-row commits would have put there.
TEST(ChunkRing, RowsFilledDirectlyThenCommittedMatchRowByRowCommits) {
  for (uint64_t seed : {1u, 7u, 99u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const size_t chunk_rows = 1 + rng() % 7, capacity = 2 + rng() % 3;
    ChunkRing ring(kColumns, chunk_rows, capacity, rng() % 20);
    uint64_t next = ring.produced_rows(), released_rows = next / chunk_rows * chunk_rows;
    const uint64_t first = next;
    for (int step = 0; step < 3000; ++step) {
      if (rng() % 3 != 0 && ring.can_push()) {
        const size_t room = ring.rows_left_in_chunk();
        ASSERT_GE(room, 1u);
        ASSERT_LE(room, chunk_rows);
        const size_t n = 1 + rng() % room;  // write n rows directly, publishing each
        std::byte* a = ring.row(0);
        std::byte* b = ring.row(1);
        for (size_t k = 0; k < n; ++k) {
          const Row row = make_row(next);
          std::memcpy(a + k * sizeof row.a, &row.a, sizeof row.a);
          std::memcpy(b + k * sizeof row.b, row.b, sizeof row.b);
          ring.committed_counter().store(++next, std::memory_order_release);
          ASSERT_EQ(ring.committed_rows(), next);
        }
        ring.commit_rows(n);
        ASSERT_EQ(ring.produced_rows(), next);
        ASSERT_EQ(ring.rows_left_in_chunk(), room - n);
        // Mixed with commit_row().
        if (rng() % 2 == 0 && ring.can_push()) push(ring, make_row(next++));
      } else {
        for (uint64_t i = std::max(released_rows, first); i < next; ++i) {
          ASSERT_EQ(read_row(ring, i), make_row(i));
        }
        ring.release_chunks(next / chunk_rows);
        released_rows = next / chunk_rows * chunk_rows;
      }
    }
    EXPECT_GT(next - first, 1000u);
  }
}

// The consumer also warms the producer's next chunk on every poll, reading pages the producer
// may be writing (under ThreadSanitizer too: that read is meant, and exempt).
TEST(ChunkRing, ProducerAndConsumerThreadsHandOverEveryRowIntact) {
  constexpr uint64_t kRows = 200000;
  // Columns within a page, and columns of many pages (each starting at its own page offset).
  for (const auto& [chunk_rows, capacity] : {std::pair<size_t, size_t>{64, 4}, {4096, 8}}) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk_rows));
    ChunkRing ring(kColumns, chunk_rows, capacity);
    uint64_t dropped = 0;
    std::atomic<bool> done{false};
    std::thread producer([&] {
      for (uint64_t i = 0; i < kRows; ++i) {
        if (!ring.can_push()) {
          ++dropped;
          continue;
        }
        push(ring, make_row(i));
      }
      done.store(true, std::memory_order_release);
    });
    std::vector<Row> received;
    for (;;) {
      const bool finished = done.load(std::memory_order_acquire);
      const uint64_t committed = ring.committed_rows();
      while (received.size() < committed) received.push_back(read_row(ring, received.size()));
      ring.release_chunks(received.size() / ring.chunk_rows());
      ring.warm_next_chunk();
      if (finished && received.size() == ring.committed_rows()) break;
      std::this_thread::yield();
    }
    producer.join();
    ASSERT_EQ(received.size() + dropped, kRows);
    // Each row's payload says which index it was: rows arrive in order and untorn.
    uint64_t previous = 0;
    for (size_t i = 0; i < received.size(); ++i) {
      const uint64_t index = (received[i].a - 1) / 7;
      ASSERT_EQ(received[i], make_row(index)) << "row " << i << " torn";
      if (i > 0) {
        ASSERT_GT(index, previous) << "rows out of order";
      }
      previous = index;
    }
  }
}

// Columns of more than a page start at different offsets in their pages, so that no push meets
// the next page of every column at once: a row begins a page in at most one column.
TEST(ChunkRing, ColumnsCrossIntoTheirNextPageOnDifferentRows) {
  const std::vector<size_t> columns(17, sizeof(double));  // the benchmark's 16 channels and time
  constexpr size_t kChunkRows = 8192, kCapacity = 4;
  ChunkRing ring(columns, kChunkRows, kCapacity);
  std::vector<uint8_t> crossings(kChunkRows * kCapacity, 0);
  for (size_t c = 0; c < columns.size(); ++c) {
    for (uint64_t chunk = 0; chunk < kCapacity; ++chunk) {
      const auto start = reinterpret_cast<uintptr_t>(ring.chunk(chunk, c).data());
      EXPECT_EQ(start % alignof(double), 0u) << "column " << c;
      for (size_t row = 0; row < kChunkRows; ++row) {
        if ((start + row * sizeof(double)) % 4096 == 0) ++crossings[chunk * kChunkRows + row];
      }
    }
  }
  EXPECT_EQ(*std::max_element(crossings.begin(), crossings.end()), 1);
  // Every page start is met by some row: 17 columns x 64 KiB x 4 chunks / 4 KiB (the first page
  // of a column that does not start on a page boundary is met by no row).
  const size_t met = static_cast<size_t>(std::count(crossings.begin(), crossings.end(), 1));
  EXPECT_GE(met, 17u * kCapacity * kChunkRows * sizeof(double) / 4096 - 17);
}

// warm_next_chunk() reads every page of the chunk after the producer's, and no other: pages
// taken away from the process (MADV_DONTNEED here; a hypervisor or page aging in the field) are
// present again after it, those of later chunks are not.
TEST(ChunkRing, WarmingMapsEveryPageOfTheProducersNextChunkAgain) {
  const size_t page = page_bytes(), chunk_rows = 8 * page / sizeof(double);  // 8 pages a chunk
  const std::vector<size_t> columns(3, sizeof(double));
  ChunkRing ring(columns, chunk_rows, 4);
  for (size_t i = 0; i < chunk_rows + 5; ++i) {  // the producer is in chunk 1
    ASSERT_TRUE(ring.can_push());
    ring.commit_row();
  }
  // The whole pages inside a chunk's buffer.
  const auto pages = [&](uint64_t chunk, size_t column) {
    const std::span<const std::byte> b = ring.chunk(chunk, column);
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(b.data()) + page - 1) / page * page;
    const uintptr_t end = (reinterpret_cast<uintptr_t>(b.data()) + b.size()) / page * page;
    return std::pair{reinterpret_cast<void*>(begin), end - begin};
  };
  const auto resident = [&](uint64_t chunk, size_t column) {
    const auto [at, bytes] = pages(chunk, column);
    return resident_pages(at, bytes);
  };
  for (uint64_t chunk : {2, 3}) {
    for (size_t c = 0; c < columns.size(); ++c) {
      const auto [at, bytes] = pages(chunk, c);
      ASSERT_EQ(madvise(at, bytes, MADV_DONTNEED), 0) << std::strerror(errno);
      if (resident(chunk, c) != 0) GTEST_SKIP() << "pages stay mapped after MADV_DONTNEED here";
    }
  }
  ring.warm_next_chunk();
  for (size_t c = 0; c < columns.size(); ++c) {
    EXPECT_EQ(resident(2, c), pages(2, c).second / page) << "column " << c;
    EXPECT_EQ(resident(3, c), 0u) << "column " << c;
  }
  // Once per chunk: chunk 2, dropped again, stays away until the producer moves on; then the
  // next call warms chunk 3.
  const auto [at, bytes] = pages(2, 0);
  ASSERT_EQ(madvise(at, bytes, MADV_DONTNEED), 0) << std::strerror(errno);
  ring.warm_next_chunk();
  EXPECT_EQ(resident(2, 0), 0u);
  for (size_t i = 0; i < chunk_rows; ++i) {  // into chunk 2
    ASSERT_TRUE(ring.can_push());
    ring.commit_row();
  }
  ring.warm_next_chunk();
  for (size_t c = 0; c < columns.size(); ++c) {
    EXPECT_EQ(resident(3, c), pages(3, c).second / page) << "column " << c;
  }
}

}  // namespace
}  // namespace h5rec
