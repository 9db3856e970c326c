// Test driver for h5rec::Logger: opens one file with options from the command line, then runs
// operations (ops) in order and prints what each returned, for the Python tests to check with h5py.
//
//   h5rec_logger_driver [OPTIONS] FILE OP...
//
// Options: --replace  --concurrent  --n-datasets N  --declare NAME:TYPE:SHAPE  --checkpoint SECONDS
//          --chunk-bytes N  --ring-chunks N  --max-string N
// TYPE: int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 bool string
// SHAPE: "-" for a scalar, else dimensions joined by 'x' ("3", "2x3x4").
// Names and texts are %XX-decoded ("a%00b" has a NUL byte).
//
// Ops (each status line is "STATUS <op> <code> <rows> <message>", message escaped as \xNN):
//   log NAME TYPE SHAPE FIRST COUNT  rows FIRST..FIRST+COUNT-1 through log(name, value) (scalars)
//                                    or log(name, pointer, shape); stops at the first error
//   stdarray NAME TYPE SHAPE FIRST COUNT  the same rows through log(name, std::array) (log()'s
//                                    inline fast path); SHAPE 1, 3, 16 or 2x3 (nested arrays)
//   str NAME TEXT                    one string through log(name, std::string_view)
//   rawbytes NAME TYPE SHAPE BYTES   one log_raw(name, type, shape, data, BYTES) call with BYTES
//                                    bytes of data (0x5a), whatever the shape says
//   matrix FIRST COUNT               every overload for every type (see matrix_row), plus nested
//                                    names and the three string overloads
//   stream SECONDS FIRST SPEC...     rows FIRST, FIRST+1, ... of every NAME:TYPE:SHAPE spec, one
//                                    row per millisecond until SECONDS passed; prints STREAMING
//                                    after the first row and "STREAMED <rows>" at the end;
//                                    FIRST "+" continues where the last stream ended
//   flush | enable | close           flush(), enable_concurrent_readers(), close()
//   keys                             "KEY <name>" for each of keys(), then "KEYS <count>"
//   move                             moves the logger out, checks the moved-from one (kClosed
//                                    from every call, no crash), moves it back
//   reassign FILE2                   logger = Logger(FILE2, same options): closes FILE
//   echo WORD | wait | sleep MS      print WORD; read a line from stdin; sleep
//
// Values are a pure function of (dataset name, row i, element k), recomputed by
// h5rec_test/logger_lib.py: u = fnv1a64(name) + i * A + k * B (mod 2^64); an integer of b bits is
// the top b bits of u (two's complement for signed types), a float is those bits reinterpreted, a
// bool the top bit.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <h5rec/logger.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using h5rec::LogError;
using h5rec::Logger;
using h5rec::LogStatus;
using h5rec::LogType;

constexpr uint64_t kRowMul = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kElementMul = 0xC2B2AE3D27D4EB4Full;

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

template <class T>
T value_of(uint64_t salt, uint64_t i, uint64_t k) {
  const uint64_t u = salt + i * kRowMul + k * kElementMul;
  if constexpr (std::is_same_v<T, bool>) {
    return (u >> 63) != 0;
  } else {
    constexpr unsigned kBits = 8 * sizeof(T);
    using Bits = std::conditional_t<
        sizeof(T) == 1, uint8_t,
        std::conditional_t<sizeof(T) == 2, uint16_t,
                           std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
    const Bits bits = static_cast<Bits>(u >> (64 - kBits));
    T out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
  }
}

