// One chunked HDF5 dataset with an unlimited first dimension, appended a chunk at a time.
//
// Fixed-size types go through H5Dwrite_chunk (whole chunks, no conversion; the rows past the
// dataset's extent are padding). Strings (variable-length UTF-8) cannot: their chunks hold heap
// references, so only the new rows are written with H5Dwrite. Used by one thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/dtype.hpp"
#include "base/error.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {

struct ColumnLayout {
  std::string name;  // dataset name; may contain '/' (missing groups are created)
  DType dtype = DType::kFloat64;
  std::vector<size_t> shape;    // per-row shape, empty = scalar
  bool with_attributes = true;  // write units and description (recordings); false: plain (logger)
  std::string units;
  std::string description;
  std::string sensor;                                                // written when not empty
  std::vector<std::pair<std::string, double>> number_attributes;     // further attributes
  std::vector<std::pair<std::string, std::string>> text_attributes;  // (e.g. from the sensor)
};

class AppendableDataset {
 public:
  // `where` names the dataset in messages, e.g. "run.h5:/train/loss".
  static Result<AppendableDataset> create(hid_t parent, const ColumnLayout& column,
                                          size_t chunk_rows, std::string where);
  // Opens an existing dataset to continue it: it must be chunked along an unlimited first
  // dimension, unfiltered, and of a type dtype_of() knows.
  static Result<AppendableDataset> open(hid_t parent, const std::string& name, std::string where);

  DType dtype() const { return dtype_; }
  const std::vector<size_t>& shape() const { return shape_; }  // per row
  uint64_t rows() const { return dims_[0]; }
  size_t chunk_rows() const { return chunk_rows_; }
  const std::string& where() const { return where_; }

  Status set_rows(uint64_t rows);
  // Writes chunk `chunk_index` from a ring buffer of chunk_rows rows. Rows [first_row, end_row)
  // are the ones not yet in the file (strings write only those; other types the whole chunk).
  // A string row is a NUL-terminated slot of bytes.size() / chunk_rows bytes.
  Status write_chunk(uint64_t chunk_index, std::span<const std::byte> bytes, uint64_t first_row,
                     uint64_t end_row);
  // Reads rows of a fixed-size type into `out` (count * row size bytes).
  Status read_rows(uint64_t first, uint64_t count, std::span<std::byte> out) const;

 private:
  Status write_string_rows(uint64_t first_row, uint64_t end_row, uint64_t chunk_start,
                           std::span<const std::byte> bytes);

  Handle dataset_;
  DType dtype_ = DType::kFloat64;
  std::vector<size_t> shape_;
  std::vector<hsize_t> dims_;
  size_t chunk_rows_ = 1;
  std::string where_;
};

}  // namespace h5rec::h5
