// Wires one recording together: a sampler thread and ring per rate group, one writer thread, one
// status thread, one reopener thread (reopens failed devices for the samplers), one HDF5 file.
// All memory (rings, sensors, scratch) is taken in create(); run() only starts threads and opens
// the file.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "config/recorder_config.hpp"
#include "platform/clock.hpp"
#include "platform/sensor.hpp"
#include "platform/storage.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/sampler.hpp"
#include "recorder/status_log.hpp"
#include "recorder/writer.hpp"

namespace h5rec {

class Reopener;
class SegmentStore;
class StatusSampler;

struct GroupSummary {
  std::string name;
  uint64_t rows_due = 0;      // rows the schedule called for
  uint64_t rows_stored = 0;   // rows in the segment files
  uint64_t rows_dropped = 0;  // rows_due - rows_stored: no room in the ring, or rolled back
  uint64_t ring_high_water = 0;
};

struct RecordingSummary {
  std::vector<std::string> paths;  // the segments, in order (retention may have deleted some)
  std::vector<GroupSummary> groups;
  WriterStats writer;
  std::vector<std::string> deleted;  // segments retention deleted (of this run or older ones)

  // Rows due but not stored, all groups together (dropped, or rolled back with a given-up
  // segment and no longer in the ring).
  uint64_t rows_not_stored() const {
    uint64_t n = 0;
    for (const GroupSummary& g : groups) n += g.rows_dropped;
    return n;
  }
};

class Recorder {
 public:
  // Makes each channel's sensor with `sensors` (used only here; the program passes
  // board::sensor_factory()). Fails (naming the config file, line and key) on an unknown sensor
  // kind or parameter, or an output directory that cannot be created or written.
  static Result<std::unique_ptr<Recorder>> create(const config::RecorderConfig& config,
                                                  platform::Clock& clock,
                                                  platform::Storage& storage,
                                                  const platform::SensorFactory& sensors);

  // Recovers this device's unclean files in the output directory (logging what it did), then
  // records into rotating segments until `duration_ns` has passed (if given) or `interrupt`
  // becomes true, then makes a final checkpoint and closes the last segment. Call once.
  Result<RecordingSummary> run(std::optional<int64_t> duration_ns,
                               const std::atomic<bool>& interrupt);

  // Called on the writer thread after every completed checkpoint, with the rows then durable
  // per group (the last entry is /_status). Set before run().
  void set_checkpoint_observer(std::function<void(const WriterStats&)> observer) {
    checkpoint_observer_ = std::move(observer);
  }

  // Called on the thread that called run(), every 100 ms (clock time) in which the writer
  // thread has made progress: it has passed through its loop since the previous call. A writer
  // blocked in storage (a hung card, a deadlock) stops the calls; a supervisor's watchdog
  // (systemd's WATCHDOG=1) fed from here then restarts the recorder. Set before run().
  void set_liveness_observer(std::function<void()> observer) {
    liveness_observer_ = std::move(observer);
  }
  // Called on the thread that called run() when the recording begins to stop (its duration is
  // over or `interrupt` was set), before the final checkpoint and close. Set before run().
  void set_stopping_observer(std::function<void()> observer) {
    stopping_observer_ = std::move(observer);
  }

  // Called on the thread that called run() once the first segment is open and the writer is set
  // up, before the recorder's threads start: what the recording takes at start-up is taken by
  // then. The argument is the heap it still takes as it runs (HDF5's metadata cache filling), for
  // a program that reserves it there (platform::reserve_heap). Set before run().
  void set_started_observer(std::function<void(size_t heap_to_come_bytes)> observer) {
    started_observer_ = std::move(observer);
  }

  // Test hook: lets a test count allocations made by sampler threads (named "h5rec-sample").
  static constexpr const char* kSamplerThreadPrefix = "h5rec-sample";

 private:
  Recorder(const config::RecorderConfig& config, platform::Clock& clock,
           platform::Storage& storage);
  std::vector<GroupLayout> file_layout() const;
  void recover_output_dir();
  // Sleeps (attached to the clock) until the duration has passed or `interrupt` is set.
  // Calls the liveness observer while `writer` makes progress.
  // run()'s phases, called on the thread that calls run().
  SegmentStore make_segment_store();
  WriterSettings writer_settings() const;
  // Hands the writer each group's ring and the status ring, with their columns in `first`.
  void bind_rings(Writer& writer, const OpenSegment& first);
  void report_started();  // started_observer_, with the heap HDF5 will take
  // Starts the writer, status, reopener and sampler threads, waits for the end of the recording
  // (duration_ns or interrupt), stops sampling and joins every thread.
  void run_threads(const RecordingStart& start, std::optional<int64_t> duration_ns,
                   const std::atomic<bool>& interrupt, Writer& writer,
                   StatusSampler& status_sampler, Reopener& reopener);
  void wait_until_done(const RecordingStart& start, std::optional<int64_t> duration_ns,
                       const std::atomic<bool>& interrupt, const Writer& writer);
  RecordingSummary summarize(const SegmentStore& store, const Writer& writer) const;

  config::RecorderConfig config_;
  platform::Clock& clock_;
  platform::Storage& storage_;
  std::vector<GroupLayout> layouts_;        // data groups
  platform::SharedDevices shared_devices_;  // devices several channels read (made with the sensors)
  std::vector<std::unique_ptr<ChunkRing>> rings_;
  std::vector<std::unique_ptr<Sampler>> samplers_;
  std::unique_ptr<StatusLog> status_;
  std::function<void(const WriterStats&)> checkpoint_observer_;
  std::function<void()> liveness_observer_;
  std::function<void()> stopping_observer_;
  std::function<void(size_t)> started_observer_;
};

}  // namespace h5rec
