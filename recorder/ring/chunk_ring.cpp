#include "recorder/ring/chunk_ring.hpp"

#include <cassert>

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
  for (size_t bytes : row_bytes) {
    assert(bytes >= 1);
    // Value-initialised, so nothing uninitialised ever reaches a file.
    columns_.push_back(
        {bytes, std::make_unique<std::byte[]>(bytes * chunk_rows * capacity_chunks), nullptr});
  }
}

}  // namespace h5rec
