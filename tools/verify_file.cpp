#include "tools/verify_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <optional>

#include "platform/posix/posix_storage.hpp"
#include "recorder/hdf5/h5_handle.hpp"
#include "recorder/hdf5/recording_file.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "recorder/journal/superblock.hpp"
#include "recorder/status_log.hpp"
#include "recorder/utc_time.hpp"
#include "tools/time_step_check.hpp"

namespace h5rec::tools {
namespace {

// A reader that meets corrupt metadata should fail in well under a second, not retry for minutes.
constexpr unsigned kMetadataReadAttempts = 10;
// Datasets that are not chunked are read in pieces of about this many bytes.
constexpr uint64_t kPieceBytes = uint64_t{1} << 20;
// A piece is never larger than this (a dataset whose chunks are larger is damaged or foreign).
constexpr uint64_t kMaxPieceBytes = uint64_t{64} << 20;
// A file without a journal but marked open for writing is live if it changed this recently.
constexpr double kLiveWithinS = 5.0;

struct Attribute {
  H5T_class_t type_class = H5T_NO_CLASS;
  std::string text;   // strings
  double number = 0;  // integers and floats
};

// A scalar (or one-element) attribute; nullopt when absent or unreadable.
std::optional<Attribute> read_attribute(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) return std::nullopt;
  h5::Handle attr = h5::attribute(H5Aopen(object, name, H5P_DEFAULT));
  if (!attr.valid()) return std::nullopt;
  h5::Handle space = h5::dataspace(H5Aget_space(attr.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
  h5::Handle type = h5::datatype(H5Aget_type(attr.get()));
  Attribute out;
  out.type_class = H5Tget_class(type.get());
  if (out.type_class == H5T_INTEGER) {
    long long v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_LLONG, &v) < 0) return std::nullopt;
    out.number = static_cast<double>(v);
  } else if (out.type_class == H5T_FLOAT) {
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &out.number) < 0) return std::nullopt;
  } else if (out.type_class == H5T_STRING) {
    if (H5Tis_variable_str(type.get()) > 0) {
      h5::Handle mem = h5::datatype(H5Tcopy(H5T_C_S1));
      H5Tset_size(mem.get(), H5T_VARIABLE);
      H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
      char* value = nullptr;
      if (H5Aread(attr.get(), mem.get(), &value) < 0 || value == nullptr) return std::nullopt;
      out.text = value;
      H5free_memory(value);
    } else {
      const size_t size = H5Tget_size(type.get());
      if (size == 0 || size > (size_t{1} << 24)) return std::nullopt;
      std::string text(size, '\0');
      if (H5Aread(attr.get(), type.get(), text.data()) < 0) return std::nullopt;
      text.resize(std::strlen(text.c_str()));
      out.text = text;
    }
  }
  return out;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) noexcept {
  try {  // nothing may be thrown through HDF5's C frames
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  } catch (const std::bad_alloc&) {
    return -1;
  }
}

// Link names in creation order (the recorder tracks it), else in name order; nullopt when the
// links cannot be read.
std::optional<std::vector<std::string>> link_names(hid_t location) {
  std::vector<std::string> names;
  if (H5Literate(location, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_name, &names) >= 0) {
    return names;
  }
  names.clear();
  if (H5Literate(location, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names) >= 0) {
    return names;
  }
  return std::nullopt;
}

herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* out) noexcept {
  try {
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(out)->push_back(name);
    }
    return 0;
  } catch (const std::bad_alloc&) {
    return -1;
  }
}

std::string rows_text(uint64_t rows) {
  return std::to_string(rows) + (rows == 1 ? " row" : " rows");
}

class FileChecker {
 public:
  explicit FileChecker(const std::string& path) { report_.path = path; }
  FileReport run();

 private:
  struct DatasetShape {
    int rank = -1;
    std::vector<hsize_t> dims;
    uint64_t rows() const { return rank <= 0 ? 1 : dims[0]; }
  };

