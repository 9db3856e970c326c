// How many rows a group's chunks hold.
//
// A checkpoint writes each dataset's partial last chunk whole. The journal driver stores only
// what changes (no padding past the file's end, only new rows when the chunk is written again),
// but on file systems without sparse files (FAT) extending the file writes the padding anyway:
// up to (1 + chunk fill time / checkpoint interval) bytes per payload byte. Chunks are therefore
// sized to fill in an eighth of a checkpoint interval (at most 1.125 bytes written per payload
// byte there), capped at chunk_bytes per dataset, and at least kMinChunkRows rows so slow groups
// do not produce an index entry per sample.
#pragma once

#include <cstddef>

namespace h5rec {

inline constexpr size_t kMinChunkRows = 16;
inline constexpr double kChunksPerCheckpoint = 8.0;

// widest_row_bytes: bytes of the group's widest dataset row (8 for time at least).
size_t chunk_rows_for(double rate_hz, double checkpoint_interval_s, size_t widest_row_bytes,
                      size_t chunk_bytes);

// Chunk buffers a group's ring needs so the writer may stall for ring_seconds without a drop:
// the chunks filled during the stall plus the partial one the writer cannot release (>= 2).
size_t ring_chunks_for(double rate_hz, double ring_seconds, size_t chunk_rows);

}  // namespace h5rec
