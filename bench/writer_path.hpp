// The recorder's writer path without sensors, for benchmarks that drive its producer side: one
// rate group of `channels` float64 columns (plus time) in a ChunkRing, segment files from a
// SegmentStore (the recorder's file layout, journaled checkpoints when crash-safe, rotation) and
// the Writer on its own thread, on the storage and clock given.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/error.hpp"
#include "platform/clock.hpp"
#include "platform/storage.hpp"
#include "platform/thread.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/segment_store.hpp"
#include "recorder/writer.hpp"

namespace h5rec::bench {

struct WriterPathSettings {
  std::string dir;
  size_t channels = 1;         // float64 columns besides the int64 time column
  size_t chunk_bytes = 65536;  // of every dataset (chunk_bytes / 8 rows)
  size_t ring_chunks = 4;
  bool crash_safe = true;
  double checkpoint_interval_s = 1.0;
  double segment_duration_s = 0;  // rotate this often (0: one segment)
};

struct WriterPathResult {
  int64_t final_checkpoint_ns = 0;  // clock time when the final checkpoint was done
  uint64_t rows_stored = 0;
  uint64_t checkpoints = 0;
  size_t segments = 0;
  uint64_t storage_errors = 0;
};

class WriterPath {
 public:
  // Creates the first segment and starts the writer thread.
  static Result<std::unique_ptr<WriterPath>> start(const WriterPathSettings& settings,
                                                   platform::Clock& clock,
                                                   platform::Storage& storage);
  ~WriterPath();

  // The producer side (one thread): column 0 is time, column c + 1 is channel c.
  ChunkRing& ring() { return *ring_; }
  size_t row_bytes() const { return sizeof(int64_t) * (1 + settings_.channels); }

  // Writes everything committed, makes the final checkpoint, closes the last segment and
  // deletes the segment files.
  Result<WriterPathResult> finish();

 private:
  WriterPath(const WriterPathSettings& settings, platform::Clock& clock,
             platform::Storage& storage);

  WriterPathSettings settings_;
  platform::Clock& clock_;
  platform::Storage& storage_;
  std::unique_ptr<ChunkRing> ring_;
  std::unique_ptr<SegmentStore> store_;
  std::unique_ptr<Writer> writer_;
  std::atomic<bool> finish_{false};
  platform::Thread thread_;
  bool finished_ = false;
};

}  // namespace h5rec::bench
