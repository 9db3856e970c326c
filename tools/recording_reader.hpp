// Read side of the recording format for the host tools (info, tail): opens a recording, or a
// logger file (h5logger's layout: one extendable dataset per logged name, no time column), the
// way a live reader must (SWMR read, no file locking, few metadata retries), tells whether it is
// closed, live or unclean (tools/file_state.hpp), and reads rows as text.
//
// A recording's groups are its rate groups (and _status), column 0 of each being `time`. A
// logger file's "groups" are its datasets, one column each (named by the dataset's path), rows
// counted per dataset. One thread per reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "recorder/hdf5/h5_handle.hpp"
#include "tools/file_state.hpp"

namespace h5rec::tools {

enum class Layout {
  kRecording,  // h5rec_format attribute, /<group>/time + channels
  kLogger,     // no format attribute; every dataset chunked with an unlimited first dimension
};

struct ColumnInfo {
  std::string name;
  std::string type;            // e.g. "int64", "float32", "bool"
  std::vector<uint64_t> dims;  // current dims, rows first
  std::string units;
};

class RecordingReader {
 public:
  static Result<RecordingReader> open(const std::string& path);

  // The file read: `path` with symbolic links (the live link) resolved.
  const std::string& path() const { return path_; }
  Layout layout() const { return layout_; }
  FileState state() const;
  std::string root_attribute(const char* name) const;  // "" when absent; numbers as text
  const std::vector<std::string>& groups() const { return group_names_; }  // incl. _status
  double rate_hz(size_t group) const;                                      // 0 for a logger file
  // The first column that is not time: 1 in a recording, 0 in a logger file.
  size_t first_data_column() const { return layout_ == Layout::kRecording ? 1 : 0; }
  // Re-reads dataset metadata written by a live writer since the last refresh.
  Status refresh();
  // Rows every dataset of the group holds.
  uint64_t rows(size_t group) const;
  std::vector<ColumnInfo> columns(size_t group) const;  // recordings: column 0 is time
  // Rows [first, first + count) of one column, one string per row ("[a, b, c]" for arrays,
  // strings quoted with C escapes). Holds about `count` rows in memory: read in blocks.
  Result<std::vector<std::string>> read_text(size_t group, size_t column, uint64_t first,
                                             uint64_t count) const;
  Result<std::vector<int64_t>> read_int64(size_t group, size_t column, uint64_t first,
                                          uint64_t count) const;

 private:
  struct Group {
    std::string name;
    h5::Handle handle;
    std::vector<std::string> names;
    std::vector<h5::Handle> datasets;
  };

  Status read_raw(size_t group, size_t column, uint64_t first, uint64_t count, hid_t mem_type,
                  void* out) const;
  // Fills `out` (count x elements per row values) with the quoted strings of those rows.
  Status read_strings(size_t group, size_t column, uint64_t first, uint64_t count,
                      std::vector<std::string>& out) const;
  Status open_recording_groups();
  Status open_logger_datasets(hid_t location, const std::string& prefix);

  std::string path_;
  std::string named_;  // as named by the caller, for messages
  Layout layout_ = Layout::kRecording;
  h5::Handle file_;
  std::vector<std::string> group_names_;
  std::vector<Group> groups_;
};

}  // namespace h5rec::tools
