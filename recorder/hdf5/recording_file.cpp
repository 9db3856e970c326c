#include "recorder/hdf5/recording_file.hpp"

#include "recorder/hdf5/h5_types.hpp"

#include <array>

#ifndef H5REC_VERSION
#define H5REC_VERSION "unknown"
#endif

namespace h5rec {
namespace {

constexpr size_t kMetadataCacheBytes = 256 << 10;
constexpr int kFreeListBytes = 256 << 10;

Error h5_error(const std::string& what, const std::string& where) {
  return Error{what + " '" + where + "': " + h5::last_error()};
}

Status write_string_attr(hid_t object, const char* name, const std::string& value,
                         const std::string& where) {
  h5::Handle type = h5::datatype(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  h5::Handle space = h5::dataspace(H5Screate(H5S_SCALAR));
  h5::Handle attr = h5::attribute(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT,
                                             H5P_DEFAULT));
  const char* text = value.c_str();
  if (!attr.valid() || H5Awrite(attr.get(), type.get(), &text) < 0) {
    return h5_error(std::string("write attribute ") + name + " of", where);
  }
  return {};
}

template <class T>
Status write_number_attr(hid_t object, const char* name, hid_t file_type, hid_t mem_type, T value,
                         const std::string& where) {
  h5::Handle space = h5::dataspace(H5Screate(H5S_SCALAR));
  h5::Handle attr =
      h5::attribute(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attr.valid() || H5Awrite(attr.get(), mem_type, &value) < 0) {
    return h5_error(std::string("write attribute ") + name + " of", where);
  }
  return {};
}

Status write_root_attributes(hid_t file, const FileAttributes& a, const std::string& path) {
  Status s = write_number_attr<int32_t>(file, "h5rec_format", H5T_STD_I32LE, H5T_NATIVE_INT32,
                                        kFormatVersion, path);
  if (s) s = write_string_attr(file, "h5rec_version", H5REC_VERSION, path);
  if (s) s = write_string_attr(file, "device_id", a.device_id, path);
  if (s) s = write_string_attr(file, "start_time_utc", a.start_time_utc, path);
  if (s) s = write_string_attr(file, "config", a.config_text, path);
  if (s) {
    s = write_number_attr<int64_t>(file, "segment", H5T_STD_I64LE, H5T_NATIVE_INT64, a.segment,
                                   path);
  }
  if (s) s = write_string_attr(file, "previous_segment", a.previous_segment, path);
  if (s) {
    s = write_number_attr<double>(file, "checkpoint_interval_s", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                  a.checkpoint_interval_s, path);
  }
  return s;
}

Result<h5::Handle> create_dataset(hid_t group, const ColumnLayout& column, size_t chunk_rows,
                                  const std::string& where) {
  std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{chunk_rows};
  for (size_t d : column.shape) {
    dims.push_back(d);
    max_dims.push_back(d);
    chunk.push_back(d);
  }
  const int rank = static_cast<int>(dims.size());
  h5::Handle space = h5::dataspace(H5Screate_simple(rank, dims.data(), max_dims.data()));
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), rank, chunk.data());
  // Append-only: chunks are always written whole, so HDF5 never needs to write fill values.
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  h5::Handle type = h5::file_type(column.dtype);
  h5::Handle dset = h5::dataset(H5Dcreate2(group, column.name.c_str(), type.get(), space.get(),
                                           H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
  if (!dset.valid()) return h5_error("create dataset", where);
  Status s = write_string_attr(dset.get(), "units", column.units, where);
  if (s) s = write_string_attr(dset.get(), "description", column.description, where);
  if (s && !column.sensor.empty()) s = write_string_attr(dset.get(), "sensor", column.sensor, where);
  if (!s) return s.error();
  return dset;
}

}  // namespace

Result<RecordingFile> RecordingFile::create(const std::string& path,
                                            const FileAttributes& attributes,
                                            const std::vector<GroupLayout>& groups) {
  h5::silence_errors();
  // HDF5 keeps freed blocks on free lists for reuse; cap them so they cannot grow with the file.
  H5set_free_list_limits(kFreeListBytes, kFreeListBytes, kFreeListBytes, kFreeListBytes,
                         kFreeListBytes, kFreeListBytes);
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS));
  // SWMR writing in HDF5 1.10 needs the latest file format.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  // No H5Pset_alignment: chunks are sized by time, not to pages, and every aligned allocation
  // would leave a free-space fragment that HDF5 tracks in memory for the life of the file.
  // A fixed-size metadata cache: memory stays flat however long the recording grows.
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  H5Pget_mdc_config(fapl.get(), &cache);
  cache.set_initial_size = true;
  cache.initial_size = kMetadataCacheBytes;
  cache.min_size = kMetadataCacheBytes;
  cache.max_size = kMetadataCacheBytes;
  cache.incr_mode = H5C_incr__off;
  cache.flash_incr_mode = H5C_flash_incr__off;
  cache.decr_mode = H5C_decr__off;
  H5Pset_mdc_config(fapl.get(), &cache);

  // Groups list their members in creation (config) order, not alphabetically.
  h5::Handle fcpl = h5::plist(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  h5::Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);

  RecordingFile out;
  out.path_ = path;
  out.file_ = h5::file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()));
  if (!out.file_.valid()) return h5_error("create HDF5 file", path);
  if (Status s = write_root_attributes(out.file_.get(), attributes, path); !s) return s.error();

  for (const GroupLayout& layout : groups) {
    const std::string group_path = path + ":/" + layout.name;
    Group group;
    group.path = group_path;
    group.chunk_rows = layout.chunk_rows;
    group.handle = h5::group(H5Gcreate2(out.file_.get(), layout.name.c_str(), H5P_DEFAULT,
                                        gcpl.get(), H5P_DEFAULT));
    if (!group.handle.valid()) return h5_error("create group", group_path);
    if (Status s = write_number_attr<double>(group.handle.get(), "rate_hz", H5T_IEEE_F64LE,
                                             H5T_NATIVE_DOUBLE, layout.rate_hz, group_path);
        !s) {
      return s.error();
    }
    for (const ColumnLayout& column : layout.columns) {
      auto dset = create_dataset(group.handle.get(), column, layout.chunk_rows,
                                 group_path + "/" + column.name);
      if (!dset) return dset.error();
      std::vector<hsize_t> dims{0};
      for (size_t d : column.shape) dims.push_back(d);
      group.datasets.push_back(std::move(dset.value()));
      group.names.push_back(column.name);
      group.dims.push_back(std::move(dims));
    }
    out.groups_.push_back(std::move(group));
  }
  // Everything exists and every attribute is closed: readers may now follow the file.
  if (H5Fstart_swmr_write(out.file_.get()) < 0) return h5_error("start SWMR writing", path);
  return out;
}