  void problem(const char* check, const std::string& dataset, const std::string& message) {
    report_.add({check, dataset, 0, 0, 1, message});
  }
  // The journal and superblock evidence: sets the state (live, unclean) or leaves it closed.
  bool inspect_writer_state();
  bool open_hdf5();
  void check_recording();
  void check_root_attributes();
  struct Column {
    std::string name;
    h5::Handle dataset;
    DatasetShape shape;
  };
  // A recording's group: rate_hz, its columns (time first), equal lengths, every row read.
  void check_group(const std::string& name);
  // check_group's phases; each reports what it finds wrong. Invalid: not an openable group.
  h5::Handle open_group(const std::string& name);
  double group_rate(hid_t group, const std::string& name);  // 0 when missing or not > 0
  // Every dataset of the group that opens as a column, time first; nothing when the links do
  // not read.
  std::optional<std::vector<Column>> open_columns(hid_t group, const std::string& name);
  bool has_int64_time(const std::vector<Column>& columns, const std::string& name);
  // Returns the shortest column's rows (what a live file is checked up to).
  uint64_t check_lengths(const std::vector<Column>& columns, const std::string& name);
  // time (null for /_status) is fed the time column; with `status`, the last value of each
  // counter column is kept.
  void read_columns(std::vector<Column>& columns, const std::string& name, uint64_t shortest,
                    TimeStepCheck* time, bool status);
  void keep_last_status(const Column& column, uint64_t rows);
  // A recording's dataset: chunked, unlimited rows, units and description attributes.
  void check_column_layout(hid_t dataset, const std::string& name);
  void check_logger();
  // Chunked, with an unlimited first dimension (rank >= 1).
  static bool extendable(hid_t dataset);
  DatasetShape shape_of(hid_t dataset, const std::string& name);
  // Reads rows [0, rows) in chunk-sized pieces; a failing piece is a "read" problem naming the
  // dataset and rows. time (if given) is fed every row read as int64.
  void read_dataset(hid_t dataset, const std::string& name, uint64_t rows, TimeStepCheck* time);
  // The value of the last row of a one-dimensional dataset.
  template <class T>
  std::optional<T> last_value(hid_t dataset, uint64_t rows, hid_t mem_type);

  FileReport report_;
  std::string real_path_;
  uint64_t file_bytes_ = 0;
  bool flags_open_ = false;  // the superblock says a writer has it open
  bool has_journal_ = false;
  h5::Handle file_;
  // From /_status: the last value of each counter column (<group>_dropped_rows, ...).
  std::map<std::string, uint64_t> last_status_;
};

FileReport FileChecker::run() {
  h5::silence_errors();
  if (!inspect_writer_state()) return report_;
  // Without a journal, whether a file marked open is live is known only from its attributes.
  if (!(report_.state == VerifiedState::kUnclean && has_journal_) && !open_hdf5()) return report_;
  if (report_.state == VerifiedState::kUnclean) {
    problem("journal", "",
            "unclean: run h5rec recover (" +
                std::string(has_journal_ ? "a journal is beside it and no writer holds it"
                                         : "marked open for writing by a writer that is gone") +
                "; its contents are checked once it is recovered)");
    return report_;
  }
  const auto format = read_attribute(file_.get(), "h5rec_format");
  if (format) {
    report_.kind = FileKind::kRecording;
    check_recording();
  } else {
    check_logger();
  }
  if (!file_.close()) problem("read", "", "closing the file failed: " + h5::last_error());
  return report_;
}

bool FileChecker::inspect_writer_state() {
  platform::PosixStorage storage;
  if (!storage.exists(report_.path) && storage.exists(journal::journal_path(report_.path))) {
    report_.state = VerifiedState::kUnclean;
    has_journal_ = true;
    problem("journal", "",
            "unclean: run h5rec recover (a journal without its file: the writer "
            "stopped before the file's first checkpoint, so it held no rows)");
    return false;
  }
  auto resolved = storage.resolve(report_.path);
  if (!resolved) {
    problem("open", "", resolved.message());
    return false;
  }
  real_path_ = resolved.value();
  auto data = storage.open(real_path_, platform::OpenMode::kRead);
  if (!data) {
    problem("open", "", data.message());
    return false;
  }
  auto size = data.value()->size();
  file_bytes_ = size ? size.value() : 0;
  auto superblock = journal::read_superblock(*data.value());
  if (!superblock || !superblock.value()) {
    problem("open", "",
            superblock ? "not an HDF5 file (no superblock signature)" : superblock.message());
    return false;
  }
  flags_open_ = superblock.value()->status_flags != 0;
  report_.state = VerifiedState::kClosed;
  const std::string journal_name = journal::journal_path(real_path_);
  has_journal_ = storage.exists(journal_name);
  if (!has_journal_) {
    if (flags_open_) report_.state = VerifiedState::kUnclean;  // unless recent: see open_hdf5
    return true;
  }
  // The writer holds an exclusive lock on its journal for as long as it runs; taking it (for the
  // moment of the test, and only on a read-only descriptor) tells a live file from a dead one.
  auto journal = storage.open(journal_name, platform::OpenMode::kRead);
  if (!journal) {
    problem("journal", "", "a journal is beside it but cannot be read: " + journal.message());
    report_.state = VerifiedState::kUnclean;
    return true;
  }
  auto locked = journal.value()->try_lock();
  if (!locked) {
    problem("journal", "",
            "a journal is beside it but its lock cannot be tested: " + locked.message());
  }
  report_.state = locked && !locked.value() ? VerifiedState::kLive : VerifiedState::kUnclean;
  return true;
}

