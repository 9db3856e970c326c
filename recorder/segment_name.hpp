// Names of a device's segment files: `<device_id>_<UTC start>.h5`, with `_N` (N = 1, 2, ...)
// before `.h5` when a segment of the same second already exists. Pure C++, no OS calls.
//
// A name belongs to a device only when it is exactly that shape: `station` does not own
// `station_2_20260101T000000Z.h5` (a segment of `station_2`), nor `station_live.h5` (the live
// link). Retention and start-up recovery act on this device's segments alone.
// The format, for readers and independent tools: docs/FORMAT.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace h5rec {

struct SegmentName {
  int64_t start_utc_s = 0;  // the UTC second in the name, since the Unix epoch
  uint32_t sequence = 0;    // the `_N` suffix; 0 without one

  // Oldest first: by start time, then by suffix.
  friend auto operator<=>(const SegmentName&, const SegmentName&) = default;
};

// `<device_id>_<start>.h5` or, with `sequence` > 0, `<device_id>_<start>_<sequence>.h5`.
std::string segment_file_name(std::string_view device_id, int64_t start_utc_ns,
                              uint32_t sequence = 0);

// What `file_name` (no directory) says, if it is one of `device_id`'s segment names.
std::optional<SegmentName> parse_segment_name(std::string_view file_name,
                                              std::string_view device_id);

}  // namespace h5rec
