#include "recorder/writer.hpp"

#include <algorithm>

#include "recorder/event_log.hpp"

namespace h5rec {

Writer::Writer(RecordingFile& file, std::unique_ptr<platform::File> sync_file,
               std::vector<ChunkRing*> rings, StatusLog& status,
               std::vector<const SamplerCounters*> counters, platform::Clock& clock,
               platform::Storage& storage, WriterSettings settings)
    : file_(file),
      sync_file_(std::move(sync_file)),
      rings_(std::move(rings)),
      status_(status),
      counters_(std::move(counters)),
      clock_(clock),
      storage_(storage),
      settings_(std::move(settings)) {
  stats_.rows_written.assign(rings_.size(), 0);
}

void Writer::run(const RecordingStart& start, const std::atomic<bool>& finish) {
  int64_t next_status = start.monotonic_ns;  // a first status row right away
  int64_t next_checkpoint = start.monotonic_ns + settings_.checkpoint_interval_ns;
  while (!finish.load(std::memory_order_acquire)) {
    const int64_t now = clock_.monotonic_ns();
    if (now >= next_status) {
      append_status_row();
      while (next_status <= now) next_status += settings_.status_interval_ns;
    }
    if (now >= next_checkpoint) {
      checkpoint();
      while (next_checkpoint <= clock_.monotonic_ns()) {
        next_checkpoint += settings_.checkpoint_interval_ns;
      }
    } else {
      write_full_chunks();
    }
    clock_.sleep_until(std::min({next_status, next_checkpoint, clock_.monotonic_ns() + kPollNs}));
  }
  append_status_row();
  checkpoint();
}

Status Writer::write_group(size_t group, bool include_partial_chunk) {
  ChunkRing& ring = *rings_[group];
  const uint64_t chunk_rows = ring.chunk_rows();
  const uint64_t committed = ring.committed_rows();
  const uint64_t target = include_partial_chunk ? committed : committed / chunk_rows * chunk_rows;
  uint64_t& written = stats_.rows_written[group];
  if (target <= written) return {};
  // HDF5 1.10 writes a chunk only inside the dataset's extent, so the extent grows first. SWMR
  // readers see the new extent only after the next flush, by which time the chunks are written.
  if (Status s = file_.set_rows(group, target); !s) return s;
  // The chunk holding row `written` may have been written partially at the last checkpoint:
  // it is written again, whole.
  const uint64_t last_chunk = (target + chunk_rows - 1) / chunk_rows;
  for (uint64_t chunk = written / chunk_rows; chunk < last_chunk; ++chunk) {
    for (size_t column = 0; column < ring.columns(); ++column) {
      if (Status s = file_.write_chunk(group, column, chunk, ring.chunk(chunk, column)); !s) {
        return s;
      }
    }
  }
  written = target;
  ring.release_chunks(target / chunk_rows);
  return {};
}

void Writer::write_full_chunks() {
  for (size_t g = 0; g < rings_.size(); ++g) {
    if (Status s = write_group(g, false); !s) {
      ++stats_.storage_errors;
      if (!reported_error_) log_event(EventLevel::kError, s.message());
      reported_error_ = true;
    }
  }
}

void Writer::append_status_row() {
  WriterHealth health;
  if (auto free = storage_.free_bytes(settings_.output_dir)) {
    health.storage_free_bytes = free.value();
  } else {
    ++stats_.storage_errors;
  }
  health.checkpoint_duration_ns = last_checkpoint_ns_;
  health.checkpoints = stats_.checkpoints;
  health.storage_errors = stats_.storage_errors;
  if (!status_.append(clock_.realtime_ns(), health, counters_)) ++stats_.storage_errors;
}

void Writer::checkpoint() {
  const int64_t began = clock_.monotonic_ns();
  Status s;
  for (size_t g = 0; g < rings_.size() && s; ++g) s = write_group(g, true);
  if (s) s = file_.flush();
  if (s) s = sync_file_->fsync();
  if (!s) {
    ++stats_.storage_errors;
    log_event(EventLevel::kError, "checkpoint failed: " + s.message());
    reported_error_ = true;
    return;
  }
  if (reported_error_) log_event(EventLevel::kInfo, "checkpoint succeeded again");
  reported_error_ = false;
  ++stats_.checkpoints;
  last_checkpoint_ns_ = clock_.monotonic_ns() - began;
  stats_.max_checkpoint_ns = std::max(stats_.max_checkpoint_ns, last_checkpoint_ns_);
}

}  // namespace h5rec