// Row i of a string dataset (mirrored by h5rec_test.logger_lib.text_of).
std::string text_of(uint64_t i, size_t max_bytes) {
  static const char* const kBase[] = {
      "",
      "hello",
      "h\xc3\xa9llo w\xc3\xb6rld",             // héllo wörld
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",  // 日本語
      "\xf0\x9f\x99\x82 smile",                // 🙂 smile
      "tab\tand\nnewline",
      "quote \" backslash \\",
  };
  if (i % 11 == 10) {  // exactly max_bytes bytes, mostly 2-byte characters
    std::string s;
    while (s.size() + 2 <= max_bytes) s += "\xc3\xa9";
    if (s.size() < max_bytes) s += "x";
    return s;
  }
  const size_t b = i % 7;
  std::string s = kBase[b];
  if (b != 0) s += " #" + std::to_string(i);
  return s;
}

const char* code_name(LogError e) {
  switch (e) {
    case LogError::kOk:
      return "kOk";
    case LogError::kInvalidName:
      return "kInvalidName";
    case LogError::kTypeMismatch:
      return "kTypeMismatch";
    case LogError::kShapeMismatch:
      return "kShapeMismatch";
    case LogError::kClosed:
      return "kClosed";
    case LogError::kNewNameAfterSwmr:
      return "kNewNameAfterSwmr";
    case LogError::kNotHdf5:
      return "kNotHdf5";
    case LogError::kIo:
      return "kIo";
    case LogError::kInvalidArgument:
      return "kInvalidArgument";
    case LogError::kStringTooLong:
      return "kStringTooLong";
    case LogError::kCannotAppend:
      return "kCannotAppend";
  }
  return "unknown";
}

std::string escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 3 <= s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void say(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_status(std::string_view op, const LogStatus& s, uint64_t rows = 0) {
  say("STATUS " + std::string(op) + " " + code_name(s.code()) + " " + std::to_string(rows) + " " +
      escape(s.message()));
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "h5rec_logger_driver: %s\n", why.c_str());
  std::exit(2);
}

std::optional<LogType> parse_type(std::string_view t) {
  static constexpr std::pair<std::string_view, LogType> kTypes[] = {
      {"int8", LogType::kInt8},       {"int16", LogType::kInt16},   {"int32", LogType::kInt32},
      {"int64", LogType::kInt64},     {"uint8", LogType::kUInt8},   {"uint16", LogType::kUInt16},
      {"uint32", LogType::kUInt32},   {"uint64", LogType::kUInt64}, {"float32", LogType::kFloat32},
      {"float64", LogType::kFloat64}, {"bool", LogType::kBool},     {"string", LogType::kString}};
  for (const auto& [name, type] : kTypes) {
    if (name == t) return type;
  }
  return std::nullopt;
}

std::vector<size_t> parse_shape(std::string_view s) {
  std::vector<size_t> shape;
  if (s == "-") return shape;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find('x', start), s.size());
    shape.push_back(std::stoul(std::string(s.substr(start, end - start))));
    start = end + 1;
  }
  return shape;
}

struct Spec {
  std::string name;
  LogType type;
  std::vector<size_t> shape;
};

Spec parse_spec(std::string_view text) {
  const size_t a = text.find(':');
  const size_t b = a == std::string_view::npos ? a : text.find(':', a + 1);
  if (b == std::string_view::npos) usage("bad spec " + std::string(text));
  auto type = parse_type(text.substr(a + 1, b - a - 1));
  if (!type) usage("bad type in " + std::string(text));
  return {percent_decode(text.substr(0, a)), *type, parse_shape(text.substr(b + 1))};
}

// Calls f(T{}) with the C++ type of `type` (not for strings).
template <class F>
decltype(auto) with_type(LogType type, F&& f) {
  switch (type) {
    case LogType::kInt8:
      return f(int8_t{});
    case LogType::kInt16:
      return f(int16_t{});
    case LogType::kInt32:
      return f(int32_t{});
    case LogType::kInt64:
      return f(int64_t{});
    case LogType::kUInt8:
      return f(uint8_t{});
    case LogType::kUInt16:
      return f(uint16_t{});
    case LogType::kUInt32:
      return f(uint32_t{});
    case LogType::kUInt64:
      return f(uint64_t{});
    case LogType::kFloat32:
      return f(float{});
    case LogType::kFloat64:
      return f(double{});
    case LogType::kBool:
      return f(bool{});
    case LogType::kString:
      break;
  }
  usage("with_type(string)");
}

