// One sampler per rate group: on an absolute-time schedule it reads every channel's sensor and
// pushes one row (time + channels) into the group's ChunkRing. It never waits on storage: when
// the ring is full the row is dropped and counted. After construction it never allocates: a
// device that fails is handed to the recorder's reopener thread (recorder/reopener.hpp), which
// closes and reopens its sensors, and is taken back once reopened (recorder/device_handoff.hpp);
// meanwhile its channels store fill.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/dtype.hpp"
#include "platform/clock.hpp"
#include "platform/sensor.hpp"
#include "recorder/device_handoff.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/row_schedule.hpp"

namespace h5rec {

// Health counters of a group: written by its sampler (lost_rows by the writer), read by the
// writer (relaxed atomics).
struct SamplerCounters {
  std::atomic<uint64_t> rows_due{0};         // rows the schedule called for so far
  std::atomic<uint64_t> dropped_rows{0};     // rows not stored: ring full or sampler overrun
  std::atomic<uint64_t> lost_rows{0};        // rows rolled back with a given-up segment
  std::atomic<uint64_t> ring_high_water{0};  // most rows ever held in the ring
  std::atomic<uint64_t> sensor_errors{0};    // failed sensor reads (value stored as fill)
  std::unique_ptr<std::atomic<uint64_t>[]> channel_errors;  // the same, per channel
  std::unique_ptr<std::atomic<uint64_t>[]> channel_reads;   // successful reads, per channel
};

struct SampledChannel {
  std::unique_ptr<platform::Sensor> sensor;
  DType dtype = DType::kFloat64;
  size_t components = 1;
  bool open = true;  // false: open() failed at start-up (an optional device): the reopener opens it
};

// Where a recording sits in time: both clocks read at the same moment.
struct RecordingStart {
  int64_t monotonic_ns = 0;
  int64_t utc_ns = 0;
};

class Sampler {
 public:
  // The ring's column 0 is time (int64), column c+1 is channels[c].
  Sampler(double rate_hz, std::vector<SampledChannel> channels, ChunkRing& ring,
          platform::Clock& clock);

  // Thread body; the calling thread must be attached to the clock. Samples every row due before
  // `duration_ns` (forever if empty) and before the monotonic time `stop_at_ns` (kNotStopped
  // until someone asks the sampler to stop). A row due before the stop is taken even when the
  // thread gets to it after the stop was asked for, so a late wake-up loses no row.
  static constexpr int64_t kNotStopped = std::numeric_limits<int64_t>::max();
  void run(const RecordingStart& start, std::optional<int64_t> duration_ns,
           const std::atomic<int64_t>& stop_at_ns);

  const SamplerCounters& counters() const { return counters_; }
  SamplerCounters& counters() { return counters_; }

  // The group's devices, one per distinct Sensor::device_key() (a channel without one is a device
  // of its own), for the reopener; a device with a sensor closed at start-up starts handed over.
  // Made in the constructor, never resized.
  std::span<DeviceHandoff> devices() { return {devices_.get(), device_count_}; }

 private:
  void take_row(uint64_t index, const RecordingStart& start);
  // Reads one channel unless its device is with the reopener; hands the device over on a device
  // error. False: store fill.
  bool read_channel(size_t c, const platform::SampleTick& tick, int64_t offset_ns);

  // A sampler this far behind skips the rows it missed (counted as dropped) instead of reading
  // sensors in a burst.
  static constexpr int64_t kMaxLatenessNs = platform::kNsPerSecond;
  // Longest single sleep, so a stop request is noticed promptly at slow rates.
  static constexpr int64_t kStopCheckNs = 200 * platform::kNsPerMs;

  RowSchedule schedule_;
  std::vector<SampledChannel> channels_;
  ChunkRing& ring_;
  platform::Clock& clock_;
  std::vector<double> values_;  // scratch for one channel's components
  std::unique_ptr<DeviceHandoff[]> devices_;
  size_t device_count_ = 0;
  std::vector<size_t> device_of_;  // per channel: its device in devices_
  SamplerCounters counters_;
};

}  // namespace h5rec
