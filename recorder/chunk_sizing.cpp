#include "recorder/chunk_sizing.hpp"

#include <algorithm>
#include <cmath>

namespace h5rec {

size_t chunk_rows_for(double rate_hz, double checkpoint_interval_s, size_t widest_row_bytes,
                      size_t chunk_bytes) {
  const double fill_rows = std::ceil(rate_hz * checkpoint_interval_s / kChunksPerCheckpoint);
  const size_t wanted = std::max(kMinChunkRows, static_cast<size_t>(fill_rows));
  const size_t cap = std::max<size_t>(1, chunk_bytes / widest_row_bytes);
  return std::min(wanted, cap);
}

size_t ring_chunks_for(double rate_hz, double ring_seconds, size_t chunk_rows) {
  const double chunks = std::ceil(rate_hz * ring_seconds / static_cast<double>(chunk_rows));
  return std::max<size_t>(2, static_cast<size_t>(chunks) + 1);
}

}  // namespace h5rec
