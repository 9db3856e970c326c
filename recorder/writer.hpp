// The writer: drains rings into their HDF5 datasets with direct chunk writes and runs
// checkpoints. Its thread (run()) is the only one that touches HDF5 or storage while recording;
// other threads that must (a logger creating a dataset, an explicit flush) take lock() first.
//
// Between checkpoints only full chunks are written (and their ring buffers released). A
// checkpoint also writes each ring's partial last chunk, sets every dataset to the rows
// committed so far, flushes all HDF5 metadata and commits the file through the journal driver
// (SWMR readers then see the rows, and they survive a crash).
//
// With a SegmentSource (the recorder) the writer also rotates segments after a checkpoint when
// they are due and applies the retention policy, and handles storage failures (writes that fail are
// held and retried by the journal driver, so they surface as failing checkpoints): a failing
// checkpoint is retried; after kAttempts failures in a row, or once the driver has given the file
// up (a failed fsync), the segment is given up (rolled back to its last checkpoint) and a new one
// started; ENOSPC first applies the retention policy and, if that frees nothing, stops writing
// until space returns. The samplers never notice: rows that do not fit in the rings are dropped and
// counted by them, rows rolled back with a failed segment and no longer in the ring are counted as
// lost by the writer. Without a source (the logger) failures are counted and retried at the next
// poll.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "platform/clock.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/appendable_dataset.hpp"
#include "recorder/hdf5/h5_file.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/sampler.hpp"
#include "recorder/segment_source.hpp"
#include "recorder/status_log.hpp"

namespace h5rec {

struct WriterStats;

struct WriterSettings {  // intervals > 0
  int64_t checkpoint_interval_ns = platform::kNsPerSecond;
  int64_t status_interval_ns = platform::kNsPerSecond;
  std::string output_dir;  // for free-space readings
  // Called on the writer thread after every completed checkpoint (tests mark crash traces).
  std::function<void(const WriterStats&)> on_checkpoint;
};

// What the writer serves beyond the file it starts with. The recorder gives all three; the
// logger none (one file: failures are retried there, no /_status); the writer-path benchmark the
// segments only.
struct WriterOutputs {
  // Later segments come from here: rotation, retention, giving a failed segment up.
  SegmentSource* segments = nullptr;
  // The /_status log (its ring bound too): the writer reads the free space every status interval
  // for health() and appends the last row, with the final counts, when it finishes; the rows
  // before come from the status thread (StatusSampler).
  StatusLog* status = nullptr;
  std::vector<const SamplerCounters*> counters;  // the samplers' counts, for the status rows
};

// A ring and where its rows go. Row numbers are the ring's (rows since the recording started);
// the current segment's datasets start at first_row.
struct WriterBinding {
  ChunkRing* ring = nullptr;
  std::vector<h5::AppendableDataset*> columns;  // ring column c → columns[c]
  uint64_t rows_written = 0;            // rows handed to the current segment (the ring's first row)
  SamplerCounters* counters = nullptr;  // where lost rows are counted (optional)
  uint64_t first_row = 0;               // row 0 of the current segment's datasets
  uint64_t rows_checkpointed = 0;       // rows durable in the current segment
  uint64_t rows_in_closed_segments = 0;
  // Column 0 holds each row's time (int64, ns UTC; the recorder's groups): a scheduled checkpoint
  // then takes the rows before its instant, not a row due at the same instant, which may or may
  // not have been pushed yet (and would often start a chunk, written whole for that one row).
  bool time_column = false;
};

struct WriterStats {
  uint64_t checkpoints = 0;
  uint64_t storage_errors = 0;
  uint64_t segments_given_up = 0;
  int64_t max_checkpoint_ns = 0;
  std::vector<uint64_t> rows_stored;  // per binding, in the order added: rows in every segment
};

class Writer {
 public:
  // `file` is the first (or only) file; `outputs` says what else the writer serves.
  Writer(h5::File& file, platform::Clock& clock, platform::Storage& storage,
         WriterSettings settings, WriterOutputs outputs = {});

  // Serialises HDF5 access between this writer's thread and every other thread using HDF5.
  static std::unique_lock<std::mutex> lock() { return std::unique_lock(h5::api_mutex()); }

  // Adds a ring; the caller holds lock() (or the writer thread is not running yet).
  void add(WriterBinding binding);

  // Thread body; the calling thread must be attached to the clock. Runs until `finish` is set
  // (after the producers have stopped), then writes everything left and makes a final
  // checkpoint. The last segment stays open for its owner to close. `stopped_at` (optional: the
  // recorder's) is the monotonic time the producers were told to stop (Sampler::kNotStopped
  // before): from then on no segment is rotated (the recording has ended; a virtual clock may
  // run on while the producers are joined), and the last /_status row is stamped with it.
  void run(const RecordingStart& start, const std::atomic<bool>& finish,
           const std::atomic<int64_t>* stopped_at = nullptr);

