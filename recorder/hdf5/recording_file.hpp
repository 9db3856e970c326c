// The HDF5 mapping of a recording (format version 1, see DESIGN.md "File layout"):
//   /                 attrs h5rec_format, h5rec_version, device_id, start_time_utc, config,
//                     segment, previous_segment, checkpoint_interval_s
//   /<group>/         attr rate_hz; datasets time (int64 ns UTC) and one per channel
//   /_status/         writer health rows, laid out like a group
// Every dataset is chunked with an unlimited first dimension and appended by direct chunk
// writes. Everything is created before SWMR writing starts. Used by the writer thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "platform/error.hpp"
#include "recorder/dtype.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec {

inline constexpr int kFormatVersion = 1;

struct ColumnLayout {
  std::string name;
  DType dtype = DType::kFloat64;
  std::vector<size_t> shape;  // per-row shape, empty = scalar
  std::string units;
  std::string description;
  std::string sensor;         // empty for time and status columns
};

struct GroupLayout {
  std::string name;
  double rate_hz = 0;
  size_t chunk_rows = 1;
  std::vector<ColumnLayout> columns;  // column 0 is "time"
};

struct FileAttributes {
  std::string device_id;
  std::string start_time_utc;  // ISO 8601
  std::string config_text;
  int64_t segment = 0;
  std::string previous_segment;
  double checkpoint_interval_s = 1.0;
};

class RecordingFile {
 public:
  // Creates the file (failing if it exists), every group, dataset and attribute, then switches
  // to SWMR writing.
  static Result<RecordingFile> create(const std::string& path, const FileAttributes& attributes,
                                      const std::vector<GroupLayout>& groups);

  // Sets every dataset of the group to `rows` rows.
  Status set_rows(size_t group, uint64_t rows);
  // Writes one whole chunk (chunk_rows rows) of a column.
  Status write_chunk(size_t group, size_t column, uint64_t chunk_index,
                     std::span<const std::byte> bytes);
  // Writes all metadata so SWMR readers see every row set so far (no fsync: see Writer).
  Status flush();
  Status close();
  const std::string& path() const { return path_; }

 private:
  struct Group {
    std::string path;  // "file:/group", for messages
    hsize_t chunk_rows = 1;
    h5::Handle handle;
    std::vector<h5::Handle> datasets;
    std::vector<std::string> names;
    std::vector<std::vector<hsize_t>> dims;  // current dims per dataset
  };

  std::string path_;
  h5::Handle file_;
  std::vector<Group> groups_;
};

}  // namespace h5rec