// One row of a spec through the plain overloads: log(name, T), log(name, const T*, shape),
// log(name, std::string_view).
LogStatus log_row(Logger& logger, const Spec& spec, uint64_t salt, uint64_t i, size_t max_string) {
  if (spec.type == LogType::kString) return logger.log(spec.name, text_of(i, max_string));
  return with_type(spec.type, [&](auto zero) -> LogStatus {
    using T = decltype(zero);
    if (spec.shape.empty()) return logger.log(spec.name, value_of<T>(salt, i, 0));
    size_t n = 1;
    for (size_t d : spec.shape) n *= d;
    std::unique_ptr<T[]> values(new T[n]);
    for (size_t k = 0; k < n; ++k) values[k] = value_of<T>(salt, i, k);
    return logger.log(spec.name, static_cast<const T*>(values.get()),
                      std::span<const size_t>(spec.shape));
  });
}

// ---- matrix: every overload for one element type ----

struct MatrixState {
  uint64_t failures = 0;
  void check(const std::string& name, const LogStatus& s, uint64_t i) {
    if (s) return;
    if (++failures <= 5) print_status("matrix:" + name + "@" + std::to_string(i), s);
  }
};

template <class T, size_t N>
void fill(std::array<T, N>& a, uint64_t salt, uint64_t i, uint64_t& k) {
  if constexpr (std::is_arithmetic_v<T>) {
    for (T& v : a) v = value_of<T>(salt, i, k++);
  } else {
    for (auto& inner : a) fill(inner, salt, i, k);
  }
}

// Row i through log(name, A) for a (nested) std::array type A.
template <class A>
LogStatus log_std_array(Logger& logger, const std::string& name, uint64_t salt, uint64_t i) {
  A a{};
  uint64_t k = 0;
  fill(a, salt, i, k);
  return logger.log(name, a);
}

template <class T, size_t N>
std::array<T, N> make_array(uint64_t salt, uint64_t i) {
  std::array<T, N> a{};
  for (size_t k = 0; k < N; ++k) a[k] = value_of<T>(salt, i, k);
  return a;
}

template <class T>
void matrix_row(Logger& logger, const std::string& type_name, uint64_t i, MatrixState& state) {
  auto salt = [](const std::string& name) { return fnv1a64(name); };
  {
    const std::string name = "scalar/" + type_name;
    state.check(name, logger.log(name, value_of<T>(salt(name), i, 0)), i);
  }
  {
    const std::string name = "array/" + type_name;
    state.check(name, logger.log(name, make_array<T, 3>(salt(name), i)), i);
  }
  {
    const std::string name = "nested/" + type_name;
    std::array<std::array<T, 3>, 2> a{};
    uint64_t k = 0;
    fill(a, salt(name), i, k);
    state.check(name, logger.log(name, a), i);
  }
  {
    const std::string name = "nested3/" + type_name;
    std::array<std::array<std::array<T, 4>, 3>, 2> a{};
    uint64_t k = 0;
    fill(a, salt(name), i, k);
    state.check(name, logger.log(name, a), i);
  }
  {
    const std::string name = "span_const/" + type_name;
    const std::array<T, 5> a = make_array<T, 5>(salt(name), i);
    state.check(name, logger.log(name, std::span<const T>(a)), i);
  }
  {
    const std::string name = "span/" + type_name;
    std::array<T, 2> a = make_array<T, 2>(salt(name), i);
    state.check(name, logger.log(name, std::span<T>(a)), i);
  }
  if constexpr (!std::is_same_v<T, bool>) {  // std::vector<bool> has no data(): no overload
    const std::string name = "vector/" + type_name;
    const std::array<T, 6> a = make_array<T, 6>(salt(name), i);
    const std::vector<T> v(a.begin(), a.end());
    state.check(name, logger.log(name, v), i);
  }
  {
    const std::string name = "ptr1/" + type_name;
    const std::array<T, 7> a = make_array<T, 7>(salt(name), i);
    const size_t shape[] = {7};
    state.check(name, logger.log(name, a.data(), std::span<const size_t>(shape)), i);
  }
  {
    const std::string name = "ptr2/" + type_name;
    const std::array<T, 10> a = make_array<T, 10>(salt(name), i);
    const size_t shape[] = {2, 5};
    state.check(name, logger.log(name, a.data(), std::span<const size_t>(shape)), i);
  }
  {
    const std::string name = "ptr3/" + type_name;
    const std::array<T, 12> a = make_array<T, 12>(salt(name), i);
    const size_t shape[] = {3, 2, 2};
    state.check(name, logger.log(name, a.data(), std::span<const size_t>(shape)), i);
  }
  {
    const std::string name = "raw/" + type_name;
    const std::array<T, 4> a = make_array<T, 4>(salt(name), i);
    const size_t shape[] = {4};
    state.check(name, logger.log_raw(name, h5rec::log_type_of<T>(), shape, a.data(), sizeof a), i);
  }
}

