// The writer: drains rings into their HDF5 datasets with direct chunk writes and runs
// checkpoints. Its thread (run()) is the only one that touches HDF5 or storage while recording;
// other threads that must (a logger creating a dataset, an explicit flush) take lock() first.
//
// Between checkpoints only full chunks are written (and their ring buffers released). A
// checkpoint also writes each ring's partial last chunk, sets every dataset to the rows
// committed so far, flushes all HDF5 metadata (SWMR readers then see the rows) and fsyncs the
// file (the rows are then durable).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "platform/clock.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/appendable_dataset.hpp"
#include "recorder/hdf5/h5_file.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/sampler.hpp"
#include "recorder/status_log.hpp"

namespace h5rec {

struct WriterSettings {  // intervals > 0
  int64_t checkpoint_interval_ns = platform::kNsPerSecond;
  int64_t status_interval_ns = platform::kNsPerSecond;
  std::string output_dir;  // for free-space readings
};

// A ring and the datasets its columns go to.
struct WriterBinding {
  ChunkRing* ring = nullptr;
  std::vector<h5::AppendableDataset*> columns;  // ring column c → columns[c]
  uint64_t rows_written = 0;  // rows already in the file (the ring's first row)
};

struct WriterStats {
  uint64_t checkpoints = 0;
  uint64_t storage_errors = 0;
  int64_t max_checkpoint_ns = 0;
  std::vector<uint64_t> rows_written;  // per binding, in the order added
};

class Writer {
 public:
  // With a status log, a health row is appended every status interval (its ring must be bound
  // too).
  Writer(h5::File& file, platform::Clock& clock, platform::Storage& storage,
         WriterSettings settings, StatusLog* status = nullptr,
         std::vector<const SamplerCounters*> counters = {});

  // Serialises HDF5 access between this writer's thread and every other thread using HDF5.
  static std::unique_lock<std::mutex> lock() { return std::unique_lock(h5::api_mutex()); }

  // Adds a ring; the caller holds lock() (or the writer thread is not running yet).
  void add(WriterBinding binding);

  // Thread body; the calling thread must be attached to the clock. Runs until `finish` is set
  // (after the producers have stopped), then writes everything left and makes a final checkpoint.
  void run(const RecordingStart& start, const std::atomic<bool>& finish);

  // Called with lock() held, from any thread. Given the caller's lock, checkpoint() releases it
  // during the fsync (HDF5 is flushed by then), so a slow card does not block other HDF5 users.
  Status checkpoint(std::unique_lock<std::mutex>* held = nullptr);
  Status write_full_chunks();

  WriterStats stats() const;

 private:
  // Writes the committed rows of one binding (all of them, or only whole chunks).
  Status write_binding(WriterBinding& binding, bool include_partial_chunk);
  // Counts a failure and logs the first of a run of them (and the recovery).
  void report(const Status& s, const char* what, bool& failing);
  void append_status_row();

  // How often the writer looks for full chunks between checkpoints.
  static constexpr int64_t kPollNs = 20 * platform::kNsPerMs;

  h5::File& file_;
  platform::Clock& clock_;
  platform::Storage& storage_;
  WriterSettings settings_;
  StatusLog* status_;
  std::vector<const SamplerCounters*> counters_;
  std::vector<WriterBinding> bindings_;
  uint64_t checkpoints_ = 0;
  uint64_t storage_errors_ = 0;
  int64_t last_checkpoint_ns_ = 0;
  int64_t max_checkpoint_ns_ = 0;
  bool failing_write_ = false;       // the last write of full chunks failed
  bool failing_checkpoint_ = false;  // the last checkpoint failed
  std::vector<std::byte> scratch_;   // a copy of a partial chunk (sized by add())
};

}  // namespace h5rec