  // Called with lock() held, from any thread. A binding with a time column gets only its rows
  // stamped before `rows_before_utc_ns` (run() passes the scheduled instant; see
  // WriterBinding::time_column); every other binding all its committed rows.
  Status checkpoint(int64_t rows_before_utc_ns = INT64_MAX);
  Status write_full_chunks();

  // Whether a segment is open (false while stopped for lack of space or a failing card).
  bool writing() const { return file_ != nullptr; }
  WriterStats stats() const;
  // For /_status rows: from any thread.
  WriterHealth health() const;
  // Reads the output file system's free space for health(): run() does every status interval;
  // call it once before the status thread starts, for its first row.
  void read_free_space();
  // Passes through the writer loop so far (at least one per 20 ms unless storage blocks it).
  uint64_t passes() const { return passes_.load(std::memory_order_relaxed); }

  // A failing operation is tried this many times before its segment is given up.
  static constexpr int kAttempts = 3;

 private:
  // The time (column 0) of a row still in the ring.
  static int64_t row_time(const ChunkRing& ring, uint64_t row);
  // Writes the committed rows of one binding (all of them, or only whole chunks); with a time
  // column, the partial chunk only up to rows stamped before `rows_before_utc_ns`.
  Status write_binding(WriterBinding& binding, bool include_partial_chunk,
                       int64_t rows_before_utc_ns = INT64_MAX);
  // The bytes of one dataset chunk: the ring's buffer when the chunk is whole and aligned with
  // the ring's, else a zero-padded copy in scratch_.
  std::span<const std::byte> chunk_bytes(const WriterBinding& binding, size_t column,
                                         uint64_t first_row, uint64_t rows);
  // Counts a failure and logs the first of a run of them (and the recovery).
  void report(const Status& s, const char* what, bool& failing);
  // The last /_status row (after the status thread has stopped), stamped `utc_ns`.
  void append_last_status_row(int64_t utc_ns);
  // The failure policy (see the top of this file) after `s` failed.
  void on_failure(const Status& s);
  // After a successful scheduled checkpoint: rotates when due, then applies retention.
  void after_checkpoint();
  // Rotates to the next segment (segments_ set), when due.
  void rotate_if_due();
  // Gives the current segment up (rolled back to its last checkpoint).
  void give_up();
  // Opens the next segment (after a rotation or a give-up); false if it could not.
  bool open_next_segment();
  void use_segment(const OpenSegment& segment);
  // Whether some ring holds a whole chunk not yet written.
  bool full_chunk_waiting() const;
  // Rows written so far, all bindings together.
  uint64_t rows_written() const;
  // At the end: rows produced but not durable in any segment are lost (counted).
  void count_rows_never_stored();

  // How often the writer looks for full chunks between checkpoints.
  static constexpr int64_t kPollNs = 20 * platform::kNsPerMs;
  // ... and how often right after a pass that wrote rows: a producer that fills its ring faster
  // than a 20 ms poll would empty it (a logger in a tight loop, a fast IIO buffer) streams at the
  // storage's pace; the first pass that writes nothing goes back to kPollNs.
  static constexpr int64_t kStreamingPollNs = platform::kNsPerMs;
  // While no segment is open, how often it tries to open one.
  static constexpr int64_t kRetryNs = platform::kNsPerSecond;

  std::atomic<uint64_t> passes_{0};
  const std::atomic<int64_t>* stopped_at_ = nullptr;  // run()'s
  h5::File* file_;                                    // null while stopped
  platform::Clock& clock_;
  platform::Storage& storage_;
  WriterSettings settings_;
  StatusLog* status_;
  std::vector<const SamplerCounters*> counters_;
  SegmentSource* segments_;
  std::vector<WriterBinding> bindings_;
  // Written by the writer thread; the atomics are read by health() on the status thread.
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<uint64_t> storage_errors_{0};
  std::atomic<uint64_t> storage_free_bytes_{0};
  std::atomic<int64_t> last_checkpoint_ns_{0};      // how long it took
  std::atomic<int64_t> last_checkpoint_end_ns_{0};  // monotonic time it completed
  uint64_t segments_given_up_ = 0;
  int64_t max_checkpoint_ns_ = 0;
  int failures_in_row_ = 0;
  bool out_of_space_ = false;        // stopped until space_available()
  bool failing_write_ = false;       // the last write of full chunks failed
  bool failing_checkpoint_ = false;  // the last checkpoint failed
  bool failing_open_ = false;        // the last attempt to open a segment failed
  std::vector<std::byte> scratch_;   // a copy of one chunk (sized by add())
};

}  // namespace h5rec
