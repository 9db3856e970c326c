// The recorder's configuration as loaded from TOML. Every key is documented in config/README.md
// with its meaning, unit, range and default; the ranges are enforced by parse_config().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/dtype.hpp"
#include "base/error.hpp"

namespace h5rec::config {

struct ChannelConfig {
  std::string name;                          // dataset name inside its group; unique in the group
  std::string sensor;                        // sensor kind, e.g. "counter", "sine"
  std::map<std::string, double> params;      // numeric sensor parameters (see the sensor's docs)
  std::map<std::string, std::string> texts;  // text sensor parameters (device names, paths)
  bool optional = false;  // a missing device records fill values until it appears
  DType dtype = DType::kFloat64;
  std::vector<size_t> shape;  // per-sample shape; empty = scalar
  std::string units;
  std::string description;
  std::string where;          // "file:line" of the channel's table
  std::string sensor_where;   // "file:line" of the sensor key
  std::string params_where;   // "file:line" of params (of the sensor key if absent)
  size_t components() const;  // product of shape (1 for scalars)
};

struct GroupConfig {
  std::string name;
  double rate_hz = 0.0;  // samples per second, > 0
  std::vector<ChannelConfig> channels;
  std::string where;
};

struct RecorderConfig {
  std::string device_id;
  std::string output_dir = "recordings";
  std::string output_dir_where;  // "file:line" of output_dir (or of the file), for messages
  double checkpoint_interval_s = 1.0;
  double status_interval_s = 1.0;
  size_t chunk_bytes = 65536;
  double ring_seconds = 10.0;          // storage stall each group's ring absorbs without a drop
  std::string ring_seconds_where;      // "file:line" of ring_seconds (or of the file)
  double segment_duration_s = 3600.0;  // a new segment file after this long
  uint64_t segment_max_bytes = uint64_t{1} << 30;  // ... or at this size (0: no size limit)
  uint64_t min_free_bytes = 0;   // retention: delete oldest closed segments to keep this free
  uint64_t max_total_bytes = 0;  // retention: ... and to keep all segments under this (0: no limit)
  bool crash_safety = true;      // journaled checkpoints (off: plain fsync, for comparison)
  std::string sysfs_root = "/sys";  // where board sensors are looked up (tests: a fake tree)
  std::string dev_root = "/dev";    // where device nodes are opened (tests: a fake tree)
  std::vector<GroupConfig> groups;
  std::string source_name;  // path of the TOML file, for messages
  std::string source_text;  // the TOML text, stored in every recording
  // What the command line changed (`--output`, `--duration`), as TOML, stored beside it.
  std::string overrides_text;
};

// Parses and validates TOML text. Errors name the source, the line and the key.
Result<RecorderConfig> parse_config(std::string_view text, const std::string& source_name);

}  // namespace h5rec::config

namespace h5rec::platform {
class Storage;
}

namespace h5rec::config {

// Reads the file through platform storage and parses it.
Result<RecorderConfig> load_config(platform::Storage& storage, const std::string& path);

}  // namespace h5rec::config
