// h5rec::Logger: log(name, value) into HDF5 from C++, the way h5logger does from Python, through
// preallocated chunk buffers and a background writer with periodic crash-safe checkpoints.
//
//   h5rec::Logger logger("run.h5");                      // appends if run.h5 exists
//   for (...) (void)logger.log("train/loss", loss);     // → dataset /train/loss, shape (N,)
//   (void)logger.log("pose", std::array<float, 3>{x, y, z});  // → /pose, shape (N, 3)
//   logger.close();                                      // or let the destructor close it
//
// Reading: h5py.File("run.h5")["train/loss"][:]. Each name is one dataset at /name with shape
// (N, *value_shape), chunked, unlimited first dimension; nested names create groups (the whole
// layout: docs/FORMAT.md in the h5rec sources).
//
// Errors never throw: every call returns a LogStatus that says what failed and for which
// dataset (LogStatus is [[nodiscard]]: write (void) to ignore one on purpose).
//
// Thread safety: a Logger is not thread-safe. Use one Logger per thread (each with its own
// file), or guard every call on a shared Logger with one mutex. Loggers in different threads
// may run at once: h5rec serialises its HDF5 calls process-wide (HDF5 builds for boards are not
// thread-safe), so log() itself never waits on another logger unless its buffers are full.
//
// Crash safety: every `checkpoint_interval` (and at flush()/close()) all logged values are
// written and fsynced. After a crash the file holds every value up to the last checkpoint.
//
// Memory: a dataset's buffers (ring_chunks chunks of chunk_bytes) are allocated when it is
// created or declared, never per call. log() copies into them; when the writer falls behind by a
// whole ring, log() writes the full chunks itself rather than drop a value.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace h5rec {

namespace platform {  // the platform seam (platform/storage.hpp, platform/clock.hpp)
class Clock;
class Storage;
}  // namespace platform

// Element types a dataset can hold.
enum class LogType {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kBool,
  kString
};

// What went wrong; the same numbers are the C API's error codes (negated).
enum class LogError {
  kOk = 0,
  kInvalidName = 1,       // empty, NUL byte, leading/trailing/double '/', "." or ".." parts
  kTypeMismatch = 2,      // value's type differs from the dataset's
  kShapeMismatch = 3,     // value's shape differs from the dataset's
  kClosed = 4,            // the logger was closed (or failed to open)
  kNewNameAfterSwmr = 5,  // concurrent readers are on: no dataset can be added
  kNotHdf5 = 6,           // the file exists and is not HDF5
  kIo = 7,                // HDF5 or storage failed (message says where)
  kInvalidArgument = 8,   // bad option or argument (or a value whose byte size does not match)
  kStringTooLong = 9,     // longer than Options::max_string_bytes
  kCannotAppend = 10,     // an existing dataset h5rec cannot continue (compressed, not chunked)
};

// Success costs nothing to return: the message exists only for errors.
class [[nodiscard]] LogStatus {
 public:
  LogStatus() = default;
  LogStatus(LogError code, std::string message)
      : code_(code), message_(std::make_shared<const std::string>(std::move(message))) {}
  bool ok() const { return code_ == LogError::kOk; }
  explicit operator bool() const { return ok(); }
  LogError code() const { return code_; }
  const std::string& message() const {
    static const std::string kNone;
    return message_ ? *message_ : kNone;
  }

 private:
  LogError code_ = LogError::kOk;
  std::shared_ptr<const std::string> message_;
};

// A dataset to create up front (needed to switch concurrent readers on at open).
struct LogDeclaration {
  std::string name;
  LogType type = LogType::kFloat64;
  std::vector<size_t> shape;  // per value; empty = scalar
};

template <class T>
constexpr LogType log_type_of() {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, long double>,
                "log() takes integers, floats, bool and strings");
  if constexpr (std::is_same_v<T, bool>)
    return LogType::kBool;
  else if constexpr (std::is_floating_point_v<T>)
    return sizeof(T) == 4 ? LogType::kFloat32 : LogType::kFloat64;
  else if constexpr (std::is_signed_v<T>) {
    return sizeof(T) == 1   ? LogType::kInt8
           : sizeof(T) == 2 ? LogType::kInt16
           : sizeof(T) == 4 ? LogType::kInt32
                            : LogType::kInt64;
  } else {
    return sizeof(T) == 1   ? LogType::kUInt8
           : sizeof(T) == 2 ? LogType::kUInt16
           : sizeof(T) == 4 ? LogType::kUInt32
                            : LogType::kUInt64;
  }
}

