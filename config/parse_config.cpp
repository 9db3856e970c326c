// TOML → RecorderConfig with strict validation: unknown keys, wrong types and out-of-range values
// are errors naming the file, the line and the key. toml++ is used header-only without exceptions.
#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include <cmath>
#include <set>

#include "config/recorder_config.hpp"

namespace h5rec::config {
namespace {

constexpr size_t kMinChunkBytes = 512;
constexpr size_t kMaxChunkBytes = 16u << 20;
constexpr double kMinRateHz = 1e-6;  // one row in 11.6 days
constexpr double kMaxRateHz = 100'000.0;
constexpr double kMinIntervalS = 1e-3;
constexpr size_t kMaxComponents = 4096;
constexpr double kMaxSegmentSeconds = 366.0 * 24 * 3600;
constexpr uint64_t kMaxBytes = uint64_t{1} << 50;

std::string line_of(const std::string& source, const toml::node& node) {
  return source + ":" + std::to_string(node.source().begin.line);
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '_') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Reads the keys of one TOML table, remembering which were read so the rest can be reported as
// unknown. `context` says where the table is, e.g. "[[group]] 'fast'".
class TableReader {
 public:
  TableReader(const toml::table& table, const std::string& source, std::string context)
      : table_(table), source_(source), context_(std::move(context)) {}

  const toml::node* find(const std::string& key) {
    known_.insert(key);
    return table_.get(key);
  }

  Error error_at(const toml::node& node, const std::string& key, const std::string& what) const {
    return Error{line_of(source_, node) + ": key '" + key + "'" + in_context() + ": " + what};
  }

  Error missing(const std::string& key) const {
    return Error{line_of(source_, table_) + ": missing required key '" + key + "'" + in_context()};
  }

  Status string_key(const std::string& key, std::string& out, bool required) {
    const toml::node* node = find(key);
    if (node == nullptr) return required ? Status(missing(key)) : Status();
    const auto value = node->value_exact<std::string>();
    if (!value) return error_at(*node, key, "must be a string");
    out = *value;
    return {};
  }

  // A number in [min, max]; NaN and infinities are rejected too.
  Status number_key(const std::string& key, double& out, bool required, double min, double max) {
    const toml::node* node = find(key);
    if (node == nullptr) return required ? Status(missing(key)) : Status();
    if (!node->is_number()) return error_at(*node, key, "must be a number");
    const double value = *node->value<double>();
    if (!(value >= min && value <= max)) {
      return error_at(*node, key, "must be >= " + fmt(min) + " and <= " + fmt(max) + ", got " +
                                      fmt(value));
    }
    out = value;
    return {};
  }

  template <class Integer>
  Status integer_key(const std::string& key, Integer& out, Integer min, Integer max) {
    const toml::node* node = find(key);
    if (node == nullptr) return {};
    const auto value = node->value_exact<int64_t>();
    if (!value) return error_at(*node, key, "must be an integer");
    if (*value < 0 || static_cast<uint64_t>(*value) < min || static_cast<uint64_t>(*value) > max) {
      return error_at(*node, key, "must be in [" + std::to_string(min) + ", " +
                                      std::to_string(max) + "], got " + std::to_string(*value));
    }
    out = static_cast<Integer>(*value);
    return {};
  }

  Status bool_key(const std::string& key, bool& out) {
    const toml::node* node = find(key);
    if (node == nullptr) return {};
    const auto value = node->value_exact<bool>();
    if (!value) return error_at(*node, key, "must be true or false");
    out = *value;
    return {};
  }

  Status check_unknown_keys() const {
    for (const auto& [key, node] : table_) {
      if (!known_.contains(std::string(key.str()))) {
        return Error{line_of(source_, node) + ": unknown key '" + std::string(key.str()) + "'" +
                     in_context()};
      }
    }
    return {};
  }

  const std::string& source() const { return source_; }

