// Read side of the recording format for the host tools (info, tail): opens a recording the way
// a live reader must (SWMR read, no file locking, few metadata retries), tells whether it is
// closed, live or unclean, and reads rows as text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/error.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::tools {

enum class FileState { kClosed, kLive, kUnclean };
const char* describe(FileState state);

struct ColumnInfo {
  std::string name;
  std::string type;            // e.g. "int64", "float32", "bool"
  std::vector<uint64_t> dims;  // current dims, rows first
  std::string units;
};

class RecordingReader {
 public:
  static Result<RecordingReader> open(const std::string& path);

  const std::string& path() const { return path_; }
  FileState state() const;
  std::string root_attribute(const char* name) const;  // "" when absent; numbers as text
  const std::vector<std::string>& groups() const { return group_names_; }  // incl. _status
  double rate_hz(size_t group) const;
  // Re-reads dataset metadata written by a live writer since the last refresh.
  Status refresh();
  // Rows every dataset of the group holds.
  uint64_t rows(size_t group) const;
  std::vector<ColumnInfo> columns(size_t group) const;  // column 0 is time
  // Rows [first, first + count) of one column, one string per row ("[a, b, c]" for arrays).
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

  std::string path_;
  h5::Handle file_;
  std::vector<std::string> group_names_;
  std::vector<Group> groups_;
};

}  // namespace h5rec::tools
