#include "recorder/status_log.hpp"

#include <cstring>

#include "recorder/chunk_sizing.hpp"

namespace h5rec {
namespace {

GroupLayout make_layout(const std::vector<std::string>& group_names, double interval_s,
                        size_t chunk_rows) {
  GroupLayout layout{kStatusGroup, 1.0 / interval_s, chunk_rows, {}};
  auto add = [&](std::string name, DType type, std::string units, std::string description) {
    layout.columns.push_back(
        {std::move(name), type, {}, true, std::move(units), std::move(description), {}});
  };
  add("time", DType::kInt64, "ns", "time of the status row, ns since the Unix epoch (UTC)");
  add("storage_free_bytes", DType::kUInt64, "B", "bytes free on the output file system");
  add("checkpoint_duration_ns", DType::kInt64, "ns", "duration of the last completed checkpoint");
  add("checkpoints", DType::kUInt64, "1", "checkpoints completed");
  add("storage_errors", DType::kUInt64, "1", "failed storage operations so far");
  for (const std::string& g : group_names) {
    add(g + "_dropped_rows", DType::kUInt64, "1", "rows of group " + g + " not stored so far");
    add(g + "_ring_high_water", DType::kUInt64, "1", "most rows group " + g + "'s ring has held");
    add(g + "_sensor_errors", DType::kUInt64, "1", "failed sensor reads in group " + g + " so far");
  }
  return layout;
}

template <class T>
void put(ChunkRing& ring, size_t column, T value) {
  std::memcpy(ring.row(column), &value, sizeof value);
}

}  // namespace

size_t StatusLog::chunk_rows(double interval_s, double checkpoint_interval_s) {
  return chunk_rows_for(1.0 / interval_s, checkpoint_interval_s, kColumnBytes, kMaxChunkBytes);
}

size_t StatusLog::ring_bytes(size_t group_count, double interval_s, double checkpoint_interval_s,
                             double ring_seconds) {
  const size_t rows = chunk_rows(interval_s, checkpoint_interval_s);
  const size_t chunks = ring_chunks_for(1.0 / interval_s, ring_seconds, rows);
  return chunks * rows * kColumnBytes * (kFixedColumns + kColumnsPerGroup * group_count);
}

StatusLog::StatusLog(std::vector<std::string> group_names, double interval_s,
                     double checkpoint_interval_s, double ring_seconds)
    : layout_(make_layout(group_names, interval_s, chunk_rows(interval_s, checkpoint_interval_s))),
      ring_(std::vector<size_t>(layout_.columns.size(), kColumnBytes), layout_.chunk_rows,
            ring_chunks_for(1.0 / interval_s, ring_seconds, layout_.chunk_rows)) {}

bool StatusLog::append(int64_t utc_ns, const WriterHealth& health,
                       std::span<const SamplerCounters* const> groups) {
  if (!ring_.can_push()) return false;
  put(ring_, 0, utc_ns);
  put(ring_, 1, health.storage_free_bytes);
  put(ring_, 2, health.checkpoint_duration_ns);
  put(ring_, 3, health.checkpoints);
  put(ring_, 4, health.storage_errors);
  size_t column = 5;
  for (const SamplerCounters* c : groups) {
    put(ring_, column++, c->dropped_rows.load(std::memory_order_relaxed) +
                             c->lost_rows.load(std::memory_order_relaxed));
    put(ring_, column++, c->ring_high_water.load(std::memory_order_relaxed));
    put(ring_, column++, c->sensor_errors.load(std::memory_order_relaxed));
  }
  ring_.commit_row();
  return true;
}

}  // namespace h5rec