 private:
  static std::string fmt(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  std::string in_context() const { return context_.empty() ? "" : " in " + context_; }

  const toml::table& table_;
  const std::string& source_;
  std::string context_;
  std::set<std::string> known_;
};

Status parse_channel(const toml::table& table, const std::string& source, const GroupConfig& group,
                     ChannelConfig& channel) {
  TableReader r(table, source, "[[group.channel]] of group '" + group.name + "'");
  channel.where = line_of(source, table);
  if (Status s = r.string_key("name", channel.name, true); !s) return s;
  if (!valid_name(channel.name) || channel.name == "time") {
    return r.error_at(*r.find("name"), "name",
                      "'" + channel.name + "' is not a valid channel name (letters, digits, _ - ., "
                      "not starting with _, at most 64 characters, not 'time')");
  }
  TableReader named(table, source, "channel '" + channel.name + "' of group '" + group.name + "'");
  named.find("name");
  if (Status s = named.string_key("sensor", channel.sensor, true); !s) return s;
  channel.sensor_where = line_of(source, *table.get("sensor"));
  channel.params_where = channel.sensor_where;
  std::string dtype = "float64";
  if (Status s = named.string_key("dtype", dtype, false); !s) return s;
  const auto parsed = parse_dtype(dtype);
  if (!parsed || *parsed == DType::kString) {
    return named.error_at(*named.find("dtype"), "dtype",
                          "unknown dtype '" + dtype +
                              "' (int8..int64, uint8..uint64, float32, float64, bool)");
  }
  channel.dtype = *parsed;
  if (Status s = named.string_key("units", channel.units, false); !s) return s;
  if (Status s = named.string_key("description", channel.description, false); !s) return s;
  if (const toml::node* shape = named.find("shape")) {
    const toml::array* dims = shape->as_array();
    if (dims == nullptr) return named.error_at(*shape, "shape", "must be an array of integers");
    size_t values = 1;  // checked as it grows, so a huge shape cannot overflow it
    for (const toml::node& dim : *dims) {
      const auto n = dim.value_exact<int64_t>();
      if (!n || *n < 1) return named.error_at(dim, "shape", "dimensions must be integers >= 1");
      if (*n > static_cast<int64_t>(kMaxComponents) ||
          (values *= static_cast<size_t>(*n)) > kMaxComponents) {
        return named.error_at(*shape, "shape",
                              "more than " + std::to_string(kMaxComponents) + " values per sample");
      }
      channel.shape.push_back(static_cast<size_t>(*n));
    }
  }
  if (const toml::node* params = named.find("params")) {
    const toml::table* ptable = params->as_table();
    if (ptable == nullptr) {
      return named.error_at(*params, "params", "must be a table of numbers and texts");
    }
    channel.params_where = line_of(source, *params);
    for (const auto& [key, value] : *ptable) {
      if (value.is_number()) {
        channel.params[std::string(key.str())] = *value.value<double>();
      } else if (value.is_string()) {
        channel.texts[std::string(key.str())] = *value.value<std::string>();
      } else {
        return named.error_at(value, "params." + std::string(key.str()),
                              "must be a number or a text");
      }
    }
  }
  if (Status s = named.bool_key("optional", channel.optional); !s) return s;
  return named.check_unknown_keys();
}

Status parse_group(const toml::table& table, const std::string& source, GroupConfig& group) {
  TableReader r(table, source, "[[group]]");
  group.where = line_of(source, table);
  if (Status s = r.string_key("name", group.name, true); !s) return s;
  if (!valid_name(group.name)) {
    return r.error_at(*r.find("name"), "name",
                      "'" + group.name + "' is not a valid group name (letters, digits, _ - ., "
                      "not starting with _, at most 64 characters)");
  }
  TableReader named(table, source, "group '" + group.name + "'");
  named.find("name");
  if (Status s = named.number_key("rate_hz", group.rate_hz, true, kMinRateHz, kMaxRateHz); !s) {
    return s;
  }
  const toml::node* channels = named.find("channel");
  if (channels == nullptr) return named.missing("channel");
  const toml::array* list = channels->as_array();
  if (list == nullptr || list->empty()) {
    return named.error_at(*channels, "channel", "must be one or more [[group.channel]] tables");
  }
  std::set<std::string> names;
  for (const toml::node& node : *list) {
    const toml::table* ct = node.as_table();
    if (ct == nullptr) return named.error_at(node, "channel", "must be a table");
    ChannelConfig channel;
    if (Status s = parse_channel(*ct, source, group, channel); !s) return s;
    if (!names.insert(channel.name).second) {
      return Error{line_of(source, *ct->get("name")) + ": key 'name': duplicate channel name '" +
                   channel.name + "' in group '" + group.name + "'"};
    }
    group.channels.push_back(std::move(channel));
  }
  return named.check_unknown_keys();
}

}  // namespace

size_t ChannelConfig::components() const {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  return n;
}

Result<RecorderConfig> parse_config(std::string_view text, const std::string& source_name) {
  toml::parse_result parsed = toml::parse(text, source_name);
  if (!parsed) {
    const toml::parse_error& err = parsed.error();
    return Error{source_name + ":" + std::to_string(err.source().begin.line) +
                 ": TOML syntax error: " + std::string(err.description())};
  }
  const toml::table& root = parsed.table();
  RecorderConfig config;
  config.source_name = source_name;
  config.source_text = std::string(text);
  TableReader r(root, source_name, "");
  if (Status s = r.string_key("device_id", config.device_id, true); !s) return s.error();
  if (config.device_id.empty()) {
    return r.error_at(*r.find("device_id"), "device_id", "must not be empty");
  }
  if (Status s = r.string_key("output_dir", config.output_dir, false); !s) return s.error();
  const toml::node* output_dir = root.get("output_dir");
  config.output_dir_where = line_of(source_name, output_dir ? *output_dir : root);
  if (config.output_dir.empty()) {
    return r.error_at(*r.find("output_dir"), "output_dir", "must not be empty");
  }
  if (Status s = r.number_key("checkpoint_interval", config.checkpoint_interval_s, false,
                              kMinIntervalS,
                              3600.0);
      !s) {
    return s.error();
  }
  if (Status s = r.number_key("status_interval", config.status_interval_s, false, kMinIntervalS,
                              1.0);
      !s) {
    return s.error();
  }
  if (Status s = r.integer_key("chunk_bytes", config.chunk_bytes, kMinChunkBytes, kMaxChunkBytes);
      !s) {
    return s.error();
  }
  Status segments = r.number_key("segment_duration", config.segment_duration_s, false,
                                 kMinIntervalS, kMaxSegmentSeconds);
  if (segments) {
    segments = r.integer_key("segment_max_bytes", config.segment_max_bytes, uint64_t{0}, kMaxBytes);
  }
  if (segments) {
    segments = r.integer_key("min_free_bytes", config.min_free_bytes, uint64_t{0}, kMaxBytes);
  }
  if (segments) {
    segments = r.integer_key("max_total_bytes", config.max_total_bytes, uint64_t{0}, kMaxBytes);
  }
  if (segments) segments = r.bool_key("crash_safety", config.crash_safety);
  if (segments) segments = r.string_key("sysfs_root", config.sysfs_root, false);
  if (segments) segments = r.string_key("dev_root", config.dev_root, false);
  if (!segments) return segments.error();
  if (Status s = r.number_key("ring_seconds", config.ring_seconds, false, kMinIntervalS, 3600.0);
      !s) {
    return s.error();
  }
  const toml::node* ring_seconds = root.get("ring_seconds");
  config.ring_seconds_where = line_of(source_name, ring_seconds ? *ring_seconds : root);
  const toml::node* groups = r.find("group");
  if (groups == nullptr) return r.missing("group");
  const toml::array* list = groups->as_array();
  if (list == nullptr || list->empty()) {
    return r.error_at(*groups, "group", "must be one or more [[group]] tables");
  }
  std::set<std::string> names;
  for (const toml::node& node : *list) {
    const toml::table* gt = node.as_table();
    if (gt == nullptr) return r.error_at(node, "group", "must be a table");
    GroupConfig group;
    if (Status s = parse_group(*gt, source_name, group); !s) return s.error();
    if (!names.insert(group.name).second) {
      return Error{line_of(source_name, *gt->get("name")) + ": key 'name': duplicate group name '" +
                   group.name + "'"};
    }
    config.groups.push_back(std::move(group));
  }
  if (Status s = r.check_unknown_keys(); !s) return s.error();
  return config;
}

}  // namespace h5rec::config