bool FileChecker::open_hdf5() {
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_file_locking(fapl.get(), false, true);
  H5Pset_metadata_read_attempts(fapl.get(), kMetadataReadAttempts);
  file_ = h5::file(H5Fopen(real_path_.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl.get()));
  std::string why = file_.valid() ? "" : h5::last_error();
  if (!file_.valid()) {
    // Files written without SWMR (an h5py file, a logger file before its readers were on).
    file_ = h5::file(H5Fopen(real_path_.c_str(), H5F_ACC_RDONLY, fapl.get()));
  }
  if (!file_.valid()) {
    report_.state = VerifiedState::kUnreadable;
    problem("open", "", "HDF5 cannot open it (truncated or damaged?): " + why);
    return false;
  }
  if (report_.state == VerifiedState::kUnclean && !has_journal_) {
    // Marked open for writing without a journal: a writer without crash safety, live if it
    // changed within a few of its checkpoint intervals.
    const auto interval = read_attribute(file_.get(), "checkpoint_interval_s");
    const double within = std::max(kLiveWithinS, 3.0 * (interval ? interval->number : 1.0));
    platform::PosixStorage storage;
    auto age = storage.seconds_since_modified(real_path_);
    if (age && age.value() < within) report_.state = VerifiedState::kLive;
  }
  return true;
}

void FileChecker::check_root_attributes() {
  const hid_t root = file_.get();
  const auto format = read_attribute(root, "h5rec_format");
  if (format->type_class != H5T_INTEGER || format->number != kFormatVersion) {
    char text[120];
    std::snprintf(text, sizeof text,
                  "h5rec_format is %g, not %d: a format this h5rec does not know", format->number,
                  kFormatVersion);
    problem("format", "", text);
  }
  const auto text_attr = [&](const char* name) -> std::optional<std::string> {
    const auto a = read_attribute(root, name);
    if (!a || a->type_class != H5T_STRING) {
      problem("format", "",
              std::string("root attribute ") + name +
                  (a ? " is not a string" : " is missing or unreadable"));
      return std::nullopt;
    }
    return a->text;
  };
  (void)text_attr("h5rec_version");
  (void)text_attr("config");
  if (auto device = text_attr("device_id")) {
    report_.device_id = *device;
    if (device->empty()) problem("format", "", "root attribute device_id is empty");
  }
  if (auto start = text_attr("start_time_utc")) {
    const auto ns = parse_utc_iso8601(*start);
    if (ns) {
      report_.start_time_ns = *ns;
    } else {
      problem("format", "", "start_time_utc '" + *start + "' is not an ISO 8601 UTC time");
    }
  }
  if (auto previous = text_attr("previous_segment")) report_.previous_segment = *previous;
  const auto segment = read_attribute(root, "segment");
  if (!segment || segment->type_class != H5T_INTEGER || segment->number < 1) {
    problem("format", "", "root attribute segment is missing or not a number >= 1");
  } else {
    report_.segment = static_cast<int64_t>(segment->number);
  }
}

void FileChecker::check_recording() {
  check_root_attributes();
  const auto names = link_names(file_.get());
  if (!names) {
    problem("read", "", "the root group's links do not read: " + h5::last_error());
    return;
  }
  for (const std::string& name : *names) check_group(name);
  // The accounting's inputs: each group's dropped rows as /_status counts them at its end.
  for (GroupReport& g : report_.groups) {
    if (const auto found = last_status_.find(g.name + "_dropped_rows");
        found != last_status_.end()) {
      g.has_dropped = true;
      g.dropped_rows = found->second;
    }
    if (const auto found = last_status_.find(g.name + "_rows_due"); found != last_status_.end()) {
      g.has_due = true;
      g.rows_due = found->second;
    }
  }
  const auto ended = last_status_.find("recording_ended");
  report_.status_final = ended != last_status_.end() && ended->second == 1;
}

