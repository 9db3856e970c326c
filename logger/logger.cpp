// h5rec::Logger on the recorder's pieces: a ChunkRing per dataset, the Writer thread with its
// checkpoints, AppendableDataset for the HDF5 mapping.
#include <cstring>
#include <h5rec/logger.hpp>
#include <new>
#include <optional>
#include <unordered_map>
#include <utility>

#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/thread.hpp"
#include "recorder/event_log.hpp"
#include "recorder/hdf5/appendable_dataset.hpp"
#include "recorder/hdf5/h5_file.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/ring/chunk_ring.hpp"
#include "recorder/shape_text.hpp"
#include "recorder/writer.hpp"

namespace h5rec {
namespace {

const LogStatus kMovedFrom{LogError::kClosed, "h5rec logger: used after being moved from"};

DType to_dtype(LogType type) { return static_cast<DType>(static_cast<int>(type)); }
static_assert(static_cast<int>(LogType::kString) == static_cast<int>(DType::kString));
static_assert(static_cast<int>(LogType::kBool) == static_cast<int>(DType::kBool));

// HDF5 path rules, stricter than h5logger's: no empty parts, no "." or "..", no NUL.
std::optional<std::string> invalid_name_reason(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.find('\0') != std::string_view::npos) return "the name contains a NUL byte";
  if (name.front() == '/' || name.back() == '/') return "the name starts or ends with '/'";
  size_t start = 0;
  while (start <= name.size()) {
    const size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty()) return "the name contains '//'";
    if (part == "." || part == "..") return "the name contains a '.' or '..' part";
    start = end + 1;
  }
  return std::nullopt;
}

// Copies one value; scalars become a single move.
inline void copy_value(std::byte* out, const void* data, size_t bytes) {
  switch (bytes) {
    case 8:
      std::memcpy(out, data, 8);
      break;
    case 4:
      std::memcpy(out, data, 4);
      break;
    case 2:
      std::memcpy(out, data, 2);
      break;
    case 1:
      std::memcpy(out, data, 1);
      break;
    default:
      std::memcpy(out, data, bytes);
  }
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* out) noexcept {
  try {  // nothing may be thrown through HDF5's C frames
    if (info->type == H5O_TYPE_DATASET) {
      static_cast<std::vector<std::string>*>(out)->push_back(name);
    }
    return 0;
  } catch (const std::bad_alloc&) {
    return -1;
  }
}

}  // namespace

// One logged name.
struct LoggedDataset {
  std::string name;
  DType dtype = DType::kFloat64;  // what the dataset holds (copied from h5)
  std::vector<size_t> shape;
  std::optional<h5::AppendableDataset> h5;  // empty: exists in the file but cannot be continued
  std::string cannot_append;                // why, when h5 is empty
  size_t row_bytes = 0;
  std::unique_ptr<ChunkRing> ring;  // created on first use
};

struct Logger::Impl {
  Impl() : clock(posix_clock), storage(posix_storage) {}
  Impl(platform::Storage& given_storage, platform::Clock& given_clock)
      : clock(given_clock), storage(given_storage) {}

  std::string path;
  Options options;
  LogStatus open_status;
  platform::PosixClock posix_clock;  // the default clock and storage: the process's
  platform::PosixStorage posix_storage;
  platform::Clock& clock;      // posix_clock or the caller's
  platform::Storage& storage;  // posix_storage or the caller's
  std::optional<h5::File> file;
  std::unique_ptr<Writer> writer;
  platform::Thread writer_thread;
  std::atomic<bool> finish{false};
  std::vector<std::unique_ptr<LoggedDataset>> datasets;  // file order, then creation order
  std::unordered_map<std::string, LoggedDataset*, StringHash, std::equal_to<>> by_name;
  LoggedDataset* fast_dataset = nullptr;  // the dataset Logger::fast_ is bound to, if any
  LoggedDataset* last_slow = nullptr;     // the dataset of the last value the slow path logged
  bool open = false;

  LogStatus fail(LogError code, std::string message) const {
    return {code, "h5rec logger '" + path + "': " + message};
  }
  LogStatus closed_status() const {
    return fail(LogError::kClosed,
                open_status.ok() ? "the logger is closed" : "not open: " + open_status.message());
  }
  std::string where(const std::string& name) const { return path + ":/" + name; }

