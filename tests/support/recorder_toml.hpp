// The recorder's config text (config/README.md) for C++ tests: top-level keys, then rate groups
// of channels, as TOML. Values are given as TOML text ("0.5", "true", "[2]", "{ seed = 3 }")
// except strings, which toml_string() quotes.
//
//   const std::string text = RecorderToml("drop-test", dir.path())
//                                .set("checkpoint_interval", "1.0")
//                                .groups(fast_slow_counter_groups())
//                                .text();
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace h5rec::testing {

// "text" with quotes and backslashes escaped.
inline std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct TomlChannel {
  std::string name;
  std::string sensor = "counter";
  std::string dtype;  // empty: the default (float64)
  std::string shape;  // a TOML array ("[2]"); empty: one value per row
  std::vector<std::pair<std::string, std::string>> more = {};  // further keys: params, optional...
};

struct TomlGroup {
  std::string name;
  std::string rate_hz;  // as written ("1000", "0.5")
  std::vector<TomlChannel> channels;
};

// Counter channels only, so the value of row i is i: fast at 1 kHz (c: int64, v: float32 [2])
// and slow at 10 Hz (c: uint32).
inline std::vector<TomlGroup> fast_slow_counter_groups() {
  return {{"fast", "1000", {{"c", "counter", "int64", ""}, {"v", "counter", "float32", "[2]"}}},
          {"slow", "10", {{"c", "counter", "uint32", ""}}}};
}

class RecorderToml {
 public:
  RecorderToml(const std::string& device_id, const std::string& output_dir) {
    top_ = "device_id = " + toml_string(device_id) + "\noutput_dir = " + toml_string(output_dir) +
           "\n";
  }

  // A top-level key, its value as TOML text.
  RecorderToml& set(const std::string& key, const std::string& toml_value) {
    top_ += key + " = " + toml_value + "\n";
    return *this;
  }
  RecorderToml& group(const TomlGroup& group) {
    groups_.push_back(group);
    return *this;
  }
  RecorderToml& groups(const std::vector<TomlGroup>& groups) {
    for (const TomlGroup& g : groups) group(g);
    return *this;
  }

  std::string text() const {
    std::string out = top_;
    for (const TomlGroup& g : groups_) {
      out += "\n[[group]]\nname = " + toml_string(g.name) + "\nrate_hz = " + g.rate_hz + "\n";
      for (const TomlChannel& c : g.channels) {
        out += "  [[group.channel]]\n  name = " + toml_string(c.name) +
               "\n  sensor = " + toml_string(c.sensor) + "\n";
        if (!c.dtype.empty()) out += "  dtype = " + toml_string(c.dtype) + "\n";
        if (!c.shape.empty()) out += "  shape = " + c.shape + "\n";
        for (const auto& [key, value] : c.more) out += "  " + key + " = " + value + "\n";
      }
    }
    return out;
  }

 private:
  std::string top_;
  std::vector<TomlGroup> groups_;
};

}  // namespace h5rec::testing