namespace detail {
// Element type and shape of (nested) std::array values.
template <class T>
struct ArrayTraits {
  using Element = T;
  static constexpr size_t kRank = 0;
  static constexpr size_t kValues = 1;
  static void shape(size_t*) {}
  static bool same_shape(const size_t*) { return true; }
};
template <class T, size_t N>
struct ArrayTraits<std::array<T, N>> {
  using Element = typename ArrayTraits<T>::Element;
  static constexpr size_t kRank = 1 + ArrayTraits<T>::kRank;
  static constexpr size_t kValues = N * ArrayTraits<T>::kValues;
  static void shape(size_t* out) {
    out[0] = N;
    ArrayTraits<T>::shape(out + 1);
  }
  static bool same_shape(const size_t* shape) {
    return shape[0] == N && ArrayTraits<T>::same_shape(shape + 1);
  }
};

// Equality of two names without a library call for names up to 32 bytes (overlapping word
// loads; GCC inlines memcmp only for constants up to 3 bytes): the fast path runs it on every call.
inline bool same_name(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (b.size() != n) return false;
  const auto diff8 = [&](size_t at) {
    uint64_t u, v;
    std::memcpy(&u, a.data() + at, 8);
    std::memcpy(&v, b.data() + at, 8);
    return u ^ v;
  };
  const auto diff4 = [&](size_t at) {
    uint32_t u, v;
    std::memcpy(&u, a.data() + at, 4);
    std::memcpy(&v, b.data() + at, 4);
    return u ^ v;
  };
  if (n >= 4 && n < 8) return (diff4(0) | diff4(n - 4)) == 0;
  if (n >= 8 && n <= 16) return (diff8(0) | diff8(n - 8)) == 0;
  if (n > 16 && n <= 32) return (diff8(0) | diff8(8) | diff8(n - 16) | diff8(n - 8)) == 0;
  return std::memcmp(a.data(), b.data(), n) == 0;
}

// Copies a row whose size is known at compile time; up to 128 bytes in 16-byte pieces, because
// where GCC deems a call site cold (say a loop in a function only main() calls) it expands a
// larger memcpy as `rep movs`, several times slower for a small row.
template <size_t kBytes>
inline void copy_row(std::byte* out, const std::byte* in) {
  if constexpr (kBytes > 16 && kBytes <= 128) {
    std::memcpy(out, in, 16);
    copy_row<kBytes - 16>(out + 16, in + 16);
  } else {
    std::memcpy(out, in, kBytes);
  }
}

// Where log()'s inline fast path puts the next value of the dataset logged last: the room left
// in the ring chunk that dataset is filling. Only Logger's out-of-line slow path binds and unbinds
// it; Logger::Impl owns everything it points to. cursor == end (also when unbound) sends every
// call to the slow path, which first hands the rows written here back to the ring.
struct LogFastPath {
  std::byte* cursor = nullptr;      // where the next row goes
  std::byte* end = nullptr;         // end of the room in the current chunk
  std::string_view name;            // the dataset's name
  LogType type = LogType::kString;  // never bound to strings: their length needs checking
  size_t rank = 0;
  const size_t* shape = nullptr;  // `rank` dimensions per value
  size_t row_bytes = 0;
  uint64_t produced = 0;                       // rows in the dataset, these included
  std::atomic<uint64_t>* committed = nullptr;  // what the writer reads (the ring's counter)

  bool takes(std::string_view value_name, LogType value_type, size_t value_rank) const {
    return cursor != end && type == value_type && rank == value_rank && same_name(value_name, name);
  }
  // Copies one row and publishes it at once: a later checkpoint includes it even if nothing
  // else is ever logged.
  template <size_t kBytes>
  void push(const void* data) {
    copy_row<kBytes>(cursor, static_cast<const std::byte*>(data));
    publish(kBytes);
  }
  void publish(size_t bytes) {
    cursor += bytes;
    committed->store(++produced, std::memory_order_release);
  }
};
}  // namespace detail

// Logger::Options.
struct LoggerOptions {
  // Truncate an existing file; otherwise append: each dataset continues where it ended.
  bool replace_if_exists = false;
  // Switch SWMR on so h5py(swmr=True), h5dump or h5rec tail can read while logging: at open
  // when `datasets` are declared, once `n_datasets` names exist, or by
  // enable_concurrent_readers(). Readers open with HDF5_USE_FILE_LOCKING=FALSE.
  bool concurrent_readers = false;
  size_t n_datasets = 0;  // 0: no automatic switch
  std::vector<LogDeclaration> datasets;
  // Seconds between checkpoints (everything logged becomes durable and visible to readers),
  // 0.001 to 1e7.
  double checkpoint_interval = 1.0;
  size_t chunk_bytes = 32768;     // HDF5 chunk size per dataset (at least one value), <= 64 MiB
  size_t ring_chunks = 4;         // chunk buffers per dataset, 2 to 4096
  size_t max_string_bytes = 255;  // longest string a string dataset takes, 1 B to 1 MiB
};

class Logger {
 public:
  using Options = LoggerOptions;

