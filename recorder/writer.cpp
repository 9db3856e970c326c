#include "recorder/writer.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

#include "recorder/event_log.hpp"

namespace h5rec {

Writer::Writer(h5::File& file, platform::Clock& clock, platform::Storage& storage,
               WriterSettings settings, WriterOutputs outputs)
    : file_(&file),
      clock_(clock),
      storage_(storage),
      settings_(std::move(settings)),
      status_(outputs.status),
      counters_(std::move(outputs.counters)),
      segments_(outputs.segments) {
  assert(settings_.checkpoint_interval_ns > 0 && settings_.status_interval_ns > 0);
}

void Writer::add(WriterBinding binding) {
  for (size_t c = 0; c < binding.ring->columns(); ++c) {
    scratch_.resize(std::max(scratch_.size(), binding.ring->chunk_bytes(c)));
  }
  binding.rows_checkpointed = binding.rows_written;
  bindings_.push_back(std::move(binding));
}

void Writer::run(const RecordingStart& start, const std::atomic<bool>& finish,
                 const std::atomic<int64_t>* stopped_at) {
  stopped_at_ = stopped_at;
  // Deadlines move on arithmetically: a writer stalled for hours catches up in one step.
  const auto next_after = [](int64_t deadline, int64_t now, int64_t interval) {
    return now < deadline ? deadline : deadline + ((now - deadline) / interval + 1) * interval;
  };
  int64_t next_status = start.monotonic_ns;  // a first free-space reading right away
  last_checkpoint_end_ns_.store(start.monotonic_ns, std::memory_order_relaxed);
  int64_t next_checkpoint = start.monotonic_ns + settings_.checkpoint_interval_ns;
  int64_t next_retry = start.monotonic_ns;
  while (!finish.load(std::memory_order_acquire)) {
    passes_.fetch_add(1, std::memory_order_relaxed);
    const int64_t now = clock_.monotonic_ns();
    bool more_waiting = false;
    bool streaming = false;  // this pass wrote rows: a fast producer is filling its ring
    {
      auto held = lock();
      const uint64_t rows_before = rows_written();
      if (status_ != nullptr && now >= next_status) {
        read_free_space();
        next_status = next_after(next_status, now, settings_.status_interval_ns);
      }
      if (file_ == nullptr) {
        if (now >= next_retry && !open_next_segment()) next_retry = now + kRetryNs;
      } else if (now >= next_checkpoint) {
        // The latest scheduled instant: rows due before it (a late writer takes all it missed).
        const int64_t instant = next_checkpoint + (now - next_checkpoint) /
                                                      settings_.checkpoint_interval_ns *
                                                      settings_.checkpoint_interval_ns;
        if (Status s = checkpoint(start.utc_ns + (instant - start.monotonic_ns)); s) {
          after_checkpoint();
        } else {
          on_failure(s);
        }
        next_checkpoint =
            next_after(next_checkpoint, clock_.monotonic_ns(), settings_.checkpoint_interval_ns);
      } else if (Status s = write_full_chunks(); !s) {
        on_failure(s);
      } else if (!file_->pending_failure().ok()) {
        // A write failed under HDF5 and is held: retry it now (a checkpoint), not at the next
        // checkpoint time, so a failing card is given up within a few polls.
        if (Status retried = checkpoint(); !retried) on_failure(retried);
      }
      // More full chunks arrived while this pass wrote: write them now, so a fast group streams
      // at the storage's pace instead of the poll's. (Under the lock: a logger adds bindings.)
      more_waiting = file_ != nullptr && !failing_write_ && full_chunk_waiting();
      streaming = rows_written() != rows_before;
      // The pages each producer fills next are met here first rather than by a push (see
      // ChunkRing::warm_next_chunk).
      for (WriterBinding& b : bindings_) b.ring->warm_next_chunk();
    }
    if (more_waiting) continue;
    // Without a segment there is no checkpoint to wait for: poll for the retry.
    const int64_t poll = clock_.monotonic_ns() + (streaming ? kStreamingPollNs : kPollNs);
    const int64_t wake = std::min(file_ != nullptr ? next_checkpoint : next_retry, poll);
    clock_.sleep_until(status_ != nullptr ? std::min(wake, next_status) : wake);
  }
  auto held = lock();
  // Everything the rings hold, with the usual retries (a given-up segment is followed by a new
  // one, a last chance for what the rings hold).
  if (file_ == nullptr) (void)open_next_segment();
  bool stored = false;
  for (int attempt = 0; file_ != nullptr && !stored && attempt < 2 * kAttempts; ++attempt) {
    const Status s = checkpoint();
    stored = s.ok();
    if (!stored) on_failure(s);
  }
  if (!stored && file_ != nullptr && segments_ != nullptr) give_up();  // certain: rolled back
  count_rows_never_stored();
  // The last health row, with the final counts: the file's accounting is exact.
  if (status_ != nullptr && file_ != nullptr) {
    read_free_space();
    const int64_t stop = stopped_at != nullptr ? stopped_at->load() : Sampler::kNotStopped;
    const int64_t at = stop != Sampler::kNotStopped ? stop : clock_.monotonic_ns();
    append_last_status_row(start.utc_ns + (at - start.monotonic_ns));
    (void)checkpoint();
  }
}

uint64_t Writer::rows_written() const {
  uint64_t rows = 0;
  for (const WriterBinding& b : bindings_) rows += b.rows_written;
  return rows;
}

bool Writer::full_chunk_waiting() const {
  for (const WriterBinding& b : bindings_) {
    if (b.ring->committed_rows() - b.rows_written >= b.ring->chunk_rows()) return true;
  }
  return false;
}

void Writer::count_rows_never_stored() {
  for (WriterBinding& b : bindings_) {
    const uint64_t durable = file_ != nullptr ? b.rows_checkpointed : b.first_row;
    const uint64_t produced = b.ring->committed_rows();
    if (b.counters != nullptr && produced > durable) {
      b.counters->lost_rows.fetch_add(produced - durable, std::memory_order_relaxed);
    }
  }
}

std::span<const std::byte> Writer::chunk_bytes(const WriterBinding& binding, size_t column,
                                               uint64_t first_row, uint64_t rows) {
  const ChunkRing& ring = *binding.ring;
  const uint64_t chunk_rows = ring.chunk_rows();
  const size_t bytes = ring.chunk_bytes(column);
  if (rows == chunk_rows && first_row % chunk_rows == 0) {
    return ring.chunk(first_row / chunk_rows, column);
  }
  // A partial chunk (the producer is filling the rest of it right now: never hand HDF5 the live
  // buffer) or one that straddles two ring chunks (a segment that started mid-chunk).
  const size_t row_bytes = bytes / chunk_rows;
  std::byte* out = scratch_.data();
  for (uint64_t row = first_row, end = first_row + rows; row < end;) {
    const uint64_t within = row % chunk_rows;
    const uint64_t n = std::min(end - row, chunk_rows - within);
    std::memcpy(out, ring.chunk(row / chunk_rows, column).data() + within * row_bytes,
                n * row_bytes);
    out += n * row_bytes;
    row += n;
  }
  std::memset(out, 0, scratch_.data() + bytes - out);
  return {scratch_.data(), bytes};
}

int64_t Writer::row_time(const ChunkRing& ring, uint64_t row) {
  int64_t t;
  const uint64_t chunk_rows = ring.chunk_rows();
  std::memcpy(&t, ring.chunk(row / chunk_rows, 0).data() + row % chunk_rows * sizeof t, sizeof t);
  return t;
}

Status Writer::write_binding(WriterBinding& binding, bool include_partial_chunk,
                             int64_t rows_before_utc_ns) {
  ChunkRing& ring = *binding.ring;
  const uint64_t chunk_rows = ring.chunk_rows();
  const uint64_t base = binding.first_row;
  const uint64_t committed = ring.committed_rows();
  uint64_t target =
      include_partial_chunk ? committed : base + (committed - base) / chunk_rows * chunk_rows;
  const uint64_t written = binding.rows_written;
  if (include_partial_chunk && binding.time_column) {
    while (target > written && row_time(ring, target - 1) >= rows_before_utc_ns) --target;
  }
  if (target <= written) return {};
  // HDF5 1.10 writes a chunk only inside the dataset's extent, so the extent grows first. SWMR
  // readers see the new extent only after the next flush, by which time the chunks are written.
  for (h5::AppendableDataset* d : binding.columns) {
    if (Status s = d->set_rows(target - base); !s) return s;
  }
  // The chunk holding row `written` may have been written partially at the last checkpoint:
  // it is written again, whole.
  const uint64_t last_chunk = (target - base + chunk_rows - 1) / chunk_rows;
  for (uint64_t chunk = (written - base) / chunk_rows; chunk < last_chunk; ++chunk) {
    const uint64_t chunk_start = base + chunk * chunk_rows;
    const uint64_t rows = std::min<uint64_t>(chunk_rows, target - chunk_start);
    for (size_t column = 0; column < binding.columns.size(); ++column) {
      const std::span<const std::byte> bytes = chunk_bytes(binding, column, chunk_start, rows);
      Status s = binding.columns[column]->write_chunk(chunk, bytes, written - base, target - base);
      if (!s) return s;
    }
  }
  binding.rows_written = target;
  // Keep the ring chunks holding the dataset's unfinished chunk: it is written again, whole.
  const uint64_t keep_from = base + (target - base) / chunk_rows * chunk_rows;
  ring.release_chunks(keep_from / chunk_rows);
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
  if (file_ == nullptr) return result;
  if (file_->abandoned()) {
    // The driver gave the file up (too much it could not write): the next segment, now.
    return Error{"write '" + file_->path() + "': the file was given up after storage failures"};
  }
  for (WriterBinding& b : bindings_) {
    Status s = write_binding(b, false);
    if (!s) {
      report(s, "write", failing_write_);
      return s;
    }
  }
  report(result, "write", failing_write_);
  return result;
}

void Writer::read_free_space() {
  if (auto free = storage_.free_bytes(settings_.output_dir)) {
    storage_free_bytes_.store(free.value(), std::memory_order_relaxed);
  } else {
    ++storage_errors_;
  }
}

WriterHealth Writer::health() const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  return {storage_free_bytes_.load(kRelaxed), last_checkpoint_ns_.load(kRelaxed),
          checkpoints_.load(kRelaxed), storage_errors_.load(kRelaxed),
          clock_.monotonic_ns() - last_checkpoint_end_ns_.load(kRelaxed)};
}

