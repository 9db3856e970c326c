#include "recorder/hdf5/appendable_dataset.hpp"

#include <array>
#include <cstring>

#include "recorder/hdf5/h5_attributes.hpp"
#include "recorder/hdf5/h5_types.hpp"

namespace h5rec::h5 {
namespace {

// The dataset's file dataspace with rows [first, first + count) selected.
Handle select_rows(hid_t dataset, uint64_t first, uint64_t count) {
  Handle space = dataspace(H5Dget_space(dataset));
  std::array<hsize_t, H5S_MAX_RANK> start{}, extent{};
  H5Sget_simple_extent_dims(space.get(), extent.data(), nullptr);
  start[0] = first;
  extent[0] = count;
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr);
  return space;
}

}  // namespace

Result<AppendableDataset> AppendableDataset::create(hid_t parent, const ColumnLayout& column,
                                                    size_t chunk_rows, std::string where) {
  silence_errors();
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{chunk_rows};
  for (size_t d : column.shape) {
    dims.push_back(d);
    max_dims.push_back(d);
    chunk.push_back(d);
  }
  const int rank = static_cast<int>(dims.size());
  Handle space = dataspace(H5Screate_simple(rank, dims.data(), max_dims.data()));
  Handle dcpl = plist(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), rank, chunk.data());
  // Append-only: chunks are always written whole, so HDF5 never needs to write fill values
  // (variable-length strings, written row by row, keep HDF5's default).
  if (column.dtype != DType::kString) H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  Handle lcpl = plist(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle type = file_type(column.dtype);
  AppendableDataset out;
  out.dataset_ = dataset(H5Dcreate2(parent, column.name.c_str(), type.get(), space.get(),
                                    lcpl.get(), dcpl.get(), H5P_DEFAULT));
  if (!out.dataset_.valid()) return error("create dataset", where);
  Status s;
  if (column.with_attributes) {
    s = write_string_attribute(out.dataset_.get(), "units", column.units, where);
    if (s) s = write_string_attribute(out.dataset_.get(), "description", column.description, where);
  }
  if (s && !column.sensor.empty()) {
    s = write_string_attribute(out.dataset_.get(), "sensor", column.sensor, where);
  }
  for (const auto& [name, value] : column.number_attributes) {
    if (s) s = write_double_attribute(out.dataset_.get(), name.c_str(), value, where);
  }
  for (const auto& [name, value] : column.text_attributes) {
    if (s) s = write_string_attribute(out.dataset_.get(), name.c_str(), value, where);
  }
  if (!s) return s.error();
  out.dtype_ = column.dtype;
  out.shape_ = column.shape;
  out.dims_ = std::move(dims);
  out.chunk_rows_ = chunk_rows;
  out.where_ = std::move(where);
  return out;
}

Result<AppendableDataset> AppendableDataset::open(hid_t parent, const std::string& name,
                                                  std::string where) {
  silence_errors();
  AppendableDataset out;
  out.where_ = std::move(where);
  out.dataset_ = dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
  if (!out.dataset_.valid()) return error("open dataset", out.where_);
  Handle type = datatype(H5Dget_type(out.dataset_.get()));
  const auto dtype = dtype_of(type.get());
  if (!dtype) {
    return Error{"'" + out.where_ +
                 "' has a type h5rec cannot append to (little-endian numbers, "
                 "bool and variable-length strings only)"};
  }
  out.dtype_ = *dtype;
  Handle space = dataspace(H5Dget_space(out.dataset_.get()));
  std::array<hsize_t, H5S_MAX_RANK> dims{}, max_dims{};
  const int rank = H5Sget_simple_extent_dims(space.get(), dims.data(), max_dims.data());
  Handle dcpl = plist(H5Dget_create_plist(out.dataset_.get()));
  std::array<hsize_t, H5S_MAX_RANK> chunk{};
  if (rank < 1 || max_dims[0] != H5S_UNLIMITED || H5Pget_layout(dcpl.get()) != H5D_CHUNKED ||
      H5Pget_chunk(dcpl.get(), rank, chunk.data()) != rank) {
    return Error{"'" + out.where_ +
                 "' cannot be appended to: it is not chunked along an "
                 "unlimited first dimension"};
  }
  for (int d = 1; d < rank; ++d) {
    if (chunk[d] != dims[d]) {
      return Error{"'" + out.where_ + "' cannot be appended to: its chunks split a row"};
    }
    out.shape_.push_back(dims[d]);
  }
  if (H5Pget_nfilters(dcpl.get()) != 0) {
    return Error{"'" + out.where_ + "' cannot be appended to: it is compressed or filtered"};
  }
  out.dims_.assign(dims.begin(), dims.begin() + rank);
  out.chunk_rows_ = chunk[0];
  return out;
}

