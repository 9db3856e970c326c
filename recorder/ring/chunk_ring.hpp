// Single-producer single-consumer ring of preallocated chunk buffers, one column of buffers per
// dataset of a rate group (time and each channel). All columns advance together, so a group's
// datasets always hold the same rows.
//
// Producer (the group's sampler thread): can_push() → row(column) for each column → commit_row().
// It never blocks and never allocates; when the row's chunk has no free buffer, can_push() is
// false and the caller drops (and counts) the row. A producer that fills rows itself (the
// logger's inline fast path) writes up to rows_left_in_chunk() rows at row(column) onward,
// publishes each through committed_counter(), then commit_rows(n) before any other producer call.
// Consumer (the writer thread): committed_rows() → chunk(index, column) → release_chunks(n), and
// warm_next_chunk() on every poll.
// A chunk may be read while partially filled: rows below committed_rows() never change again.
//
// Only the two indices are shared; buffers are handed over by their release/acquire ordering.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace h5rec {

class ChunkRing {
 public:
  // row_bytes[c] = bytes of one row of column c. chunk_rows and capacity_chunks must be >= 1
  // (config load rejects anything else). All memory is allocated here. A ring continuing a
  // dataset starts at `first_row` (its rows before that are already stored).
  ChunkRing(std::span<const size_t> row_bytes, size_t chunk_rows, size_t capacity_chunks,
            uint64_t first_row = 0);

  size_t columns() const { return columns_.size(); }
  size_t chunk_rows() const { return chunk_rows_; }
  size_t capacity_chunks() const { return capacity_chunks_; }
  size_t chunk_bytes(size_t column) const { return columns_[column].row_bytes * chunk_rows_; }

  // --- producer thread ---
  // True when the next row has room; row() is then valid until commit_row(). Inside a chunk
  // this is one comparison: the consumer cannot take a chunk the producer is filling.
  bool can_push() {
    if (rows_left_in_chunk_ > 0) return true;
    const uint64_t chunk = produced_ / chunk_rows_;
    if (chunk >= released_chunks_.load(std::memory_order_acquire) + capacity_chunks_) return false;
    const uint64_t slot = chunk % capacity_chunks_;
    const size_t within = produced_ % chunk_rows_;
    for (Column& c : columns_) c.cursor = c.data + (slot * chunk_rows_ + within) * c.row_bytes;
    rows_left_in_chunk_ = chunk_rows_ - within;
    return true;
  }
  std::byte* row(size_t column) { return columns_[column].cursor; }
  void commit_row() { commit_rows(1); }
  // Commits `rows` rows written at row(c) onward, rows <= rows_left_in_chunk() (after can_push()).
  void commit_rows(size_t rows) {
    assert(rows <= rows_left_in_chunk_);
    for (Column& c : columns_) {
      c.cursor += rows * c.row_bytes;
      // The ring's memory was last touched a ring ago and is cold: fetch the cache line a few
      // rows ahead now, so the push that reaches it does not wait for it (prefetches never fault).
      __builtin_prefetch(c.cursor + kPrefetchBytes, 1);
    }
    rows_left_in_chunk_ -= rows;
    produced_ += rows;
    committed_.store(produced_, std::memory_order_release);
  }
  // After can_push(): rows that fit at row(c) onward before the chunk ends (at least 1).
  size_t rows_left_in_chunk() const { return rows_left_in_chunk_; }
  // Rows committed so far, as the producer counts them.
  uint64_t produced_rows() const { return produced_; }
  // What committed_rows() reads. A producer that fills rows itself may publish row produced+k
  // (k = 1..rows_left_in_chunk()) here as soon as it is written, so that the consumer sees each
  // row at once; it must still commit_rows() them before its next other producer call.
  std::atomic<uint64_t>& committed_counter() { return committed_; }
  // Rows held in the ring (committed and not yet released), as seen by the producer.
  uint64_t rows_held() const {
    return produced_ - released_chunks_.load(std::memory_order_acquire) * chunk_rows_;
  }

  // --- consumer thread ---
  uint64_t committed_rows() const { return committed_.load(std::memory_order_acquire); }
  uint64_t released_chunks() const { return released_chunks_.load(std::memory_order_relaxed); }
  // The whole buffer of a chunk that is not yet released (rows past committed_rows() are stale).
  std::span<const std::byte> chunk(uint64_t chunk_index, size_t column) const {
    return buffer(chunk_index, column);
  }
  // Before the producer starts: the chunk holding first_row, to fill in the stored rows before it.
  std::span<std::byte> first_chunk(size_t column) {
    return buffer(produced_ / chunk_rows_, column);
  }
  // Frees every chunk with index < chunk_count for the producer to reuse.
  void release_chunks(uint64_t chunk_count) {
    released_chunks_.store(chunk_count, std::memory_order_release);
  }
  // Reads one byte of each page of the chunk after the one the producer is filling, once per
  // chunk, so that the cost of meeting those pages again after a ring lap falls on this thread
  // and not on a push: the system may have taken them away meanwhile (a hypervisor does: the
  // first access to such a page costs ~10 us on the virtual machines we measure on; kernels
  // that age pages through the access flag make it a minor fault). Call it often (the writer
  // does on every pass). It may read bytes the producer is writing at that moment (a producer
  // a chunk ahead): the values are discarded, only the access matters.
  void warm_next_chunk();

 private:
  struct Column {
    size_t row_bytes;
    std::unique_ptr<std::byte[]> memory;
    std::byte* data = nullptr;    // the column's first buffer, inside memory
    std::byte* cursor = nullptr;  // producer: where the next row goes
  };

  // The buffer that holds chunk `chunk_index` of a column.
  std::span<std::byte> buffer(uint64_t chunk_index, size_t column) const {
    const Column& c = columns_[column];
    const uint64_t slot = chunk_index % capacity_chunks_;
    return {c.data + slot * chunk_rows_ * c.row_bytes, chunk_rows_ * c.row_bytes};
  }

  static constexpr size_t kPrefetchBytes = 256;
  static constexpr size_t kPageBytes = 4096;
  static constexpr size_t kCacheLineBytes = 64;

  std::vector<Column> columns_;
  const size_t chunk_rows_;
  const size_t capacity_chunks_;
  uint64_t produced_ = 0;          // producer-private copy of committed_
  size_t rows_left_in_chunk_ = 0;  // producer: rows before the cursor leaves its chunk
  alignas(64) std::atomic<uint64_t> committed_{0};
  alignas(64) std::atomic<uint64_t> released_chunks_{0};
  uint64_t warmed_chunk_ = 0;  // consumer: the last chunk warm_next_chunk() read (0: none yet)
};

}  // namespace h5rec