void Writer::append_last_status_row(int64_t utc_ns) {
  // A full ring means storage has failed for long; the row is lost, the counters go on.
  (void)status_->append(utc_ns, health(), counters_, true);
}

Status Writer::checkpoint(int64_t rows_before_utc_ns) {
  if (file_ == nullptr) return Error{"checkpoint: no segment open (storage failing or full)"};
  const int64_t began = clock_.monotonic_ns();
  // A dataset that failed would make the others' rows durable under a grown extent with
  // missing chunks: all or nothing. The HDF5 lock stays held through the commit: another thread's
  // HDF5 write between the flush and the commit would be committed half-done.
  Status s;
  for (WriterBinding& b : bindings_) {
    if (s) s = write_binding(b, true, rows_before_utc_ns);
  }
  if (s) s = file_->flush();
  if (s) s = file_->commit();
  // Writes that failed under HDF5 were retried by the commit: count them, whatever came of it.
  storage_errors_ += file_->take_failed_operations();
  report(s, "checkpoint", failing_checkpoint_);
  if (!s) return s;
  failures_in_row_ = 0;
  for (WriterBinding& b : bindings_) b.rows_checkpointed = b.rows_written;
  ++checkpoints_;
  const int64_t ended = clock_.monotonic_ns();
  last_checkpoint_ns_.store(ended - began, std::memory_order_relaxed);
  last_checkpoint_end_ns_.store(ended, std::memory_order_relaxed);
  max_checkpoint_ns_ = std::max(max_checkpoint_ns_, ended - began);
  if (settings_.on_checkpoint) settings_.on_checkpoint(stats());
  return {};
}