Status RecordingFile::set_rows(size_t group, uint64_t rows) {
  h5::silence_errors();
  Group& g = groups_[group];
  for (size_t i = 0; i < g.datasets.size(); ++i) {
    if (g.dims[i][0] == rows) continue;
    const hsize_t before = g.dims[i][0];
    g.dims[i][0] = rows;
    if (H5Dset_extent(g.datasets[i].get(), g.dims[i].data()) < 0) {
      g.dims[i][0] = before;
      return h5_error("extend dataset", g.path + "/" + g.names[i]);
    }
  }
  return {};
}

Status RecordingFile::write_chunk(size_t group, size_t column, uint64_t chunk_index,
                                  std::span<const std::byte> bytes) {
  h5::silence_errors();
  Group& g = groups_[group];
  std::array<hsize_t, H5S_MAX_RANK> offset{};  // zero in every dimension but the first
  offset[0] = chunk_index * g.chunk_rows;
  if (H5Dwrite_chunk(g.datasets[column].get(), H5P_DEFAULT, 0, offset.data(), bytes.size(),
                     bytes.data()) < 0) {
    return h5_error("write chunk " + std::to_string(chunk_index) + " of dataset",
                    g.path + "/" + g.names[column]);
  }
  return {};
}

Status RecordingFile::flush() {
  h5::silence_errors();
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) return h5_error("flush", path_);
  // Index blocks evicted from the metadata cache go to HDF5's free lists, sized per block; as
  // the index grows those sizes are never reused. Returning them keeps memory flat.
  H5garbage_collect();
  return {};
}

Status RecordingFile::close() {
  h5::silence_errors();
  groups_.clear();
  if (!file_.close()) return h5_error("close", path_);
  return {};
}

}  // namespace h5rec
