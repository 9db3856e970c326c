#include "recorder/ring/chunk_ring.hpp"

#include <cassert>
#include <cstdint>

namespace h5rec {

ChunkRing::ChunkRing(std::span<const size_t> row_bytes, size_t chunk_rows, size_t capacity_chunks,
                     uint64_t first_row)
    : chunk_rows_(chunk_rows),
      capacity_chunks_(capacity_chunks),
      produced_(first_row),
      committed_(first_row),
      released_chunks_(first_row / chunk_rows) {
  assert(chunk_rows >= 1 && capacity_chunks >= 1);
  columns_.reserve(row_bytes.size());
  for (size_t i = 0; i < row_bytes.size(); ++i) {
    const size_t bytes = row_bytes[i] * chunk_rows * capacity_chunks;
    assert(bytes >= 1);
    // Columns advance together, so columns starting at the same offset in a page would all
    // cross into their next page on the same row, and that one push would meet all their new
    // pages at once (a TLB miss each, on a small board each a page-table walk through memory).
    // Each column longer than a page starts at its own offset in the page instead (cache-line
    // steps spread over the page), so the crossings fall on different rows, one or a few per push.
    const bool staggered = bytes > kPageBytes;
    const size_t offset = i * kPageBytes / row_bytes.size() / kCacheLineBytes * kCacheLineBytes;
    // Value-initialised, so nothing uninitialised ever reaches a file.
    Column c{row_bytes[i], std::make_unique<std::byte[]>(bytes + (staggered ? kPageBytes : 0))};
    c.data = c.memory.get();
    if (staggered) {
      const size_t at = reinterpret_cast<uintptr_t>(c.data) % kPageBytes;
      c.data += (kPageBytes + offset - at) % kPageBytes;
    }
    columns_.push_back(std::move(c));
  }
}

namespace {

// One load per page of `bytes`, which another thread may be writing (see warm_next_chunk()):
// not instrumented by ThreadSanitizer, for the race is meant and harmless.
__attribute__((no_sanitize("thread"))) void touch_pages(std::span<const std::byte> bytes,
                                                        size_t page_bytes) {
  const auto* at = reinterpret_cast<const volatile unsigned char*>(bytes.data());
  const auto* end = at + bytes.size();
  while (at < end) {
    (void)*at;
    at += page_bytes - reinterpret_cast<uintptr_t>(at) % page_bytes;
  }
}

}  // namespace

void ChunkRing::warm_next_chunk() {
  const uint64_t next = committed_rows() / chunk_rows_ + 1;
  if (next == warmed_chunk_) return;
  warmed_chunk_ = next;
  for (size_t c = 0; c < columns_.size(); ++c) touch_pages(buffer(next, c), kPageBytes);
}

}  // namespace h5rec
