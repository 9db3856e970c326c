#include "tools/recording_reader.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>

#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/superblock.hpp"

namespace h5rec::tools {
namespace {

// A reader that meets corrupt metadata should fail in well under a second, not retry for minutes.
constexpr unsigned kMetadataReadAttempts = 10;

Error h5_error(const std::string& what, const std::string& path) {
  return Error{path + ": " + what + ": " + h5::last_error()};
}

herr_t collect_group(hid_t, const char* name, const H5L_info_t*, void* out) noexcept {
  try {  // nothing may be thrown through HDF5's C frames
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  } catch (const std::bad_alloc&) {
    return -1;
  }
}

std::vector<std::string> link_names(hid_t location) {
  std::vector<std::string> names;
  H5Literate(location, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_group, &names);
  if (names.empty()) {
    H5Literate(location, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_group, &names);
  }
  return names;
}

// A scalar (or one-element) attribute as text; "" when absent or of another shape or type.
std::string read_string_attr(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) return "";
  h5::Handle attr = h5::attribute(H5Aopen(object, name, H5P_DEFAULT));
  h5::Handle space = h5::dataspace(H5Aget_space(attr.get()));
  if (!attr.valid() || H5Sget_simple_extent_npoints(space.get()) != 1) return "";
  h5::Handle type = h5::datatype(H5Aget_type(attr.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  char text[64];
  if (cls == H5T_INTEGER) {
    long long v = 0;
    H5Aread(attr.get(), H5T_NATIVE_LLONG, &v);
    std::snprintf(text, sizeof text, "%lld", v);
    return text;
  }
  if (cls == H5T_FLOAT) {
    double v = 0;
    H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v);
    std::snprintf(text, sizeof text, "%g", v);
    return text;
  }
  if (cls != H5T_STRING) return "";
  if (H5Tis_variable_str(type.get()) > 0) {
    h5::Handle mem = h5::datatype(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* value = nullptr;
    if (H5Aread(attr.get(), mem.get(), &value) < 0 || value == nullptr) return "";
    std::string out = value;
    H5free_memory(value);
    return out;
  }
  std::string out(H5Tget_size(type.get()), '\0');
  H5Aread(attr.get(), type.get(), out.data());
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Where the HDF5 superblock starts: offset 0, or after a user block at 512, 1024, 2048, ...
std::string type_name(hid_t type) {
  const size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(size * 8);
    case H5T_FLOAT:
      return "float" + std::to_string(size * 8);
    case H5T_ENUM:
      return "bool";
    case H5T_STRING:
      return "string";
    default:
      return "other";
  }
}

// A string value as C would spell it: quoted, with \" \\ \n \t and \xNN for other controls.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

Result<RecordingReader> RecordingReader::open(const std::string& path) {
  h5::silence_errors();
  platform::PosixStorage storage;
  if (!storage.exists(path)) return Error{path + ": no such file"};
  // Through a link (the recorder's live link), the segment it points to now.
  auto resolved = storage.resolve(path);
  if (!resolved) return resolved.error();
  const std::string& real = resolved.value();
  // H5Fis_accessible would take a lock; a plain signature check keeps readers lock-free.
  auto file = storage.open(real, platform::OpenMode::kRead);
  if (!file) return file.error();
  auto superblock = journal::read_superblock(*file.value());
  if (!superblock) return superblock.error();
  if (!superblock.value()) return Error{path + ": not an HDF5 file"};

  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_file_locking(fapl.get(), false, true);
  H5Pset_metadata_read_attempts(fapl.get(), kMetadataReadAttempts);
  RecordingReader r;
  r.path_ = real;
  r.file_ = h5::file(H5Fopen(real.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl.get()));
  if (!r.file_.valid()) r.file_ = h5::file(H5Fopen(real.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!r.file_.valid() && file_state(storage, real) == FileState::kUnclean) {
    // A writer without SWMR that is gone leaves a file HDF5 refuses until it is recovered.
    return Error{path +
                 ": unclean: the writer stopped without closing it, and HDF5 cannot open "
                 "it as it is; run h5rec recover"};
  }
  if (!r.file_.valid()) return h5_error("cannot open as HDF5 (truncated or damaged?)", path);
  r.named_ = path;
  if (read_string_attr(r.file_.get(), "h5rec_format").empty()) {
    r.layout_ = Layout::kLogger;
    if (Status s = r.open_logger_datasets(r.file_.get(), ""); !s) return s.error();
    if (r.groups_.empty()) {
      return Error{path +
                   ": an HDF5 file, but not an h5rec recording or logger file (no "
                   "h5rec_format attribute, and no dataset to read as a logger's)"};
    }
    return r;
  }
  if (Status s = r.open_recording_groups(); !s) return s.error();
  return r;
}

FileState RecordingReader::state() const {
  platform::PosixStorage storage;
  return file_state(storage, path_);
}

Status RecordingReader::open_recording_groups() {
  const std::string& path = named_;
  for (const std::string& name : link_names(file_.get())) {
    Group g;
    g.name = name;
    g.handle = h5::group(H5Gopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    if (!g.handle.valid()) return h5_error("cannot open group '" + name + "'", path);
    for (const std::string& column : link_names(g.handle.get())) {
      h5::Handle dset = h5::dataset(H5Dopen2(g.handle.get(), column.c_str(), H5P_DEFAULT));
      if (!dset.valid()) return h5_error("cannot open dataset '" + name + "/" + column + "'", path);
      // Keep time first whatever the link order.
      if (column == "time") {
        g.names.insert(g.names.begin(), column);
        g.datasets.insert(g.datasets.begin(), std::move(dset));
      } else {
        g.names.push_back(column);
        g.datasets.push_back(std::move(dset));
      }
    }
    if (g.names.empty() || g.names.front() != "time") {
      return Error{path + ": group '" + name + "' has no time dataset"};
    }
    group_names_.push_back(name);
    groups_.push_back(std::move(g));
  }
  return {};
}

// Every dataset below `location` (depth first, in creation order where the file keeps it), each
// as a group of one column; refuses anything a logger does not write.
Status RecordingReader::open_logger_datasets(hid_t location, const std::string& prefix) {
  const std::string& path = named_;
  const auto not_logger = [&](const std::string& name, const std::string& why) {
    return Error{path +
                 ": an HDF5 file, but not an h5rec recording or logger file (no "
                 "h5rec_format attribute, and '" +
                 name + "' " + why + ")"};
  };
  for (const std::string& link : link_names(location)) {
    const std::string name = prefix + link;
    h5::Handle object = {H5Oopen(location, link.c_str(), H5P_DEFAULT), H5Oclose};
    if (!object.valid()) return h5_error("cannot open '" + name + "'", path);
    const H5I_type_t type = H5Iget_type(object.get());
    if (type == H5I_GROUP) {
      if (Status s = open_logger_datasets(object.get(), name + "/"); !s) return s;
      continue;
    }
    if (type != H5I_DATASET) return not_logger(name, "is neither a group nor a dataset");
    h5::Handle dset = h5::dataset(H5Dopen2(location, link.c_str(), H5P_DEFAULT));
    if (!dset.valid()) return h5_error("cannot open dataset '" + name + "'", path);
    h5::Handle space = h5::dataspace(H5Dget_space(dset.get()));
    hsize_t dims[H5S_MAX_RANK]{}, max_dims[H5S_MAX_RANK]{};
    const int rank = H5Sget_simple_extent_dims(space.get(), dims, max_dims);
    if (rank < 1 || max_dims[0] != H5S_UNLIMITED) {
      return not_logger(name, "is not extendable along its first dimension");
    }
    Group g;
    g.name = name;
    g.names.push_back(name);
    g.datasets.push_back(std::move(dset));
    group_names_.push_back(name);
    groups_.push_back(std::move(g));
  }
  return {};
}

std::string RecordingReader::root_attribute(const char* name) const {
  return read_string_attr(file_.get(), name);
}

double RecordingReader::rate_hz(size_t group) const {
  if (layout_ == Layout::kLogger) return 0;
  return std::atof(read_string_attr(groups_[group].handle.get(), "rate_hz").c_str());
}

Status RecordingReader::refresh() {
  for (const Group& g : groups_) {
    for (const h5::Handle& d : g.datasets) {
      if (H5Drefresh(d.get()) < 0) return h5_error("refresh " + g.name, path_);
    }
  }
  return {};
}

uint64_t RecordingReader::rows(size_t group) const {
  uint64_t rows = UINT64_MAX;
  for (const ColumnInfo& c : columns(group)) rows = std::min<uint64_t>(rows, c.dims.at(0));
  return rows == UINT64_MAX ? 0 : rows;
}

std::vector<ColumnInfo> RecordingReader::columns(size_t group) const {
  std::vector<ColumnInfo> out;
  const Group& g = groups_[group];
  for (size_t i = 0; i < g.datasets.size(); ++i) {
    ColumnInfo info;
    info.name = g.names[i];
    h5::Handle type = h5::datatype(H5Dget_type(g.datasets[i].get()));
    info.type = type_name(type.get());
    h5::Handle space = h5::dataspace(H5Dget_space(g.datasets[i].get()));
    hsize_t dims[H5S_MAX_RANK]{};
    const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    for (int d = 0; d < rank; ++d) info.dims.push_back(dims[d]);
    if (info.dims.empty()) info.dims.push_back(0);
    info.units = read_string_attr(g.datasets[i].get(), "units");
    out.push_back(std::move(info));
  }
  return out;
}

Status RecordingReader::read_raw(size_t group, size_t column, uint64_t first, uint64_t count,
                                 hid_t mem_type, void* out) const {
  const Group& g = groups_[group];
  hid_t dset = g.datasets[column].get();
  h5::Handle space = h5::dataspace(H5Dget_space(dset));
  hsize_t dims[H5S_MAX_RANK]{};
  const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  hsize_t start[H5S_MAX_RANK]{}, extent[H5S_MAX_RANK]{};
  for (int d = 0; d < rank; ++d) extent[d] = dims[d];
  start[0] = first;
  extent[0] = count;
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr);
  h5::Handle mem = h5::dataspace(H5Screate_simple(rank, extent, nullptr));
  if (H5Dread(dset, mem_type, mem.get(), space.get(), H5P_DEFAULT, out) < 0) {
    return h5_error("read " + g.name + "/" + g.names[column], path_);
  }
  return {};
}

Status RecordingReader::read_strings(size_t group, size_t column, uint64_t first, uint64_t count,
                                     std::vector<std::string>& out) const {
  h5::Handle type = h5::datatype(H5Dget_type(groups_[group].datasets[column].get()));
  const size_t n = out.size();
  if (H5Tis_variable_str(type.get()) > 0) {
    h5::Handle mem = h5::datatype(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    std::vector<char*> v(n, nullptr);
    if (Status s = read_raw(group, column, first, count, mem.get(), v.data()); !s) return s;
    for (size_t i = 0; i < n; ++i) {
      out[i] = quoted(v[i] ? v[i] : "");
      H5free_memory(v[i]);
    }
    return {};
  }
  const size_t size = H5Tget_size(type.get());
  std::vector<char> v(n * size);
  if (Status s = read_raw(group, column, first, count, type.get(), v.data()); !s) return s;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view text(v.data() + i * size, size);
    out[i] = quoted(text.substr(0, text.find('\0')));
  }
  return {};
}

Result<std::vector<int64_t>> RecordingReader::read_int64(size_t group, size_t column,
                                                         uint64_t first, uint64_t count) const {
  std::vector<int64_t> out(count);
  if (count == 0) return out;
  if (Status s = read_raw(group, column, first, count, H5T_NATIVE_INT64, out.data()); !s) {
    return s.error();
  }
  return out;
}

Result<std::vector<std::string>> RecordingReader::read_text(size_t group, size_t column,
                                                            uint64_t first, uint64_t count) const {
  std::vector<std::string> rows;
  if (count == 0) return rows;
  const ColumnInfo info = columns(group).at(column);
  size_t per_row = 1;
  for (size_t d = 1; d < info.dims.size(); ++d) per_row *= info.dims[d];
  const size_t n = count * per_row;
  std::vector<std::string> values(n);
  char text[64];
  if (info.type.starts_with("float")) {
    std::vector<double> v(n);
    if (Status s = read_raw(group, column, first, count, H5T_NATIVE_DOUBLE, v.data()); !s) {
      return s.error();
    }
    const int digits = info.type == "float32" ? 9 : 17;
    for (size_t i = 0; i < n; ++i) {
      std::snprintf(text, sizeof text, "%.*g", digits, v[i]);
      values[i] = text;
    }
  } else if (info.type.starts_with("uint")) {
    std::vector<uint64_t> v(n);
    if (Status s = read_raw(group, column, first, count, H5T_NATIVE_UINT64, v.data()); !s) {
      return s.error();
    }
    for (size_t i = 0; i < n; ++i) values[i] = std::to_string(v[i]);
  } else if (info.type.starts_with("int")) {
    std::vector<int64_t> v(n);
    if (Status s = read_raw(group, column, first, count, H5T_NATIVE_INT64, v.data()); !s) {
      return s.error();
    }
    for (size_t i = 0; i < n; ++i) values[i] = std::to_string(v[i]);
  } else if (info.type == "bool") {
    std::vector<int8_t> v(n);
    h5::Handle type = h5::datatype(H5Dget_type(groups_[group].datasets[column].get()));
    h5::Handle native = h5::datatype(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
    if (Status s = read_raw(group, column, first, count, native.get(), v.data()); !s) {
      return s.error();
    }
    for (size_t i = 0; i < n; ++i) values[i] = v[i] ? "true" : "false";
  } else if (info.type == "string") {
    if (Status s = read_strings(group, column, first, count, values); !s) return s.error();
  } else {
    return Error{path_ + ": cannot print values of type " + info.type};
  }
  for (uint64_t r = 0; r < count; ++r) {
    if (per_row == 1) {
      rows.push_back(values[r]);
      continue;
    }
    std::string row = "[";
    for (size_t k = 0; k < per_row; ++k) row += (k ? ", " : "") + values[r * per_row + k];
    rows.push_back(row + "]");
  }
  return rows;
}

}  // namespace h5rec::tools