Status AppendableDataset::set_rows(uint64_t rows) {
  silence_errors();
  if (dims_[0] == rows) return {};
  const hsize_t before = dims_[0];
  dims_[0] = rows;
  if (H5Dset_extent(dataset_.get(), dims_.data()) < 0) {
    dims_[0] = before;
    return error("extend dataset", where_);
  }
  return {};
}

Status AppendableDataset::write_chunk(uint64_t chunk_index, std::span<const std::byte> bytes,
                                      uint64_t first_row, uint64_t end_row) {
  silence_errors();
  const uint64_t chunk_start = chunk_index * chunk_rows_;
  if (dtype_ == DType::kString) return write_string_rows(first_row, end_row, chunk_start, bytes);
  std::array<hsize_t, H5S_MAX_RANK> offset{};  // zero in every dimension but the first
  offset[0] = chunk_start;
  if (H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset.data(), bytes.size(), bytes.data()) <
      0) {
    return error("write chunk " + std::to_string(chunk_index) + " of dataset", where_);
  }
  return {};
}

Status AppendableDataset::write_string_rows(uint64_t first_row, uint64_t end_row,
                                            uint64_t chunk_start,
                                            std::span<const std::byte> bytes) {
  const uint64_t first = std::max(first_row, chunk_start);
  const uint64_t end = std::min<uint64_t>(end_row, chunk_start + chunk_rows_);
  if (end <= first) return {};
  const size_t slot = bytes.size() / chunk_rows_;
  std::vector<const char*> rows;
  rows.reserve(end - first);
  for (uint64_t r = first; r < end; ++r) {
    rows.push_back(reinterpret_cast<const char*>(bytes.data() + (r - chunk_start) * slot));
  }
  Handle type = file_type(DType::kString);
  Handle file_space = select_rows(dataset_.get(), first, end - first);
  const hsize_t count = end - first;
  Handle memory = dataspace(H5Screate_simple(1, &count, nullptr));
  if (H5Dwrite(dataset_.get(), type.get(), memory.get(), file_space.get(), H5P_DEFAULT,
               rows.data()) < 0) {
    return error("write rows " + std::to_string(first) + ".." + std::to_string(end) + " of",
                 where_);
  }
  return {};
}

Status AppendableDataset::read_rows(uint64_t first, uint64_t count,
                                    std::span<std::byte> out) const {
  silence_errors();
  if (count == 0) return {};
  Handle type = file_type(dtype_);
  Handle file_space = select_rows(dataset_.get(), first, count);
  std::array<hsize_t, H5S_MAX_RANK> extent{};
  extent[0] = count;
  for (size_t d = 0; d < shape_.size(); ++d) extent[d + 1] = shape_[d];
  Handle memory =
      dataspace(H5Screate_simple(static_cast<int>(shape_.size() + 1), extent.data(), nullptr));
  if (H5Dread(dataset_.get(), type.get(), memory.get(), file_space.get(), H5P_DEFAULT, out.data()) <
      0) {
    return error("read rows of", where_);
  }
  return {};
}

}  // namespace h5rec::h5