FileChecker::DatasetShape FileChecker::shape_of(hid_t dataset, const std::string& name) {
  DatasetShape shape;
  h5::Handle space = h5::dataspace(H5Dget_space(dataset));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (rank < 0 || rank > H5S_MAX_RANK) {
    problem("read", name, "its dataspace does not read: " + h5::last_error());
    return shape;
  }
  shape.dims.resize(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), shape.dims.data(), nullptr);
  shape.rank = rank;
  return shape;
}

void FileChecker::check_group(const std::string& name) {
  const bool status = name == kStatusGroup;
  h5::Handle group = open_group(name);
  if (!group.valid()) return;
  const double rate_hz = group_rate(group.get(), name);
  std::optional<std::vector<Column>> columns = open_columns(group.get(), name);
  if (!columns || !has_int64_time(*columns, name)) return;
  const uint64_t shortest = check_lengths(*columns, name);
  // /_status rows are stamped with the realtime clock when written (which may be set back):
  // their time is not checked.
  TimeStepCheck time(name + "/time", rate_hz);
  read_columns(*columns, name, shortest, status ? nullptr : &time, status);
  if (status) return;
  GroupReport g;
  g.name = name;
  g.rate_hz = rate_hz;
  g.datasets = columns->size();
  g.rows = report_.state == VerifiedState::kLive ? shortest : columns->front().shape.rows();
  g.first_time_ns = time.first_ns();
  g.last_time_ns = time.last_ns();
  g.missing_rows = time.missing_rows();
  report_.rows += g.rows;
  report_.groups.push_back(std::move(g));
}

h5::Handle FileChecker::open_group(const std::string& name) {
  h5::Handle object = {H5Oopen(file_.get(), name.c_str(), H5P_DEFAULT), H5Oclose};
  if (!object.valid()) {
    problem("read", name, "/" + name + " does not open: " + h5::last_error());
    return {};
  }
  if (H5Iget_type(object.get()) != H5I_GROUP) {
    problem("format", name, "/" + name + " is not a group (a recording holds only groups)");
    return {};
  }
  return object;
}

double FileChecker::group_rate(hid_t group, const std::string& name) {
  const auto rate = read_attribute(group, "rate_hz");
  if (!rate || (rate->type_class != H5T_FLOAT && rate->type_class != H5T_INTEGER) ||
      !std::isfinite(rate->number) || rate->number <= 0) {
    problem("format", name, "group " + name + " has no rate_hz attribute (a number > 0)");
    return 0;
  }
  return rate->number;
}

std::optional<std::vector<FileChecker::Column>> FileChecker::open_columns(hid_t group,
                                                                          const std::string& name) {
  const auto links = link_names(group);
  if (!links) {
    problem("read", name, "the group's links do not read: " + h5::last_error());
    return std::nullopt;
  }
  std::vector<Column> columns;
  for (const std::string& column : *links) {
    const std::string full = name + "/" + column;
    h5::Handle d = h5::dataset(H5Dopen2(group, column.c_str(), H5P_DEFAULT));
    if (!d.valid()) {
      problem("read", full, full + " does not open as a dataset: " + h5::last_error());
      continue;
    }
    DatasetShape shape = shape_of(d.get(), full);
    if (shape.rank < 1) {
      if (shape.rank == 0) problem("format", full, full + " is a scalar, not a column of rows");
      continue;
    }
    check_column_layout(d.get(), full);
    // Time first, whatever the link order.
    Column c{column, std::move(d), std::move(shape)};
    if (column == "time") {
      columns.insert(columns.begin(), std::move(c));
    } else {
      columns.push_back(std::move(c));
    }
  }
  report_.datasets += links->size();
  return columns;
}

