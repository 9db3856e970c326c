// The writer thread: drains every group's ring into the recording file with direct chunk writes
// and runs checkpoints. It is the only thread that touches HDF5 or storage while recording.
//
// Between checkpoints only full chunks are written (and their ring buffers released). A
// checkpoint also writes each group's partial last chunk, sets every dataset to the rows
// committed so far, flushes all HDF5 metadata (SWMR readers then see the rows) and fsyncs the
// file (the rows are then durable).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "platform/clock.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/recording_file.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/sampler.hpp"
#include "recorder/status_log.hpp"

namespace h5rec {

struct WriterSettings {
  int64_t checkpoint_interval_ns = platform::kNsPerSecond;
  int64_t status_interval_ns = platform::kNsPerSecond;
  std::string output_dir;  // for free-space readings
};

struct WriterStats {
  uint64_t checkpoints = 0;
  uint64_t storage_errors = 0;
  int64_t max_checkpoint_ns = 0;
  std::vector<uint64_t> rows_written;  // per file group (data groups, then _status)
};

class Writer {
 public:
  // rings[i] feeds file group i; the last ring is the status log's. `sync_file` is the
  // recording opened through platform storage, used for fsync.
  Writer(RecordingFile& file, std::unique_ptr<platform::File> sync_file,
         std::vector<ChunkRing*> rings, StatusLog& status,
         std::vector<const SamplerCounters*> counters, platform::Clock& clock,
         platform::Storage& storage, WriterSettings settings);

  // Thread body; the calling thread must be attached to the clock. Runs until `finish` is set
  // (after the samplers have stopped), then writes everything left and makes a final checkpoint.
  void run(const RecordingStart& start, const std::atomic<bool>& finish);

  // Valid after run() returned.
  const WriterStats& stats() const { return stats_; }

 private:
  // Writes the rows of ring `group` that are committed (all of them, or only whole chunks).
  Status write_group(size_t group, bool include_partial_chunk);
  void write_full_chunks();
  void append_status_row();
  void checkpoint();

  // How often the writer looks for full chunks between checkpoints.
  static constexpr int64_t kPollNs = 20 * platform::kNsPerMs;

  RecordingFile& file_;
  std::unique_ptr<platform::File> sync_file_;
  std::vector<ChunkRing*> rings_;
  StatusLog& status_;
  std::vector<const SamplerCounters*> counters_;
  platform::Clock& clock_;
  platform::Storage& storage_;
  WriterSettings settings_;
  WriterStats stats_;
  int64_t last_checkpoint_ns_ = 0;
  bool reported_error_ = false;
};

}  // namespace h5rec
