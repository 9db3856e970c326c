// libFuzzer harness: TOML text -> validated RecorderConfig, through load_config() and platform
// storage (an in-memory file). Any input must give either a config that keeps every rule
// config/README.md states (checked here independently of the parser) or an error naming the
// file; never a crash, undefined behaviour or a hang. Accepted configs are also sized the way the
// recorder sizes them (chunk rows, ring chunks), which must stay within bounds.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "../support/memory_storage.hpp"
#include "base/dtype.hpp"
#include "config/recorder_config.hpp"
#include "recorder/chunk_sizing.hpp"

namespace {

constexpr const char* kPath = "fuzz/config.toml";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "config_loader_fuzzer: %s\n", what.c_str());
  std::abort();
}

void expect(bool condition, const std::string& what) {
  if (!condition) fail(what);
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '_') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool within(double value, double min, double max) {
  return std::isfinite(value) && value >= min && value <= max;
}

// The rules of config/README.md that a validated config must keep.
void check_accepted(const h5rec::config::RecorderConfig& c, std::string_view text) {
  using h5rec::DType;
  expect(c.source_name == kPath, "source_name is not the path loaded");
  expect(c.source_text == text, "source_text is not the text loaded");
  expect(!c.device_id.empty(), "empty device_id accepted");
  expect(!c.output_dir.empty(), "empty output_dir accepted");
  expect(within(c.checkpoint_interval_s, 1e-3, 3600.0), "checkpoint_interval out of range");
  expect(within(c.status_interval_s, 1e-3, 1.0), "status_interval out of range");
  expect(c.chunk_bytes >= 512 && c.chunk_bytes <= (16u << 20), "chunk_bytes out of range");
  expect(within(c.ring_seconds, 1e-3, 3600.0), "ring_seconds out of range");
  expect(within(c.segment_duration_s, 1e-3, 366.0 * 24 * 3600), "segment_duration out of range");
  constexpr uint64_t kMaxBytes = uint64_t{1} << 50;
  expect(c.segment_max_bytes <= kMaxBytes && c.min_free_bytes <= kMaxBytes &&
             c.max_total_bytes <= kMaxBytes,
         "byte limit out of range");
  expect(!c.groups.empty(), "no group accepted");
  std::set<std::string> groups;
  for (const auto& g : c.groups) {
    expect(valid_name(g.name), "invalid group name accepted: '" + g.name + "'");
    expect(groups.insert(g.name).second, "duplicate group accepted: '" + g.name + "'");
    expect(within(g.rate_hz, 1e-6, 100'000.0), "rate_hz out of range in group '" + g.name + "'");
    expect(!g.channels.empty(), "group without channels accepted");
    std::set<std::string> channels;
    size_t widest = 8;  // the time column
    for (const auto& ch : g.channels) {
      expect(valid_name(ch.name) && ch.name != "time",
             "invalid channel name accepted: '" + ch.name + "'");
      expect(channels.insert(ch.name).second, "duplicate channel accepted: '" + ch.name + "'");
      expect(ch.dtype != DType::kString, "string dtype accepted");
      size_t components = 1;
      for (size_t d : ch.shape) {
        expect(d >= 1 && d <= 4096, "shape dimension out of range");
        components *= d;
        expect(components <= 4096, "more than 4096 values per sample accepted");
      }
      expect(ch.components() == components, "components() disagrees with the shape");
      widest = std::max(widest, h5rec::dtype_size(ch.dtype) * components);
    }
    // Sized as the recorder sizes them (recorder/recorder.cpp).
    const size_t rows =
        h5rec::chunk_rows_for(g.rate_hz, c.checkpoint_interval_s, widest, c.chunk_bytes);
    expect(rows >= 1, "a chunk of no rows");
    expect(rows <= std::max<size_t>(h5rec::kMinChunkRows, c.chunk_bytes / 8),
           "chunk rows beyond chunk_bytes: " + std::to_string(rows));
    const size_t ring = h5rec::ring_chunks_for(g.rate_hz, c.ring_seconds, rows);
    expect(ring >= 2, "a ring of fewer than 2 chunks");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static h5rec::fuzz::MemoryStorage storage;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  storage.put(kPath, text);
  auto config = h5rec::config::load_config(storage, kPath);
  if (config) {
    check_accepted(config.value(), text);
  } else {
    expect(config.message().starts_with(std::string(kPath) + ":"),
           "an error that does not name the file: " + config.message());
  }
  return 0;
}