void matrix(Logger& logger, uint64_t first, uint64_t count, size_t max_string) {
  MatrixState state;
  for (uint64_t i = first; i < first + count; ++i) {
    matrix_row<int8_t>(logger, "int8", i, state);
    matrix_row<int16_t>(logger, "int16", i, state);
    matrix_row<int32_t>(logger, "int32", i, state);
    matrix_row<int64_t>(logger, "int64", i, state);
    matrix_row<uint8_t>(logger, "uint8", i, state);
    matrix_row<uint16_t>(logger, "uint16", i, state);
    matrix_row<uint32_t>(logger, "uint32", i, state);
    matrix_row<uint64_t>(logger, "uint64", i, state);
    matrix_row<float>(logger, "float32", i, state);
    matrix_row<double>(logger, "float64", i, state);
    matrix_row<bool>(logger, "bool", i, state);
    // Nested names, as h5logger users write them.
    const float loss = value_of<float>(fnv1a64("train/loss"), i, 0);
    state.check("train/loss", logger.log("train/loss", loss), i);
    const int64_t step = value_of<int64_t>(fnv1a64("train/step"), i, 0);
    state.check("train/step", logger.log("train/step", step), i);
    state.check("a/b/c", logger.log("a/b/c", make_array<uint16_t, 2>(fnv1a64("a/b/c"), i)), i);
    const std::string utf8_name =
        "utf8/gr\xc3\xb6\xc3\x9f"
        "e";  // größe
    state.check(utf8_name, logger.log(utf8_name, value_of<int32_t>(fnv1a64(utf8_name), i, 0)), i);
    // The three string overloads.
    const std::string text = text_of(i, max_string);
    state.check("text/view", logger.log("text/view", std::string_view(text)), i);
    state.check("text/cstr", logger.log("text/cstr", text.c_str()), i);
    state.check("text/string", logger.log("text/string", text), i);
  }
  say("MATRIX " + std::to_string(count) + " failures " + std::to_string(state.failures));
}

uint64_t to_u64(const char* s) { return std::strtoull(s, nullptr, 10); }

}  // namespace

