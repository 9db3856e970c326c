// The /_status group: one health row per status interval, taken by the status thread
// (StatusSampler) and written by the writer through the same ring and chunk path as sensor
// data, so a stalled writer leaves no gap in it. Columns:
//   time                     int64 ns UTC
//   storage_free_bytes       uint64 bytes free on the output file system
//   checkpoint_duration_ns   int64 duration of the last completed checkpoint
//   checkpoints              uint64 checkpoints completed
//   storage_errors           uint64 failed storage/HDF5 operations so far
//   recording_ended          uint64 1 on the last row, appended after the recording stopped and
//                            its last rows were stored: its counts are final (0 on every other)
//   <group>_rows_due         uint64 rows of <group> the schedule called for so far
//   <group>_dropped_rows     uint64 rows of <group> not stored so far (cumulative): no room in
//                            the ring, or rolled back with a segment given up after failures
//   <group>_ring_high_water  uint64 most rows <group>'s ring has held
//   <group>_sensor_errors    uint64 failed sensor reads in <group> so far
//   <group>_channel_errors   uint64 (channels) the same per channel, in the order of the
//                            dataset's `channels` attribute (names joined by ",")
// The format, for readers and independent tools: docs/FORMAT.md.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "recorder/drop_log.hpp"
#include "recorder/hdf5/recording_file.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/sampler.hpp"
#include "recorder/sensor_health_log.hpp"

namespace h5rec {

inline constexpr const char* kStatusGroup = "_status";

struct WriterHealth {
  uint64_t storage_free_bytes = 0;
  int64_t checkpoint_duration_ns = 0;
  uint64_t checkpoints = 0;
  uint64_t storage_errors = 0;
  int64_t since_checkpoint_ns = 0;  // since the last completed checkpoint (not a column)
};

// A rate group as /_status reports it.
struct StatusGroup {
  std::string name;
  std::vector<std::string> channels;
};

class StatusLog {
 public:
  StatusLog(const std::vector<StatusGroup>& groups, double interval_s, double checkpoint_interval_s,
            double ring_seconds);

  // Memory the ring of a status log with these settings takes (checked before it is made).
  static size_t ring_bytes(const std::vector<StatusGroup>& groups, double interval_s,
                           double checkpoint_interval_s, double ring_seconds);

  const GroupLayout& layout() const { return layout_; }
  ChunkRing& ring() { return ring_; }
  // Appends one row (false when the ring is full: storage failing for a long time) and logs the
  // channels whose sensors started failing or read again and the groups that started or stopped
  // dropping rows since the last row. Called by one thread at a time (the ring's producer).
  bool append(int64_t utc_ns, const WriterHealth& health,
              std::span<const SamplerCounters* const> groups, bool recording_ended = false);

 private:
  static size_t chunk_rows(const std::vector<StatusGroup>& groups, double interval_s,
                           double checkpoint_interval_s);
  static std::vector<size_t> row_bytes(const std::vector<StatusGroup>& groups);

  static constexpr size_t kValueBytes = 8;  // every status value is a 64-bit number
  // time, free bytes, checkpoint duration, checkpoints, storage errors, recording ended
  static constexpr size_t kFixedColumns = 6;
  static constexpr size_t kMaxChunkBytes = 4096;
  // The status ring holds at least this many rows (a few hundred bytes each; 10 minutes at the
  // default 1 s interval), more than ring_seconds of them when that is less: /_status keeps its
  // rows through the long storage stalls it is there to tell of.
  static constexpr double kMinHeldRows = 600;
  static double held_seconds(double interval_s, double ring_seconds) {
    return std::max(ring_seconds, kMinHeldRows * interval_s);
  }

  GroupLayout layout_;
  ChunkRing ring_;
  SensorHealthLog health_log_;
  DropLog drop_log_;
};

}  // namespace h5rec