  // Methods ending in _locked need Writer::lock() held (HDF5 is not thread-safe on boards).
  LogStatus open_file();
  LogStatus check_options() const;
  LogStatus check_new(std::string_view name, LogType type, std::span<const size_t> shape) const;
  LogStatus discover_existing_locked();
  LogStatus create_locked(std::string_view name, LogType type, std::span<const size_t> shape,
                          LoggedDataset*& out);
  LogStatus bind_locked(LoggedDataset& d);
  LogStatus maybe_start_swmr_locked();
  LogStatus start_swmr_locked();
  LogStatus push(LoggedDataset& d, const void* data, size_t bytes, bool is_string);
  LogStatus log_checked(detail::LogFastPath& fast, std::string_view name, LogType type,
                        std::span<const size_t> shape, const void* data, size_t bytes);
  // The fast path and the slow path never use a ring's producer side at once: every slow call
  // first unbinds, handing the rows the fast path wrote to the ring, and binds again at the end.
  void unbind_fast_path(detail::LogFastPath& fast);
  void bind_fast_path(detail::LogFastPath& fast, LoggedDataset& d);
  LogStatus close(detail::LogFastPath& fast);
  size_t row_bytes(DType dtype, std::span<const size_t> shape) const {
    if (dtype == DType::kString) return options.max_string_bytes + 1;
    size_t values = 1;
    for (size_t d : shape) values *= d;
    return dtype_size(dtype) * values;
  }
};

// Limits that keep every size computed from the options finite and allocatable.
constexpr double kMinCheckpointS = 1e-3;
constexpr double kMaxCheckpointS = 1e7;
constexpr size_t kMaxChunkBytes = size_t{64} << 20;
constexpr size_t kMaxRingChunks = 4096;
constexpr size_t kMaxStringBytes = size_t{1} << 20;
constexpr size_t kMaxValuesPerRow = size_t{1} << 24;
constexpr size_t kMaxRingBytes = size_t{256} << 20;  // per dataset

LogStatus Logger::Impl::check_options() const {
  const Options& o = options;
  if (o.ring_chunks < 2 || o.ring_chunks > kMaxRingChunks || o.chunk_bytes < 1 ||
      o.chunk_bytes > kMaxChunkBytes || !(o.checkpoint_interval >= kMinCheckpointS) ||
      !(o.checkpoint_interval <= kMaxCheckpointS) || o.max_string_bytes < 1 ||
      o.max_string_bytes > kMaxStringBytes) {
    return fail(LogError::kInvalidArgument,
                "options need ring_chunks in [2, 4096], chunk_bytes in [1, 64 MiB], "
                "checkpoint_interval in [0.001, 1e7] s and max_string_bytes in [1, 1 MiB]");
  }
  for (const LogDeclaration& d : o.datasets) {
    if (LogStatus s = check_new(d.name, d.type, d.shape); !s) return s;
  }
  return {};
}

// Everything that can be wrong with a new dataset, checked before anything is created.
LogStatus Logger::Impl::check_new(std::string_view name, LogType type,
                                  std::span<const size_t> shape) const {
  if (auto reason = invalid_name_reason(name)) {
    return fail(LogError::kInvalidName, "cannot log '" + std::string(name) + "': " + *reason);
  }
  const std::string key(name);
  if (file && file->swmr()) {
    return fail(LogError::kNewNameAfterSwmr,
                "cannot create dataset '" + key +
                    "': concurrent readers are on, and HDF5 cannot add datasets a SWMR reader "
                    "would see; declare every dataset before switching them on");
  }
  for (size_t d : shape) {
    if (d == 0) return fail(LogError::kInvalidArgument, "dataset '" + key + "': a zero dimension");
  }
  // Values per row, checked as it grows so a huge shape cannot overflow it.
  size_t values = 1;
  for (size_t d : shape) {
    if (d > kMaxValuesPerRow || (values *= d) > kMaxValuesPerRow) {
      return fail(LogError::kInvalidArgument, "dataset '" + key + "': more than " +
                                                  std::to_string(kMaxValuesPerRow) +
                                                  " values per row");
    }
  }
  const size_t bytes = row_bytes(to_dtype(type), shape);
  const size_t chunk_rows = std::max<size_t>(1, options.chunk_bytes / bytes);
  if (chunk_rows * bytes * options.ring_chunks > kMaxRingBytes) {
    return fail(LogError::kInvalidArgument,
                "dataset '" + key + "': its buffers (ring_chunks x chunk) would need more than " +
                    std::to_string(kMaxRingBytes >> 20) + " MiB");
  }
  return {};
}

