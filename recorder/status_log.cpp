#include "recorder/status_log.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "recorder/chunk_sizing.hpp"

namespace h5rec {
namespace {

GroupLayout make_layout(const std::vector<StatusGroup>& groups, double interval_s,
                        size_t chunk_rows) {
  GroupLayout layout{kStatusGroup, 1.0 / interval_s, chunk_rows, {}};
  auto add = [&](std::string name, DType type, std::string units, std::string description) {
    layout.columns.push_back(
        {std::move(name), type, {}, true, std::move(units), std::move(description), {}, {}, {}});
  };
  add("time", DType::kInt64, "ns", "time of the status row, ns since the Unix epoch (UTC)");
  add("storage_free_bytes", DType::kUInt64, "B", "bytes free on the output file system");
  add("checkpoint_duration_ns", DType::kInt64, "ns", "duration of the last completed checkpoint");
  add("checkpoints", DType::kUInt64, "1", "checkpoints completed");
  add("storage_errors", DType::kUInt64, "1", "failed storage operations so far");
  add("recording_ended", DType::kUInt64, "1",
      "1 on the last row, written once the recording had stopped: its counts are final");
  for (const StatusGroup& g : groups) {
    const std::string& n = g.name;
    add(n + "_rows_due", DType::kUInt64, "1", "rows of group " + n + " due so far");
    add(n + "_dropped_rows", DType::kUInt64, "1", "rows of group " + n + " not stored so far");
    add(n + "_ring_high_water", DType::kUInt64, "1", "most rows group " + n + "'s ring has held");
    add(n + "_sensor_errors", DType::kUInt64, "1", "failed sensor reads in group " + n + " so far");
    std::string names;
    for (const std::string& c : g.channels) names += (names.empty() ? "" : ",") + c;
    add(n + "_channel_errors", DType::kUInt64, "1",
        "failed sensor reads of each channel of group " + n +
            " so far, in the order of the "
            "attribute 'channels'");
    layout.columns.back().shape = {g.channels.size()};
    layout.columns.back().text_attributes = {{"channels", names}};
  }
  return layout;
}

std::vector<std::vector<std::string>> channel_names(const std::vector<StatusGroup>& groups) {
  std::vector<std::vector<std::string>> names;
  for (const StatusGroup& g : groups) {
    names.emplace_back();
    for (const std::string& c : g.channels) names.back().push_back(g.name + "/" + c);
  }
  return names;
}

std::vector<std::string> group_names(const std::vector<StatusGroup>& groups) {
  std::vector<std::string> names;
  for (const StatusGroup& g : groups) names.push_back(g.name);
  return names;
}

template <class T>
void put(ChunkRing& ring, size_t column, T value) {
  std::memcpy(ring.row(column), &value, sizeof value);
}

}  // namespace

std::vector<size_t> StatusLog::row_bytes(const std::vector<StatusGroup>& groups) {
  std::vector<size_t> bytes(kFixedColumns, kValueBytes);
  for (const StatusGroup& g : groups) {
    // rows due, dropped rows, ring high-water, sensor errors
    bytes.insert(bytes.end(), {kValueBytes, kValueBytes, kValueBytes, kValueBytes});
    bytes.push_back(kValueBytes * g.channels.size());
  }
  return bytes;
}

size_t StatusLog::chunk_rows(const std::vector<StatusGroup>& groups, double interval_s,
                             double checkpoint_interval_s) {
  const std::vector<size_t> bytes = row_bytes(groups);
  const size_t widest = *std::max_element(bytes.begin(), bytes.end());
  return chunk_rows_for(1.0 / interval_s, checkpoint_interval_s, widest, kMaxChunkBytes);
}

size_t StatusLog::ring_bytes(const std::vector<StatusGroup>& groups, double interval_s,
                             double checkpoint_interval_s, double ring_seconds) {
  const size_t rows = chunk_rows(groups, interval_s, checkpoint_interval_s);
  const size_t chunks =
      ring_chunks_for(1.0 / interval_s, held_seconds(interval_s, ring_seconds), rows);
  const std::vector<size_t> bytes = row_bytes(groups);
  return chunks * rows * std::accumulate(bytes.begin(), bytes.end(), size_t{0});
}

StatusLog::StatusLog(const std::vector<StatusGroup>& groups, double interval_s,
                     double checkpoint_interval_s, double ring_seconds)
    : layout_(
          make_layout(groups, interval_s, chunk_rows(groups, interval_s, checkpoint_interval_s))),
      ring_(row_bytes(groups), layout_.chunk_rows,
            ring_chunks_for(1.0 / interval_s, held_seconds(interval_s, ring_seconds),
                            layout_.chunk_rows)),
      health_log_(channel_names(groups)),
      drop_log_(group_names(groups)) {}

bool StatusLog::append(int64_t utc_ns, const WriterHealth& health,
                       std::span<const SamplerCounters* const> groups, bool recording_ended) {
  health_log_.update(utc_ns, groups);
  drop_log_.update(utc_ns, health.since_checkpoint_ns, groups);
  if (!ring_.can_push()) return false;
  put(ring_, 0, utc_ns);
  put(ring_, 1, health.storage_free_bytes);
  put(ring_, 2, health.checkpoint_duration_ns);
  put(ring_, 3, health.checkpoints);
  put(ring_, 4, health.storage_errors);
  put(ring_, 5, uint64_t{recording_ended ? 1u : 0u});
  size_t column = kFixedColumns;
  for (const SamplerCounters* c : groups) {
    put(ring_, column++, c->rows_due.load(std::memory_order_relaxed));
    put(ring_, column++,
        c->dropped_rows.load(std::memory_order_relaxed) +
            c->lost_rows.load(std::memory_order_relaxed));
    put(ring_, column++, c->ring_high_water.load(std::memory_order_relaxed));
    put(ring_, column++, c->sensor_errors.load(std::memory_order_relaxed));
    std::byte* errors = ring_.row(column);
    for (size_t k = 0; k < layout_.columns[column].shape[0]; ++k) {
      const uint64_t value = c->channel_errors[k].load(std::memory_order_relaxed);
      std::memcpy(errors + k * kValueBytes, &value, kValueBytes);
    }
    ++column;
  }
  ring_.commit_row();
  return true;
}

}  // namespace h5rec
