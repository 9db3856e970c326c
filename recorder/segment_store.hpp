// The recorder's segment files in its output directory: names, rotation, the live link and
// retention. One segment is open at a time:
//
//   <device_id>_<UTC start, e.g. 20260101T000000Z>.h5   a segment (a "_N" suffix if taken)
//   <device_id>_live.h5                                 symbolic link to the open segment
//
// A new segment is created with every group and dataset, committed empty (so readers can open it
// at once) and the live link pointed at it; its root attributes `segment` (1, 2, ...) and
// `previous_segment` (file name) chain the segments of one run.
//
// Retention deletes the oldest closed segments of this device (recorder/segment_name.hpp: never
// another device's file, never the open one, never a file with a journal) to keep
// `min_free_bytes` free and all of this device's segments, the open one included, under
// `max_total_bytes`. It runs after every checkpoint. The open segment's growth until the next
// checkpoint is reserved (the most it grew between two checkpoints so far), and with
// `max_total_bytes` a segment also rotates before it reaches half of it, so that the total holds
// while the newer half of the data is kept. Oldest means: segments found at start-up by the
// start time in their names, then this run's in the order they were closed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/clock.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/recording_file.hpp"
#include "recorder/segment_name.hpp"
#include "recorder/segment_source.hpp"

namespace h5rec {

struct SegmentSettings {
  std::string output_dir;
  std::string device_id;
  int64_t max_duration_ns = 0;   // rotate after this long (0: never)
  uint64_t max_bytes = 0;        // rotate at this file size (0: never)
  uint64_t min_free_bytes = 0;   // retention: keep this much free (0: no limit)
  uint64_t max_total_bytes = 0;  // retention: keep all segments under this (0: no limit)
  bool crash_safe = true;        // journal every checkpoint (recorder/journal)
};

class SegmentStore final : public SegmentSource {
 public:
  // `attributes` are the root attributes every segment gets (segment numbers are filled in);
  // `layout` is the groups in writer-binding order.
  SegmentStore(SegmentSettings settings, FileAttributes attributes, std::vector<GroupLayout> layout,
               platform::Clock& clock, platform::Storage& storage);

  static std::string live_link_name(const std::string& device_id) { return device_id + "_live.h5"; }

  Result<OpenSegment> open_next() override;
  Status close_current(bool give_up) override;
  bool rotation_due() override;
  uint64_t apply_retention(bool out_of_space) override;
  bool space_available() override;
  // At the end of a recording: closes the open segment and removes the live link.
  Status close_last();

  // Every segment opened, in order (some may have been deleted by retention since).
  const std::vector<std::string>& paths() const { return paths_; }
  // Every segment retention deleted, in order (of this run or found at start-up).
  const std::vector<std::string>& deleted() const { return deleted_; }

 private:
  struct ClosedSegment {
    std::string path;
    uint64_t bytes = 0;
  };

  std::string next_path(int64_t utc_ns);
  // This device's closed segments already in the output directory, oldest first.
  void find_closed_segments();
  void note_closed(const std::string& path);
  // Deletes the oldest closed segment, saying why. False if it could not.
  bool delete_oldest(const std::string& reason);

  SegmentSettings settings_;
  FileAttributes attributes_;
  std::vector<GroupLayout> layout_;
  platform::Clock& clock_;
  platform::Storage& storage_;
  std::optional<RecordingFile> current_;
  std::string current_path_;
  int64_t opened_at_ns_ = 0;
  std::vector<std::string> paths_;
  std::vector<std::string> deleted_;
  std::vector<ClosedSegment> closed_;  // oldest first
  bool closed_found_ = false;
  uint64_t live_bytes_seen_ = 0;  // the open segment's size at the last retention
  uint64_t growth_reserve_ = 0;   // the most it grew from one retention to the next
  bool link_failed_ = false;      // the file system has no symbolic links: said once
};

}  // namespace h5rec