int main(int argc, char** argv) {
  Logger::Options options;
  int a = 1;
  auto next = [&](const char* what) -> const char* {
    if (a + 1 >= argc) usage(std::string("missing value for ") + what);
    return argv[++a];
  };
  for (; a < argc && std::strncmp(argv[a], "--", 2) == 0; ++a) {
    const std::string_view opt = argv[a];
    if (opt == "--replace") {
      options.replace_if_exists = true;
    } else if (opt == "--concurrent") {
      options.concurrent_readers = true;
    } else if (opt == "--n-datasets") {
      options.n_datasets = to_u64(next("--n-datasets"));
    } else if (opt == "--declare") {
      const Spec spec = parse_spec(next("--declare"));
      h5rec::LogDeclaration declaration;
      declaration.name = spec.name;
      declaration.type = spec.type;
      declaration.shape = spec.shape;
      options.datasets.push_back(declaration);
    } else if (opt == "--checkpoint") {
      options.checkpoint_interval = std::strtod(next("--checkpoint"), nullptr);
    } else if (opt == "--chunk-bytes") {
      options.chunk_bytes = to_u64(next("--chunk-bytes"));
    } else if (opt == "--ring-chunks") {
      options.ring_chunks = to_u64(next("--ring-chunks"));
    } else if (opt == "--max-string") {
      options.max_string_bytes = to_u64(next("--max-string"));
    } else {
      usage("unknown option " + std::string(opt));
    }
  }
  if (a >= argc) usage("no FILE");
  const Logger::Options saved_options = options;
  Logger logger(argv[a++], options);
  say(std::string("OPEN ") + code_name(logger.open_status().code()) + " " +
      (logger.is_open() ? "1" : "0") + " " + escape(logger.open_status().message()));

  uint64_t next_stream_row = 0;
  while (a < argc) {
    const std::string_view op = argv[a++];
    auto arg = [&](const char* what) -> const char* {
      if (a >= argc) usage(std::string(op) + ": missing " + what);
      return argv[a++];
    };
    if (op == "log") {
      Spec spec;
      spec.name = percent_decode(arg("NAME"));
      const auto type = parse_type(arg("TYPE"));
      if (!type) usage("log: bad TYPE");
      spec.type = *type;
      spec.shape = parse_shape(arg("SHAPE"));
      const uint64_t first = to_u64(arg("FIRST"));
      const uint64_t count = to_u64(arg("COUNT"));
      const uint64_t salt = fnv1a64(spec.name);
      LogStatus s;
      uint64_t done = 0;
      for (; done < count; ++done) {
        s = log_row(logger, spec, salt, first + done, saved_options.max_string_bytes);
        if (!s) break;
      }
      print_status("log", s, done);
    } else if (op == "stdarray") {
      const std::string name = percent_decode(arg("NAME"));
      const auto type = parse_type(arg("TYPE"));
      if (!type || *type == LogType::kString) usage("stdarray: bad TYPE");
      const std::string_view shape = arg("SHAPE");
      const uint64_t first = to_u64(arg("FIRST"));
      const uint64_t count = to_u64(arg("COUNT"));
      const uint64_t salt = fnv1a64(name);
      LogStatus s;
      uint64_t done = 0;
      with_type(*type, [&](auto zero) {
        using T = decltype(zero);
        const auto row = [&](uint64_t i) -> LogStatus {
          if (shape == "1") return log_std_array<std::array<T, 1>>(logger, name, salt, i);
          if (shape == "3") return log_std_array<std::array<T, 3>>(logger, name, salt, i);
          if (shape == "16") return log_std_array<std::array<T, 16>>(logger, name, salt, i);
          if (shape == "2x3") {
            return log_std_array<std::array<std::array<T, 3>, 2>>(logger, name, salt, i);
          }
          usage("stdarray: SHAPE must be 1, 3, 16 or 2x3");
        };
        for (; done < count; ++done) {
          s = row(first + done);
          if (!s) break;
        }
        return 0;
      });
      print_status("stdarray", s, done);
    } else if (op == "str") {
      const std::string name = percent_decode(arg("NAME"));
      const std::string text = percent_decode(arg("TEXT"));
      print_status("str", logger.log(name, std::string_view(text)));
    } else if (op == "rawbytes") {
      const std::string name = percent_decode(arg("NAME"));
      const auto type = parse_type(arg("TYPE"));
      if (!type) usage("rawbytes: bad TYPE");
      const std::vector<size_t> shape = parse_shape(arg("SHAPE"));
      const std::vector<std::byte> data(to_u64(arg("BYTES")), std::byte{0x5a});
      print_status("rawbytes", logger.log_raw(name, *type, shape, data.data(), data.size()));
    } else if (op == "matrix") {
      const uint64_t first = to_u64(arg("FIRST"));
      const uint64_t count = to_u64(arg("COUNT"));
      matrix(logger, first, count, saved_options.max_string_bytes);
    } else if (op == "stream") {
      const double seconds = std::strtod(arg("SECONDS"), nullptr);
      const std::string_view first_arg = arg("FIRST");
      const uint64_t first = first_arg == "+" ? next_stream_row : to_u64(first_arg.data());
      std::vector<Spec> specs;
      std::vector<uint64_t> salts;
      while (a < argc && std::strchr(argv[a], ':') != nullptr) {
        specs.push_back(parse_spec(argv[a++]));
        salts.push_back(fnv1a64(specs.back().name));
      }
      const auto start = std::chrono::steady_clock::now();
      const auto end = start + std::chrono::duration<double>(seconds);
      uint64_t rows = 0;
      LogStatus failed;
      for (; failed.ok(); ++rows) {
        const auto due = start + std::chrono::microseconds(1000 * rows);
        if (due >= end) break;
        std::this_thread::sleep_until(due);
        for (size_t s = 0; s < specs.size() && failed.ok(); ++s) {
          failed =
              log_row(logger, specs[s], salts[s], first + rows, saved_options.max_string_bytes);
        }
        if (!failed.ok()) break;
        if (rows == 0) say("STREAMING");
      }
      if (!failed.ok()) print_status("stream", failed, rows);
      next_stream_row = first + rows;
      say("STREAMED " + std::to_string(rows));
    } else if (op == "flush") {
      print_status("flush", logger.flush());
    } else if (op == "enable") {
      print_status("enable", logger.enable_concurrent_readers());
    } else if (op == "close") {
      print_status("close", logger.close());
    } else if (op == "keys") {
      const std::vector<std::string> keys = logger.keys();
      for (const std::string& k : keys) say("KEY " + escape(k));
      say("KEYS " + std::to_string(keys.size()));
    } else if (op == "move") {
      Logger moved(std::move(logger));
      // `logger` is now moved-from: every call must say kClosed, none may crash.
      print_status("moved.log", logger.log("moved", 1.0));
      print_status("moved.log_array", logger.log("moved", std::array<int32_t, 2>{1, 2}));
      print_status("moved.str", logger.log("moved", "text"));
      print_status("moved.str_nul", logger.log("moved", std::string_view("a\0b", 3)));
      print_status("moved.flush", logger.flush());
      print_status("moved.enable", logger.enable_concurrent_readers());
      print_status("moved.close", logger.close());
      print_status("moved.open_status", logger.open_status());
      say("MOVED is_open " + std::to_string(logger.is_open()) + " keys " +
          std::to_string(logger.keys().size()) + " new_is_open " + std::to_string(moved.is_open()));
      logger = std::move(moved);  // move-assign into the moved-from logger
    } else if (op == "reassign") {
      const std::string other = arg("FILE2");
      logger = Logger(other, saved_options);
      say(std::string("REASSIGNED ") + code_name(logger.open_status().code()) + " " +
          (logger.is_open() ? "1" : "0"));
    } else if (op == "echo") {
      say(arg("WORD"));
    } else if (op == "wait") {
      std::string line;
      std::getline(std::cin, line);
    } else if (op == "sleep") {
      std::this_thread::sleep_for(std::chrono::milliseconds(to_u64(arg("MS"))));
    } else {
      usage("unknown op " + std::string(op));
    }
  }
  say("END");
  return 0;
}