void Writer::on_failure(const Status& s) {
  ++failures_in_row_;
  if (segments_ == nullptr || file_ == nullptr) return;  // the logger retries at the next poll
  const bool full = s.code() == ENOSPC;
  const bool given_up = file_->abandoned();  // by the driver: nothing more can reach the file
  if (!given_up) {
    if (full && segments_->apply_retention(true) > 0) return;  // retried at the next poll
    if (!full && failures_in_row_ < kAttempts) return;
  }
  give_up();
  if (full && (!given_up || segments_->apply_retention(true) == 0)) {
    log_event(EventLevel::kError,
              "storage full and no closed segment left to delete: "
              "recording stops until space returns (rows are counted as dropped)");
    out_of_space_ = true;
    return;
  }
  (void)open_next_segment();
}

void Writer::give_up() {
  log_event(EventLevel::kError, "giving up segment '" + file_->path() +
                                    "' after storage failures; it keeps its last checkpoint");
  for (WriterBinding& b : bindings_) {
    // Rows written since the last checkpoint are rolled back with the segment; those still in
    // the ring go to the next segment, the rest are lost (and counted).
    const uint64_t in_ring = b.ring->released_chunks() * b.ring->chunk_rows();
    const uint64_t resume = std::max(b.rows_checkpointed, in_ring);
    if (b.counters != nullptr) {
      b.counters->lost_rows.fetch_add(resume - b.rows_checkpointed, std::memory_order_relaxed);
    }
    b.rows_in_closed_segments += b.rows_checkpointed - b.first_row;
    b.first_row = b.rows_written = b.rows_checkpointed = resume;
    b.columns.clear();
  }
  file_->abandon();
  file_ = nullptr;
  ++segments_given_up_;
  failures_in_row_ = 0;
  if (Status s = segments_->close_current(true); !s) {
    log_event(EventLevel::kError, "closing the given-up segment: " + s.message());
  }
}