  // Opens (or creates) the file. On failure the logger is closed and open_status() says why;
  // every later call returns kClosed with that reason.
  explicit Logger(const std::string& path, Options options = {});
  // The same on the given storage and clock instead of the process's files and clocks (the
  // platform seam, platform/storage.hpp and platform/clock.hpp; tests pass simulated ones). Both
  // must outlive the logger; its threads use them.
  Logger(const std::string& path, Options options, platform::Storage& storage,
         platform::Clock& clock);
  ~Logger();  // closes (a final checkpoint)
  Logger(Logger&&) noexcept;
  Logger& operator=(Logger&&) noexcept;
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  const LogStatus& open_status() const;
  bool is_open() const;

  // Scalars and std::arrays take an inline fast path when the name, type and shape are the
  // previous call's and its chunk has room (most calls): compare, copy, publish. It is inline
  // because an out-of-line call (eight arguments, a LogStatus returned through memory) costs
  // more than all of that. Everything else (new name, full chunk, errors) goes to log_slow().
  template <class T>
  requires std::is_arithmetic_v<T> LogStatus log(std::string_view name, T value) {
    if (fast_.takes(name, log_type_of<T>(), 0)) [[likely]] {
      fast_.push<sizeof value>(&value);
      return {};
    }
    LogStatus status = log_slow(name, log_type_of<T>(), {}, &value, sizeof value);
    // A copy, not log_slow()'s object itself: the caller's status can then live in registers,
    // and the success path above returns and destroys nothing.
    return LogStatus(std::move(status));
  }
  template <class T, size_t N>
  LogStatus log(std::string_view name, const std::array<T, N>& value) {
    using Traits = detail::ArrayTraits<std::array<T, N>>;
    using Element = typename Traits::Element;
    static_assert(sizeof value == sizeof(Element) * Traits::kValues, "std::array has padding");
    if (fast_.takes(name, log_type_of<Element>(), Traits::kRank) && Traits::same_shape(fast_.shape))
        [[likely]] {
      fast_.push<sizeof value>(value.data());
      return {};
    }
    size_t shape[Traits::kRank];
    Traits::shape(shape);
    LogStatus status = log_slow(name, log_type_of<Element>(), shape, value.data(), sizeof value);
    return LogStatus(std::move(status));
  }
  template <class T>
  LogStatus log(std::string_view name, std::span<const T> values) {
    const size_t n = values.size();
    return log_raw(name, log_type_of<T>(), std::span<const size_t>(&n, 1), values.data(),
                   values.size_bytes());
  }
  template <class T>
  LogStatus log(std::string_view name, std::span<T> values) {
    return log(name, std::span<const T>(values));
  }
  template <class T>
  LogStatus log(std::string_view name, const std::vector<T>& values) {
    return log(name, std::span<const T>(values));
  }
  // An array of any rank: `data` holds product(shape) values in C order.
  template <class T>
  LogStatus log(std::string_view name, const T* data, std::span<const size_t> shape) {
    size_t n = 1;
    for (size_t d : shape) n *= d;
    return log_raw(name, log_type_of<T>(), shape, data, n * sizeof(T));
  }
  // std::vector<bool> packs bits; log std::array<bool, N> or std::vector<uint8_t> instead.
  LogStatus log(std::string_view name, const std::vector<bool>& values) = delete;
  // A variable-length UTF-8 string (event messages); no NUL bytes. With concurrent readers on,
  // an HDF5 1.10 SWMR reader that follows the file with refresh() cannot read string rows added
  // after it opened (a limit of HDF5's SWMR for variable-length data): it reads them by
  // reopening the file; numeric datasets follow live.
  LogStatus log(std::string_view name, std::string_view text);
  LogStatus log(std::string_view name, const char* text) {
    return log(name, std::string_view(text));
  }
  LogStatus log(std::string_view name, const std::string& text) {
    return log(name, std::string_view(text));
  }

  // Untyped entry point (spans, pointers, the C API): `bytes` bytes of `type` values in C order.
  LogStatus log_raw(std::string_view name, LogType type, std::span<const size_t> shape,
                    const void* data, size_t bytes);

  // Switches SWMR on now; no dataset can be added afterwards.
  LogStatus enable_concurrent_readers();
  // A checkpoint: everything logged so far is written, visible to readers and fsynced.
  LogStatus flush();
  // Final checkpoint and close. Later calls return kClosed.
  LogStatus close();
  // Names of every dataset in the file: existing ones first (in creation order where the file
  // tracks it, else by name), then new ones in the order they were created.
  std::vector<std::string> keys() const;

 private:
  struct Impl;
  void open_path(const std::string& path, Options options);  // the constructors' common part
  // Every call the fast path does not take: checks, creates, binds the fast path.
  LogStatus log_slow(std::string_view name, LogType type, std::span<const size_t> shape,
                     const void* data, size_t bytes);

  std::unique_ptr<Impl> impl_;
  detail::LogFastPath fast_;  // bound by log_slow(), reset by close() and moves
};

}  // namespace h5rec
