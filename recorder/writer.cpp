#include "recorder/writer.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "recorder/event_log.hpp"

namespace h5rec {

Writer::Writer(h5::File& file, platform::Clock& clock, platform::Storage& storage,
               WriterSettings settings, StatusLog* status,
               std::vector<const SamplerCounters*> counters)
    : file_(file),
      clock_(clock),
      storage_(storage),
      settings_(std::move(settings)),
      status_(status),
      counters_(std::move(counters)) {
  assert(settings_.checkpoint_interval_ns > 0 && settings_.status_interval_ns > 0);
}

void Writer::add(WriterBinding binding) {
  for (size_t c = 0; c < binding.columns.size(); ++c) {
    scratch_.resize(std::max(scratch_.size(), binding.ring->chunk(0, c).size()));
  }
  bindings_.push_back(std::move(binding));
}

void Writer::run(const RecordingStart& start, const std::atomic<bool>& finish) {
  // Deadlines move on arithmetically: a writer stalled for hours catches up in one step.
  const auto next_after = [](int64_t deadline, int64_t now, int64_t interval) {
    return now < deadline ? deadline : deadline + ((now - deadline) / interval + 1) * interval;
  };
  int64_t next_status = start.monotonic_ns;  // a first status row right away
  int64_t next_checkpoint = start.monotonic_ns + settings_.checkpoint_interval_ns;
  while (!finish.load(std::memory_order_acquire)) {
    const int64_t now = clock_.monotonic_ns();
    {
      auto held = lock();
      if (status_ != nullptr && now >= next_status) {
        append_status_row();
        next_status = next_after(next_status, now, settings_.status_interval_ns);
      }
      if (now >= next_checkpoint) {
        (void)checkpoint(&held);  // failures are counted and logged by report()
        next_checkpoint =
            next_after(next_checkpoint, clock_.monotonic_ns(), settings_.checkpoint_interval_ns);
      } else {
        (void)write_full_chunks();
      }
    }
    const int64_t wake = std::min(next_checkpoint, clock_.monotonic_ns() + kPollNs);
    clock_.sleep_until(status_ != nullptr ? std::min(wake, next_status) : wake);
  }
  auto held = lock();
  if (status_ != nullptr) append_status_row();
  (void)checkpoint(&held);
}

Status Writer::write_binding(WriterBinding& binding, bool include_partial_chunk) {
  ChunkRing& ring = *binding.ring;
  const uint64_t chunk_rows = ring.chunk_rows();
  const uint64_t committed = ring.committed_rows();
  const uint64_t target = include_partial_chunk ? committed : committed / chunk_rows * chunk_rows;
  const uint64_t written = binding.rows_written;
  if (target <= written) return {};
  // HDF5 1.10 writes a chunk only inside the dataset's extent, so the extent grows first. SWMR
  // readers see the new extent only after the next flush, by which time the chunks are written.
  for (h5::AppendableDataset* d : binding.columns) {
    if (Status s = d->set_rows(target); !s) return s;
  }
  // The chunk holding row `written` may have been written partially at the last checkpoint:
  // it is written again, whole.
  const uint64_t last_chunk = (target + chunk_rows - 1) / chunk_rows;
  for (uint64_t chunk = written / chunk_rows; chunk < last_chunk; ++chunk) {
    const uint64_t rows_in_chunk = std::min<uint64_t>(chunk_rows, target - chunk * chunk_rows);
    for (size_t column = 0; column < binding.columns.size(); ++column) {
      std::span<const std::byte> bytes = ring.chunk(chunk, column);
      if (rows_in_chunk < chunk_rows) {
        // The producer is filling the rest of this chunk right now: write a copy of the
        // committed rows, zero-padded, never the live buffer.
        const size_t used = bytes.size() / chunk_rows * rows_in_chunk;
        std::memcpy(scratch_.data(), bytes.data(), used);
        std::memset(scratch_.data() + used, 0, bytes.size() - used);
        bytes = std::span<const std::byte>(scratch_.data(), bytes.size());
      }
      Status s = binding.columns[column]->write_chunk(chunk, bytes, written, target);
      if (!s) return s;
    }
  }
  binding.rows_written = target;
  ring.release_chunks(target / chunk_rows);
  return {};
}

void Writer::report(const Status& s, const char* what, bool& failing) {
  if (!s) {
    ++storage_errors_;
    if (!failing) log_event(EventLevel::kError, std::string(what) + ": " + s.message());
    failing = true;
  } else if (failing) {
    log_event(EventLevel::kInfo, std::string(what) + " succeeded again");
    failing = false;
  }
}

Status Writer::write_full_chunks() {
  Status result;
  for (WriterBinding& b : bindings_) {
    Status s = write_binding(b, false);
    report(s, "write", failing_write_);
    if (!s) result = s;
  }
  return result;
}

void Writer::append_status_row() {
  WriterHealth health;
  if (auto free = storage_.free_bytes(settings_.output_dir)) {
    health.storage_free_bytes = free.value();
  } else {
    ++storage_errors_;
  }
  health.checkpoint_duration_ns = last_checkpoint_ns_;
  health.checkpoints = checkpoints_;
  health.storage_errors = storage_errors_;
  if (!status_->append(clock_.realtime_ns(), health, counters_)) ++storage_errors_;
}

Status Writer::checkpoint(std::unique_lock<std::mutex>* held) {
  const int64_t began = clock_.monotonic_ns();
  // One failing dataset must not stop the others from becoming durable.
  Status s;
  for (WriterBinding& b : bindings_) {
    Status written = write_binding(b, true);
    if (s && !written) s = written;
  }
  Status flushed = file_.flush();
  if (flushed) {
    // The commit touches no HDF5 state: other writers and loggers may use HDF5 while it waits
    // on a slow card.
    if (held != nullptr) held->unlock();
    flushed = file_.commit();
    if (held != nullptr) held->lock();
  }
  if (s && !flushed) s = flushed;
  report(s, "checkpoint", failing_checkpoint_);
  if (!s) return s;
  ++checkpoints_;
  last_checkpoint_ns_ = clock_.monotonic_ns() - began;
  max_checkpoint_ns_ = std::max(max_checkpoint_ns_, last_checkpoint_ns_);
  return {};
}

WriterStats Writer::stats() const {
  WriterStats out{checkpoints_, storage_errors_, max_checkpoint_ns_, {}};
  for (const WriterBinding& b : bindings_) out.rows_written.push_back(b.rows_written);
  return out;
}

}  // namespace h5rec