LogStatus Logger::Impl::open_file() {
  if (LogStatus s = check_options(); !s) return s;
  const Options& o = options;
  auto held = Writer::lock();
  // A file left by a killed logger comes back to its last checkpoint first (or goes, if it
  // never reached one).
  if (!o.replace_if_exists && journal::needs_recovery(storage, path)) {
    const journal::RecoveryReport r = journal::recover_file(storage, path);
    if (r.outcome == journal::RecoveryOutcome::kUnrecoverable ||
        r.outcome == journal::RecoveryOutcome::kLive) {
      return fail(LogError::kIo, "'" + path + "' was not closed cleanly and is " +
                                     journal::describe(r.outcome) + ": " + r.detail);
    }
    log_event(EventLevel::kInfo,
              path + ": " + journal::describe(r.outcome) + " (" + r.detail + ")");
  }
  if (storage.exists(path) && !o.replace_if_exists) {
    auto opened = h5::File::open(path, {&storage, true});
    if (!opened) {
      const bool not_hdf5 = opened.message().find("not an HDF5 file") != std::string::npos;
      return fail(not_hdf5 ? LogError::kNotHdf5 : LogError::kIo, opened.message());
    }
    file = std::move(opened.value());
    // Refuse before changing anything in the user's file.
    if (o.concurrent_readers && file->superblock_version() < 3) {
      return fail(
          LogError::kIo,
          "concurrent readers (SWMR) need a file in HDF5's latest format (superblock version "
          "3); this file has version " +
              std::to_string(file->superblock_version()) +
              ": append without concurrent_readers or start a new file");
    }
    if (LogStatus s = discover_existing_locked(); !s) return s;
  } else {
    auto created = h5::File::create(path, h5::File::Create::kTruncate, {&storage, true});
    if (!created) return fail(LogError::kIo, created.message());
    file = std::move(created.value());
  }
  for (const LogDeclaration& d : o.datasets) {
    LoggedDataset* dataset = nullptr;
    if (LogStatus s = create_locked(d.name, d.type, d.shape, dataset); !s) return s;
  }
  WriterSettings settings;
  settings.checkpoint_interval_ns = static_cast<int64_t>(o.checkpoint_interval * 1e9);
  writer = std::make_unique<Writer>(*file, clock, storage, settings);
  for (auto& d : datasets) {
    if (d->ring) writer->add({d->ring.get(), {&*d->h5}, d->h5->rows()});
  }
  if (o.concurrent_readers && !o.datasets.empty()) {
    if (LogStatus s = start_swmr_locked(); !s) return s;
  }
  if (LogStatus s = maybe_start_swmr_locked(); !s) return s;
  held.unlock();
  const RecordingStart start{clock.monotonic_ns(), clock.realtime_ns()};
  writer_thread = platform::Thread("h5rec-logger", [this, start] {
    platform::ClockAttachment attached(clock);
    writer->run(start, finish);
  });
  open = true;
  return {};
}

