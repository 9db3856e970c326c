// The HDF5 mapping of a recording (format version 1, see docs/FORMAT.md):
//   /                 attrs h5rec_format, h5rec_version, device_id, start_time_utc, config,
//                     segment, previous_segment, checkpoint_interval_s
//   /<group>/         attr rate_hz; datasets time (int64 ns UTC) and one per channel
//   /_status/         writer health rows, laid out like a group
// Everything is created before SWMR writing starts. Used by the writer thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "recorder/hdf5/appendable_dataset.hpp"
#include "recorder/hdf5/h5_file.hpp"

namespace h5rec {

inline constexpr int kFormatVersion = 1;

struct GroupLayout {
  std::string name;
  double rate_hz = 0;
  size_t chunk_rows = 1;
  std::vector<h5::ColumnLayout> columns;  // column 0 is "time"
};

struct FileAttributes {
  std::string device_id;
  std::string start_time_utc;  // ISO 8601
  std::string config_text;
  int64_t segment = 0;
  std::string previous_segment;
  double checkpoint_interval_s = 1.0;
  std::string config_overrides;  // TOML of what the command line changed ("" if nothing)
  bool virtual_time = false;     // stamped with a simulated clock (--virtual-clock), not UTC
};

class RecordingFile {
 public:
  // Creates the file (failing if it exists), every group, dataset and attribute, then switches
  // to SWMR writing.
  static Result<RecordingFile> create(const std::string& path, const FileAttributes& attributes,
                                      const std::vector<GroupLayout>& groups,
                                      const h5::DriverOptions& driver);

  h5::File& file() { return file_; }
  // The datasets of group g, in column order (stable addresses).
  std::vector<h5::AppendableDataset*> datasets(size_t group);
  // Closes every dataset, then the file; durable when it succeeds.
  Status close();

 private:
  h5::File file_;
  std::vector<h5::Handle> groups_;
  std::vector<std::vector<h5::AppendableDataset>> datasets_;
};

}  // namespace h5rec