void Writer::after_checkpoint() {
  if (segments_ == nullptr) return;
  rotate_if_due();
  (void)segments_->apply_retention(false);
}

void Writer::rotate_if_due() {
  const bool ended = stopped_at_ != nullptr && stopped_at_->load() != Sampler::kNotStopped;
  if (ended || !segments_->rotation_due()) return;
  for (WriterBinding& b : bindings_) {
    b.rows_in_closed_segments += b.rows_written - b.first_row;
    b.first_row = b.rows_written;
    b.columns.clear();
  }
  file_ = nullptr;
  // A failed close loses nothing: recovery brings the segment back to the checkpoint just made.
  if (Status s = segments_->close_current(false); !s) {
    bool once = false;  // a close fails once per segment: counted and logged, not a run
    report(s, "close segment", once);
  }
  (void)open_next_segment();
}

bool Writer::open_next_segment() {
  if (segments_ == nullptr) return false;
  if (out_of_space_ && !segments_->space_available()) return false;
  auto segment = segments_->open_next();
  report(segment ? Status() : Status(segment.error()), "open segment", failing_open_);
  if (!segment) {
    if (segment.code() == ENOSPC && segments_->apply_retention(true) == 0) out_of_space_ = true;
    return false;
  }
  if (out_of_space_) log_event(EventLevel::kInfo, "storage has room again: recording resumes");
  out_of_space_ = false;
  use_segment(segment.value());
  return true;
}

void Writer::use_segment(const OpenSegment& segment) {
  file_ = segment.file;
  failures_in_row_ = 0;
  for (size_t b = 0; b < bindings_.size(); ++b) bindings_[b].columns = segment.columns[b];
}

WriterStats Writer::stats() const {
  WriterStats out{
      checkpoints_.load(), storage_errors_.load(), segments_given_up_, max_checkpoint_ns_, {}};
  for (const WriterBinding& b : bindings_) {
    const uint64_t current = file_ != nullptr ? b.rows_checkpointed - b.first_row : 0;
    out.rows_stored.push_back(b.rows_in_closed_segments + current);
  }
  return out;
}

}  // namespace h5rec