bool FileChecker::has_int64_time(const std::vector<Column>& columns, const std::string& name) {
  if (columns.empty() || columns.front().name != "time") {
    problem("format", name + "/time", "group " + name + " has no readable time dataset");
    return false;
  }
  h5::Handle type = h5::datatype(H5Dget_type(columns.front().dataset.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 8 ||
      columns.front().shape.rank != 1) {
    problem("format", name + "/time", name + "/time is not a column of int64");
    return false;
  }
  return true;
}

uint64_t FileChecker::check_lengths(const std::vector<Column>& columns, const std::string& name) {
  // Equal lengths. A live writer grows every dataset before its checkpoint makes them visible,
  // so a reader may see some already grown: a live file is checked up to the shortest.
  uint64_t shortest = UINT64_MAX, longest = 0;
  for (const Column& c : columns) {
    shortest = std::min<uint64_t>(shortest, c.shape.rows());
    longest = std::max<uint64_t>(longest, c.shape.rows());
  }
  if (shortest != longest && report_.state != VerifiedState::kLive) {
    std::string lengths;
    for (const Column& c : columns) {
      lengths += (lengths.empty() ? "" : ", ") + c.name + " " + rows_text(c.shape.rows());
    }
    problem("lengths", name, "datasets of group " + name + " differ in length: " + lengths);
  }
  return shortest;
}

void FileChecker::read_columns(std::vector<Column>& columns, const std::string& name,
                               uint64_t shortest, TimeStepCheck* time, bool status) {
  for (Column& c : columns) {
    const uint64_t rows = report_.state == VerifiedState::kLive ? shortest : c.shape.rows();
    read_dataset(c.dataset.get(), name + "/" + c.name, rows, c.name == "time" ? time : nullptr);
    if (status && rows != 0) keep_last_status(c, rows);
  }
}

void FileChecker::keep_last_status(const Column& c, uint64_t rows) {
  if (c.name == "time") {
    if (auto last = last_value<int64_t>(c.dataset.get(), rows, H5T_NATIVE_INT64)) {
      report_.has_status = true;
      report_.last_status_time_ns = *last;
    }
  } else if (c.name.ends_with("_dropped_rows") || c.name.ends_with("_rows_due") ||
             c.name == "recording_ended") {
    if (auto last = last_value<uint64_t>(c.dataset.get(), rows, H5T_NATIVE_UINT64)) {
      last_status_[c.name] = *last;
    }
  }
}

void FileChecker::check_column_layout(hid_t dataset, const std::string& name) {
  if (!extendable(dataset)) {
    problem("format", name, name + " is not chunked with an unlimited first dimension");
  }
  for (const char* attribute : {"units", "description"}) {
    const auto a = read_attribute(dataset, attribute);
    if (!a || a->type_class != H5T_STRING) {
      problem("format", name, name + " has no '" + attribute + "' attribute (text)");
    }
  }
}

bool FileChecker::extendable(hid_t dataset) {
  h5::Handle space = h5::dataspace(H5Dget_space(dataset));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (rank < 1 || rank > H5S_MAX_RANK) return false;
  std::vector<hsize_t> max_dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), nullptr, max_dims.data());
  h5::Handle dcpl = h5::plist(H5Dget_create_plist(dataset));
  return dcpl.valid() && H5Pget_layout(dcpl.get()) == H5D_CHUNKED && max_dims[0] == H5S_UNLIMITED;
}