LogStatus Logger::Impl::discover_existing_locked() {
  std::vector<std::string> names;
  // Creation order where the file tracks it (files h5rec made), else by name.
  if (H5Ovisit(file->id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, collect_dataset, &names) < 0) {
    names.clear();
    if (H5Ovisit(file->id(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names) < 0) {
      return fail(LogError::kIo, "cannot list the datasets of the existing file");
    }
  }
  for (const std::string& name : names) {
    auto d = std::make_unique<LoggedDataset>();
    d->name = name;
    auto opened = h5::AppendableDataset::open(file->id(), name, where(name));
    if (opened) {
      d->dtype = opened->dtype();
      d->shape = opened->shape();
      d->row_bytes = row_bytes(d->dtype, d->shape);
      d->h5 = std::move(opened.value());
    } else {
      d->cannot_append = opened.message();
    }
    by_name.emplace(name, d.get());
    datasets.push_back(std::move(d));
  }
  if (Status s = file->size_metadata_cache(datasets.size()); !s) {
    return fail(LogError::kIo, s.message());
  }
  return {};
}

LogStatus Logger::Impl::create_locked(std::string_view name, LogType type,
                                      std::span<const size_t> shape, LoggedDataset*& out) {
  if (auto it = by_name.find(name); it != by_name.end()) {  // declared twice, or already in file
    out = it->second;
    return {};
  }
  if (LogStatus s = check_new(name, type, shape); !s) return s;
  const std::string key(name);
  auto d = std::make_unique<LoggedDataset>();
  d->name = key;
  d->dtype = to_dtype(type);
  d->shape.assign(shape.begin(), shape.end());
  d->row_bytes = row_bytes(d->dtype, shape);
  const size_t chunk_rows = std::max<size_t>(1, options.chunk_bytes / d->row_bytes);
  const h5::ColumnLayout column{key, d->dtype, d->shape, false, {}, {}, {}, {}, {}};
  auto created = h5::AppendableDataset::create(file->id(), column, chunk_rows, where(key));
  if (!created) return fail(LogError::kIo, created.message());
  d->h5 = std::move(created.value());
  const size_t bytes[] = {d->row_bytes};
  d->ring = std::make_unique<ChunkRing>(bytes, chunk_rows, options.ring_chunks);
  if (writer) writer->add({d->ring.get(), {&*d->h5}, 0});
  out = d.get();
  by_name.emplace(key, out);
  datasets.push_back(std::move(d));
  if (Status s = file->size_metadata_cache(datasets.size()); !s) {
    return fail(LogError::kIo, s.message());
  }
  return maybe_start_swmr_locked();
}

// A dataset found in an appended file gets its ring on first use, continuing at its last row.
LogStatus Logger::Impl::bind_locked(LoggedDataset& d) {
  h5::AppendableDataset& h5 = *d.h5;
  if (h5.chunk_rows() * d.row_bytes * options.ring_chunks > kMaxRingBytes) {
    return fail(LogError::kCannotAppend, "dataset '" + d.name +
                                             "': its chunks are too large to buffer (ring_chunks x "
                                             "chunk > " +
                                             std::to_string(kMaxRingBytes >> 20) + " MiB)");
  }
  const uint64_t rows = h5.rows();
  const size_t bytes[] = {d.row_bytes};
  auto ring = std::make_unique<ChunkRing>(bytes, h5.chunk_rows(), options.ring_chunks, rows);
  // The stored rows of the partly filled last chunk go into the ring's first chunk, so that
  // writing the chunk whole keeps them. (String chunks are written row by row instead.)
  const uint64_t chunk_start = rows / h5.chunk_rows() * h5.chunk_rows();
  if (h5.dtype() != DType::kString && chunk_start < rows) {
    Status s = h5.read_rows(chunk_start, rows - chunk_start, ring->first_chunk(0));
    if (!s) return fail(LogError::kIo, s.message());
  }
  d.ring = std::move(ring);
  writer->add({d.ring.get(), {&h5}, rows});
  return {};
}

LogStatus Logger::Impl::maybe_start_swmr_locked() {
  if (!options.concurrent_readers || options.n_datasets == 0 || file->swmr()) return {};
  if (datasets.size() < options.n_datasets) return {};
  return start_swmr_locked();
}

LogStatus Logger::Impl::start_swmr_locked() {
  if (file->swmr()) return {};

  // Rows logged so far become visible to the first reader.
  if (writer) (void)writer->checkpoint();
  if (Status s = file->start_swmr(); !s) return fail(LogError::kIo, s.message());
  return {};
}

LogStatus Logger::Impl::push(LoggedDataset& d, const void* data, size_t bytes, bool is_string) {
  ChunkRing& ring = *d.ring;
  if (!ring.can_push()) {
    // The writer is a whole ring behind: write the full chunks here rather than drop the value.
    auto held = Writer::lock();
    (void)writer->write_full_chunks();
    if (!ring.can_push()) {
      return fail(LogError::kIo, "dataset '" + d.name +
                                     "': storage is failing and the buffers are full; "
                                     "the value was not logged");
    }
  }
  std::byte* row = ring.row(0);
  copy_value(row, data, bytes);
  if (is_string) row[bytes] = std::byte{0};
  ring.commit_row();
  return {};
}

// `fast` is bound exactly when fast_dataset is set.
void Logger::Impl::unbind_fast_path(detail::LogFastPath& fast) {
  if (fast_dataset == nullptr) return;
  ChunkRing& ring = *fast_dataset->ring;
  ring.commit_rows(fast.produced - ring.produced_rows());
  fast_dataset = nullptr;
  fast = {};
}

// Binds to the room left in the ring chunk d is filling; a full ring stays unbound (the next
// call's slow path writes the full chunks).
void Logger::Impl::bind_fast_path(detail::LogFastPath& fast, LoggedDataset& d) {
  ChunkRing& ring = *d.ring;
  if (!ring.can_push()) return;
  fast.cursor = ring.row(0);
  fast.end = fast.cursor + ring.rows_left_in_chunk() * d.row_bytes;
  fast.name = d.name;
  fast.type = static_cast<LogType>(static_cast<int>(d.dtype));
  fast.rank = d.shape.size();
  fast.shape = d.shape.data();
  fast.row_bytes = d.row_bytes;
  fast.produced = ring.produced_rows();
  fast.committed = &ring.committed_counter();
  fast_dataset = &d;
}

LogStatus Logger::Impl::close(detail::LogFastPath& fast) {
  if (!open) return closed_status();
  unbind_fast_path(fast);
  last_slow = nullptr;
  open = false;
  finish.store(true, std::memory_order_release);
  writer_thread.join();
  auto held = Writer::lock();
  const WriterStats stats = writer->stats();
  writer.reset();
  by_name.clear();
  datasets.clear();
  const Status s = file->close();
  held.unlock();
  if (!s) return fail(LogError::kIo, s.message());
  if (stats.storage_errors > 0) {
    return fail(LogError::kIo, std::to_string(stats.storage_errors) +
                                   " storage errors while logging; see the messages on stderr");
  }
  return {};
}

Logger::Logger(const std::string& path, Options options) : impl_(std::make_unique<Impl>()) {
  open_path(path, std::move(options));
}

Logger::Logger(const std::string& path, Options options, platform::Storage& storage,
               platform::Clock& clock)
    : impl_(std::make_unique<Impl>(storage, clock)) {
  open_path(path, std::move(options));
}

void Logger::open_path(const std::string& path, Options options) {
  impl_->path = path;
  impl_->options = std::move(options);
  try {
    impl_->open_status = impl_->open_file();
  } catch (const std::exception& e) {  // std::bad_alloc, std::system_error (thread start)
    impl_->open_status = impl_->fail(LogError::kIo, std::string("cannot open: ") + e.what());
  }
  if (!impl_->open_status.ok()) {
    auto held = Writer::lock();  // the dataset handles close here too
    impl_->datasets.clear();
    impl_->by_name.clear();
    if (impl_->file) (void)impl_->file->close();
  }
}

Logger::~Logger() {
  if (impl_ && impl_->open) (void)impl_->close(fast_);
}

// The fast path's state moves with impl_ (it points into impl_'s buffers): the moved-from
// logger keeps none of it.
Logger::Logger(Logger&& other) noexcept
    : impl_(std::move(other.impl_)), fast_(std::exchange(other.fast_, {})) {}
Logger& Logger::operator=(Logger&& other) noexcept {
  if (this != &other) {
    if (impl_ && impl_->open) (void)impl_->close(fast_);
    impl_ = std::move(other.impl_);
    fast_ = std::exchange(other.fast_, {});
  }
  return *this;
}

const LogStatus& Logger::open_status() const { return impl_ ? impl_->open_status : kMovedFrom; }
bool Logger::is_open() const { return impl_ && impl_->open; }

// The fast path again, out of line, for shapes known only at run time (spans, pointer + shape,
// the C API).
LogStatus Logger::log_raw(std::string_view name, LogType type, std::span<const size_t> shape,
                          const void* data, size_t bytes) {
  if (fast_.takes(name, type, shape.size()) && fast_.row_bytes == bytes &&
      std::equal(shape.begin(), shape.end(), fast_.shape)) {
    copy_value(fast_.cursor, data, bytes);
    fast_.publish(bytes);
    return {};
  }
  return log_slow(name, type, shape, data, bytes);
}

LogStatus Logger::log_slow(std::string_view name, LogType type, std::span<const size_t> shape,
                           const void* data, size_t bytes) {
  if (!impl_) return kMovedFrom;
  return impl_->log_checked(fast_, name, type, shape, data, bytes);
}

LogStatus Logger::Impl::log_checked(detail::LogFastPath& fast, std::string_view name, LogType type,
                                    std::span<const size_t> shape, const void* data, size_t bytes) {
  if (!open) return closed_status();
  unbind_fast_path(fast);
  const DType dtype = to_dtype(type);
  // The value itself first: a bad value creates nothing.
  if (dtype == DType::kString) {
    if (std::string_view(static_cast<const char*>(data), bytes).find('\0') !=
        std::string_view::npos) {
      return fail(LogError::kInvalidArgument,
                  "string for '" + std::string(name) + "' contains a NUL byte");
    }
    if (bytes > options.max_string_bytes) {
      return fail(LogError::kStringTooLong, "dataset '" + std::string(name) + "': a " +
                                                std::to_string(bytes) +
                                                "-byte string is longer than max_string_bytes (" +
                                                std::to_string(options.max_string_bytes) + ")");
    }
  } else if (bytes != row_bytes(dtype, shape)) {
    return fail(LogError::kInvalidArgument,
                "dataset '" + std::string(name) + "': " + std::to_string(bytes) +
                    " bytes given for " + std::string(dtype_name(dtype)) + " values of shape " +
                    shape_text(shape));
  }
  LoggedDataset* d = nullptr;
  if (auto it = by_name.find(name); it != by_name.end()) {
    d = it->second;
  } else {
    auto held = Writer::lock();
    try {
      if (LogStatus s = create_locked(name, type, shape, d); !s) return s;
    } catch (const std::bad_alloc&) {
      return fail(LogError::kIo, "dataset '" + std::string(name) + "': out of memory");
    }
  }
  if (!d->h5) return fail(LogError::kCannotAppend, d->cannot_append);
  const bool same_shape = std::equal(shape.begin(), shape.end(), d->shape.begin(), d->shape.end());
  if (d->dtype != dtype || !same_shape) {
    return fail(d->dtype != dtype ? LogError::kTypeMismatch : LogError::kShapeMismatch,
                "dataset '" + d->name + "' holds " + std::string(dtype_name(d->dtype)) +
                    " values of shape " + shape_text(d->shape) + "; got " +
                    std::string(dtype_name(dtype)) + " of shape " + shape_text(shape));
  }
  if (!d->ring) {
    auto held = Writer::lock();
    try {
      if (LogStatus s = bind_locked(*d); !s) return s;
    } catch (const std::bad_alloc&) {
      return fail(LogError::kIo, "dataset '" + d->name + "': out of memory");
    }
  }
  const bool is_string = dtype == DType::kString;
  LogStatus s = push(*d, data, bytes, is_string);
  if (!s) return s;
  // The fast path serves a name logged again and again. Names that alternate call by call stay
  // here: binding on every call would only make them slower. Strings never take the fast path
  // (their length needs checking).
  if (d == last_slow && !is_string) bind_fast_path(fast, *d);
  last_slow = d;
  return s;
}

LogStatus Logger::log(std::string_view name, std::string_view text) {
  return log_raw(name, LogType::kString, {}, text.data(), text.size());
}

LogStatus Logger::enable_concurrent_readers() {
  if (!impl_) return kMovedFrom;
  if (!impl_->open) return impl_->closed_status();
  auto held = Writer::lock();
  return impl_->start_swmr_locked();
}

LogStatus Logger::flush() {
  if (!impl_) return kMovedFrom;
  Impl& m = *impl_;
  if (!m.open) return m.closed_status();
  auto held = Writer::lock();
  if (Status s = m.writer->checkpoint(); !s) return m.fail(LogError::kIo, s.message());
  return {};
}

LogStatus Logger::close() { return impl_ ? impl_->close(fast_) : kMovedFrom; }

std::vector<std::string> Logger::keys() const {
  std::vector<std::string> out;
  if (!impl_) return out;
  for (const auto& d : impl_->datasets) out.push_back(d->name);
  return out;
}

}  // namespace h5rec
