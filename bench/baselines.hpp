// What the writer path is measured against, in the same run, on the same directory: the same
// rows (an int64 time column and `channels` float64 columns) written
//   - raw: as chunk-sized write()s appended to one file, fsync()ed every checkpoint interval and
//     at the end: what the disk can take, with the recorder's durability points;
//   - per chunk: one chunked dataset per column (HDF5's default file format, as a program using
//     the C API would write it); for every chunk of rows each dataset is extended
//     (H5Dset_extent) and the rows written (H5Dwrite); H5Fflush + fsync every checkpoint
//     interval and at the end;
//   - per sample: what h5logger does for every logged value: extend by one row, write it, flush
//     (H5Fflush once per row of all columns, which favours the baseline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace h5rec::bench {

struct Workload {
  size_t channels = 1;         // float64 columns besides time; 0: the time column alone
  size_t chunk_bytes = 65536;  // of every column's chunk (chunk_bytes / 8 rows)
  uint64_t rows = 0;
  double checkpoint_interval_s = 1.0;

  size_t columns() const { return 1 + channels; }
  size_t chunk_rows() const {
    return chunk_bytes / sizeof(int64_t) > 0 ? chunk_bytes / sizeof(int64_t) : 1;
  }
  uint64_t payload_bytes(uint64_t row_count) const {
    return row_count * sizeof(int64_t) * columns();
  }
};

// The benchmark's values for rows [first, first + n) of a column, at `out` (n * 8 bytes): the
// time column (0) holds the row number, channel column c holds row + c - 1 as a float64.
void fill_column(std::byte* out, size_t column, uint64_t first, uint64_t n);

struct Timed {
  uint64_t rows = 0;   // rows written
  double seconds = 0;  // from the first row to the last fsync (not creating or closing)
  double rows_per_s() const { return static_cast<double>(rows) / seconds; }
};

// Each writes a new file at `path`, deletes it afterwards, and returns nothing (printing why) on
// a failure. Like the writer path's, their times run from the first row to the data's last
// fsync: a steady rate, without creating, closing and deleting the file.
std::optional<Timed> raw_write_fsync(const std::string& path, const Workload& w);
std::optional<Timed> per_chunk_hdf5(const std::string& path, const Workload& w);
// Writes w.rows rows or stops after `budget_s` seconds, whichever comes first.
std::optional<Timed> per_sample_hdf5(const std::string& path, const Workload& w, double budget_s);

}  // namespace h5rec::bench