void FileChecker::check_logger() {
  std::vector<std::string> names;
  if (H5Ovisit(file_.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names) < 0) {
    problem("read", "", "the file's objects do not all read: " + h5::last_error());
  }
  report_.kind = FileKind::kLogger;
  std::string foreign;  // why this is not a logger file, if it is not
  for (const std::string& name : names) {
    h5::Handle d = h5::dataset(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    if (!d.valid()) {
      problem("read", name, name + " does not open as a dataset: " + h5::last_error());
      continue;
    }
    ++report_.datasets;
    const DatasetShape shape = shape_of(d.get(), name);
    if (shape.rank < 0) continue;
    if (foreign.empty() && !extendable(d.get())) {
      foreign = name + " is not a chunked dataset with an unlimited first dimension";
    }
    report_.rows += shape.rows();
    read_dataset(d.get(), name, shape.rows(), nullptr);
  }
  if (names.empty()) foreign = "it holds no datasets";
  if (!foreign.empty()) {
    report_.kind = FileKind::kOther;
    problem("format", "",
            "neither an h5rec recording (no h5rec_format attribute) nor a logger "
            "file: " +
                foreign);
  }
}

void FileChecker::read_dataset(hid_t dataset, const std::string& name, uint64_t rows,
                               TimeStepCheck* time) {
  h5::Handle space = h5::dataspace(H5Dget_space(dataset));
  const DatasetShape shape = shape_of(dataset, name);
  if (shape.rank < 0) return;
  h5::Handle file_type = h5::datatype(H5Dget_type(dataset));
  if (!file_type.valid()) {
    problem("read", name, "its datatype does not read: " + h5::last_error());
    return;
  }
  h5::Handle mem = time != nullptr
                       ? h5::datatype(H5Tcopy(H5T_NATIVE_INT64))
                       : h5::datatype(H5Tget_native_type(file_type.get(), H5T_DIR_DEFAULT));
  if (!mem.valid()) mem = h5::datatype(H5Tcopy(file_type.get()));
  const bool variable =
      H5Tdetect_class(mem.get(), H5T_VLEN) > 0 || H5Tis_variable_str(mem.get()) > 0;
  uint64_t row_bytes = H5Tget_size(mem.get());
  for (size_t d = 1; d < shape.dims.size(); ++d) {
    if (shape.dims[d] != 0 && row_bytes > kMaxPieceBytes / shape.dims[d]) {
      problem("read", name, "rows of more than 64 MiB: damaged metadata?");
      return;
    }
    row_bytes *= shape.dims[d];
  }
  if (row_bytes == 0) return;
  // Format 1 stores chunks uncompressed, the last partial one whole: a recording's datasets
  // never need more bytes than the file has. An extent that says otherwise is damaged.
  if (report_.kind == FileKind::kRecording && !variable && rows > file_bytes_ / row_bytes) {
    problem("read", name,
            name + " claims " + rows_text(rows) + " of " + std::to_string(row_bytes) +
                " bytes, more than the file's " + std::to_string(file_bytes_) +
                " bytes: damaged metadata");
    return;
  }
  uint64_t piece = 0;
  h5::Handle dcpl = h5::plist(H5Dget_create_plist(dataset));
  if (shape.rank > 0 && dcpl.valid() && H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(shape.dims.size());
    if (H5Pget_chunk(dcpl.get(), shape.rank, chunk.data()) == shape.rank) piece = chunk[0];
  }
  if (piece == 0) piece = std::max<uint64_t>(1, kPieceBytes / row_bytes);
  piece = std::max<uint64_t>(1, std::min<uint64_t>(piece, kMaxPieceBytes / row_bytes));
  // Whole 8-byte words, so that a piece of the time column is read in place as int64 values.
  std::vector<int64_t> buffer((piece * row_bytes + sizeof(int64_t) - 1) / sizeof(int64_t));
  if (shape.rank == 0) {
    h5::Handle all = h5::dataspace(H5Screate(H5S_SCALAR));
    if (H5Dread(dataset, mem.get(), all.get(), space.get(), H5P_DEFAULT, buffer.data()) < 0) {
      problem("read", name, "its value does not read: " + h5::last_error());
    } else if (variable) {
      H5Dvlen_reclaim(mem.get(), all.get(), H5P_DEFAULT, buffer.data());
    }
    return;
  }
  std::vector<hsize_t> start(shape.dims.size(), 0), count = shape.dims;
  for (uint64_t first = 0; first < rows; first += piece) {
    const uint64_t n = std::min(piece, rows - first);
    start[0] = first;
    count[0] = n;
    h5::Handle memory = h5::dataspace(H5Screate_simple(shape.rank, count.data(), nullptr));
    const bool ok =
        H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr) >= 0 &&
        H5Dread(dataset, mem.get(), memory.get(), space.get(), H5P_DEFAULT, buffer.data()) >= 0;
    if (!ok) {
      report_.add({"read", name, first, first + n, 1,
                   "rows " + std::to_string(first) + ".." + std::to_string(first + n - 1) +
                       " do not read: " + h5::last_error()});
      if (time != nullptr) time->restart();
      continue;
    }
    if (variable) H5Dvlen_reclaim(mem.get(), memory.get(), H5P_DEFAULT, buffer.data());
    if (time != nullptr) {
      time->feed({buffer.data(), static_cast<size_t>(n)}, first, report_);
    }
  }
}

template <class T>
std::optional<T> FileChecker::last_value(hid_t dataset, uint64_t rows, hid_t mem_type) {
  h5::Handle space = h5::dataspace(H5Dget_space(dataset));
  if (H5Sget_simple_extent_ndims(space.get()) != 1) return std::nullopt;
  const hsize_t start = rows - 1, count = 1;
  h5::Handle memory = h5::dataspace(H5Screate_simple(1, &count, nullptr));
  T value{};
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
      H5Dread(dataset, mem_type, memory.get(), space.get(), H5P_DEFAULT, &value) < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

FileReport verify_file(const std::string& path) { return FileChecker(path).run(); }

}  // namespace h5rec::tools
