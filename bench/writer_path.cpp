#include "bench/writer_path.hpp"

#include <cstdio>
#include <vector>

namespace h5rec::bench {

WriterPath::WriterPath(const WriterPathSettings& settings, platform::Clock& clock,
                       platform::Storage& storage)
    : settings_(settings), clock_(clock), storage_(storage) {}

Result<std::unique_ptr<WriterPath>> WriterPath::start(const WriterPathSettings& settings,
                                                      platform::Clock& clock,
                                                      platform::Storage& storage) {
  std::unique_ptr<WriterPath> path(new WriterPath(settings, clock, storage));
  const size_t chunk_rows = std::max<size_t>(1, settings.chunk_bytes / sizeof(int64_t));
  GroupLayout layout{"bench", 0.0, chunk_rows, {}};
  layout.columns.push_back({"time", DType::kInt64, {}, true, "ns", "row time", {}, {}, {}});
  for (size_t c = 0; c < settings.channels; ++c) {
    char name[16];
    std::snprintf(name, sizeof name, "c%03u", static_cast<unsigned>(c % 1000));
    layout.columns.push_back(
        {name, DType::kFloat64, {}, true, "1", "benchmark channel", "bench", {}, {}});
  }
  const std::vector<size_t> row_bytes(layout.columns.size(), sizeof(int64_t));
  path->ring_ = std::make_unique<ChunkRing>(row_bytes, chunk_rows, settings.ring_chunks);

  if (Status s = storage.make_directories(settings.dir); !s) return s.error();
  const SegmentSettings segments{
      settings.dir,       "bench", static_cast<int64_t>(settings.segment_duration_s * 1e9), 0, 0, 0,
      settings.crash_safe};
  path->store_ = std::make_unique<SegmentStore>(
      segments, FileAttributes{"bench", "", "", 0, "", settings.checkpoint_interval_s, "", false},
      std::vector<GroupLayout>{layout}, clock, storage);
  auto first = [&] {
    auto held = Writer::lock();
    return path->store_->open_next();
  }();
  if (!first) return first.error();
  const auto interval_ns = static_cast<int64_t>(settings.checkpoint_interval_s * 1e9);
  path->writer_ = std::make_unique<Writer>(
      *first->file, clock, storage, WriterSettings{interval_ns, interval_ns, settings.dir, {}},
      WriterOutputs{.segments = path->store_.get(), .status = nullptr, .counters = {}});
  path->writer_->add({path->ring_.get(), first->columns[0], 0, nullptr});
  const RecordingStart start{clock.monotonic_ns(), clock.realtime_ns()};
  WriterPath* self = path.get();
  path->thread_ = platform::Thread("h5rec-writer", [self, start] {
    platform::ClockAttachment attached(self->clock_);
    self->writer_->run(start, self->finish_);
  });
  return path;
}

WriterPath::~WriterPath() {
  if (!finished_) (void)finish();
}

Result<WriterPathResult> WriterPath::finish() {
  finished_ = true;
  finish_.store(true, std::memory_order_release);
  thread_.join();
  const int64_t done_ns = clock_.monotonic_ns();
  const WriterStats stats = writer_->stats();
  Status closed = [&] {
    auto held = Writer::lock();
    return store_->close_last();
  }();
  for (const std::string& file : store_->paths()) (void)storage_.unlink(file);
  if (!closed) return closed.error();
  return WriterPathResult{done_ns, stats.rows_stored.empty() ? 0 : stats.rows_stored[0],
                          stats.checkpoints, store_->paths().size(), stats.storage_errors};
}

}  // namespace h5rec::bench
