#include "recorder/recorder.hpp"

#include <algorithm>
#include <latch>

#include "platform/thread.hpp"
#include "recorder/chunk_sizing.hpp"
#include "recorder/event_log.hpp"
#include "recorder/hdf5/h5_file.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/reopener.hpp"
#include "recorder/segment_name.hpp"
#include "recorder/segment_store.hpp"
#include "recorder/status_sampler.hpp"
#include "recorder/utc_time.hpp"

namespace h5rec {
namespace {

constexpr size_t kTimeBytes = sizeof(int64_t);
// Ring memory is taken at start-up; a config asking for more is a mistake, not a wish.
constexpr size_t kMaxRingBytes = size_t{256} << 20;

uint64_t name_seed(const std::string& text) {  // FNV-1a: stable default seed per channel
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

GroupLayout group_layout(const config::GroupConfig& group, const config::RecorderConfig& config) {
  GroupLayout layout{group.name, group.rate_hz, 1, {}};
  layout.columns.push_back({"time",
                            DType::kInt64,
                            {},
                            true,
                            "ns",
                            "scheduled sample time, ns since the Unix epoch (UTC)",
                            {},
                            {},
                            {}});
  size_t widest = kTimeBytes;
  for (const config::ChannelConfig& c : group.channels) {
    layout.columns.push_back(
        {c.name, c.dtype, c.shape, true, c.units, c.description, c.sensor, {}, {}});
    widest = std::max(widest, dtype_size(c.dtype) * c.components());
  }
  layout.chunk_rows =
      chunk_rows_for(group.rate_hz, config.checkpoint_interval_s, widest, config.chunk_bytes);
  return layout;
}

Status check_writable(platform::Storage& storage, const std::string& dir,
                      const std::string& where) {
  const auto fail = [&](const Status& s) {
    return Error{where + ": key 'output_dir': cannot write recordings to '" + dir +
                 "': " + s.message()};
  };
  if (Status s = storage.make_directories(dir); !s) return fail(s);
  const std::string probe = dir + "/.h5rec-write-test";
  auto file = storage.open(probe, platform::OpenMode::kCreateTruncate);
  if (!file) return fail(file.error());
  file.value().reset();
  if (Status s = storage.unlink(probe); !s) return fail(s);
  return {};
}

// Builds and opens a channel's sensor and takes the units and attributes it reports into the
// channel's dataset layout. A device missing at start-up is an error naming it, unless the
// channel is optional: then it records fill values until the reopener finds it.
Result<SampledChannel> open_channel(const config::ChannelConfig& c,
                                    const config::GroupConfig& group,
                                    const config::RecorderConfig& config,
                                    const platform::SensorFactory& sensors,
                                    platform::SharedDevices& shared, h5::ColumnLayout& column) {
  platform::SensorSpec spec{c.sensor,        c.params,       c.texts,
                            c.components(),  group.rate_hz,  name_seed(group.name + "/" + c.name),
                            c.sensor_where,  c.params_where, config.sysfs_root,
                            config.dev_root, group.name,     &shared};
  auto sensor = sensors.make(spec);
  if (!sensor) return sensor.error();
  SampledChannel channel{std::move(sensor.value()), c.dtype, c.components(), true};
  if (Status opened = channel.sensor->open(); !opened) {
    const std::string what = c.where + ": channel '" + c.name + "' of group '" + group.name +
                             "' (sensor '" + c.sensor + "'): " + opened.message();
    if (!c.optional) return Error{what + " (set optional = true to record without it)"};
    log_event(EventLevel::kWarning, what + "; optional: recording fill values until it appears");
    channel.open = false;
  }
  const platform::SensorInfo info = channel.sensor->info();
  if (!info.units.empty() && !c.units.empty() && info.units != c.units) {
    return Error{c.where + ": channel '" + c.name + "': key 'units': sensor '" + c.sensor +
                 "' records '" + info.units + "', not '" + c.units +
                 "' (leave units out to take the sensor's)"};
  }
  if (column.units.empty()) column.units = info.units;
  column.number_attributes = info.numbers;
  column.text_attributes = info.texts;
  return channel;
}

}  // namespace

Recorder::Recorder(const config::RecorderConfig& config, platform::Clock& clock,
                   platform::Storage& storage)
    : config_(config), clock_(clock), storage_(storage) {}

Result<std::unique_ptr<Recorder>> Recorder::create(const config::RecorderConfig& config,
                                                   platform::Clock& clock,
                                                   platform::Storage& storage,
                                                   const platform::SensorFactory& sensors) {
  std::unique_ptr<Recorder> r(new Recorder(config, clock, storage));
  std::vector<StatusGroup> status_groups;
  for (const config::GroupConfig& group : config.groups) {
    status_groups.push_back({group.name, {}});
    for (const config::ChannelConfig& c : group.channels) {
      status_groups.back().channels.push_back(c.name);
    }
  }
  size_t ring_bytes = StatusLog::ring_bytes(status_groups, config.status_interval_s,
                                            config.checkpoint_interval_s, config.ring_seconds);
  for (const config::GroupConfig& group : config.groups) {
    GroupLayout layout = group_layout(group, config);
    std::vector<size_t> row_bytes{kTimeBytes};
    std::vector<SampledChannel> channels;
    for (const config::ChannelConfig& c : group.channels) {
      auto channel = open_channel(c, group, config, sensors, r->shared_devices_,
                                  layout.columns[channels.size() + 1]);
      if (!channel) return channel.error();
      channels.push_back(std::move(channel.value()));
      row_bytes.push_back(dtype_size(c.dtype) * c.components());
    }
    const size_t ring_chunks =
        ring_chunks_for(group.rate_hz, config.ring_seconds, layout.chunk_rows);
    size_t group_row_bytes = 0;
    for (size_t b : row_bytes) group_row_bytes += b;
    ring_bytes += ring_chunks * layout.chunk_rows * group_row_bytes;
    if (ring_bytes > kMaxRingBytes) {
      return Error{config.ring_seconds_where + ": key 'ring_seconds': rings of " +
                   std::to_string(config.ring_seconds) +
                   " s for every group and /_status need more than " +
                   std::to_string(kMaxRingBytes >> 20) +
                   " MiB of memory; lower ring_seconds, rates or channels"};
    }
    r->rings_.push_back(std::make_unique<ChunkRing>(row_bytes, layout.chunk_rows, ring_chunks));
    r->samplers_.push_back(
        std::make_unique<Sampler>(group.rate_hz, std::move(channels), *r->rings_.back(), clock));
    r->layouts_.push_back(std::move(layout));
  }
  // Checked after the sensors, so a config error leaves no directory behind.
  if (Status s = check_writable(storage, config.output_dir, config.output_dir_where); !s) {
    return s.error();
  }
  r->status_ = std::make_unique<StatusLog>(status_groups, config.status_interval_s,
                                           config.checkpoint_interval_s, config.ring_seconds);
  return r;
}

std::vector<GroupLayout> Recorder::file_layout() const {
  std::vector<GroupLayout> all = layouts_;
  all.push_back(status_->layout());
  return all;
}

void Recorder::recover_output_dir() {
  auto held = Writer::lock();
  // This device's segments only: another device's may be in the same directory.
  const auto mine = [this](std::string_view name) {
    return parse_segment_name(name, config_.device_id).has_value();
  };
  auto reports = journal::recover_path(storage_, config_.output_dir, true, mine);
  if (!reports) {
    log_event(EventLevel::kError, "recovery: " + reports.message());
    return;
  }
  for (const journal::RecoveryReport& r : reports.value()) {
    std::string rows;
    for (const journal::DatasetRows& d : r.datasets) {
      const std::string_view suffix = "/time";
      if (d.name.size() > suffix.size() && d.name.ends_with(suffix)) {
        rows += (rows.empty() ? "" : ", ") + d.name.substr(0, d.name.size() - suffix.size()) + " " +
                std::to_string(d.rows) + " rows";
      }
    }
    const bool bad = r.outcome == journal::RecoveryOutcome::kUnrecoverable;
    log_event(bad ? EventLevel::kError : EventLevel::kInfo,
              "recovery: " + r.path + ": " + journal::describe(r.outcome) + " (" + r.detail + ")" +
                  (rows.empty() ? "" : ": " + rows));
  }
}

void Recorder::wait_until_done(const RecordingStart& start, std::optional<int64_t> duration_ns,
                               const std::atomic<bool>& interrupt, const Writer& writer) {
  constexpr int64_t kInterruptCheckNs = 100 * platform::kNsPerMs;
  const int64_t end = duration_ns ? start.monotonic_ns + *duration_ns : INT64_MAX;
  uint64_t passes = 0;
  for (int64_t now = clock_.monotonic_ns(); now < end && !interrupt.load();
       now = clock_.monotonic_ns()) {
    clock_.sleep_until(std::min(end, now + kInterruptCheckNs));
    if (const uint64_t p = writer.passes(); p != passes && liveness_observer_) {
      passes = p;
      liveness_observer_();
    }
  }
}

Result<RecordingSummary> Recorder::run(std::optional<int64_t> duration_ns,
                                       const std::atomic<bool>& interrupt) {
  recover_output_dir();
  SegmentStore store = make_segment_store();
  auto first = [&] {
    auto held = Writer::lock();
    return store.open_next();
  }();
  if (!first) return first.error();
  // The schedule starts once the first segment exists: opening it (HDF5 create, fsyncs, on a
  // slow card or a loaded machine for long) would otherwise leave the samplers behind from row 0,
  // and rows more than a second late are skipped.
  const RecordingStart start{clock_.monotonic_ns(), clock_.realtime_ns()};

  std::vector<const SamplerCounters*> counters;
  for (const auto& sampler : samplers_) counters.push_back(&sampler->counters());
  Writer writer(*first->file, clock_, storage_, writer_settings(),
                {.segments = &store, .status = status_.get(), .counters = counters});
  bind_rings(writer, first.value());
  report_started();

  writer.read_free_space();  // for the first status row, due at the start
  StatusSampler status_sampler(config_.status_interval_s, *status_, writer, counters, clock_);
  std::vector<Sampler*> samplers;
  for (const auto& sampler : samplers_) samplers.push_back(sampler.get());
  Reopener reopener(samplers, clock_);
  run_threads(start, duration_ns, interrupt, writer, status_sampler, reopener);
  {
    auto held = Writer::lock();
    if (Status s = store.close_last(); !s) return s.error();
  }
  return summarize(store, writer);
}

SegmentStore Recorder::make_segment_store() {
  const SegmentSettings segments{
      config_.output_dir,
      config_.device_id,
      static_cast<int64_t>(config_.segment_duration_s * platform::kNsPerSecond),
      config_.segment_max_bytes,
      config_.min_free_bytes,
      config_.max_total_bytes,
      config_.crash_safety};
  return SegmentStore(segments,
                      {config_.device_id, "", config_.source_text, 0, "",
                       config_.checkpoint_interval_s, config_.overrides_text, clock_.is_virtual()},
                      file_layout(), clock_, storage_);
}

WriterSettings Recorder::writer_settings() const {
  return WriterSettings{
      static_cast<int64_t>(config_.checkpoint_interval_s * platform::kNsPerSecond),
      static_cast<int64_t>(config_.status_interval_s * platform::kNsPerSecond), config_.output_dir,
      checkpoint_observer_};
}

void Recorder::bind_rings(Writer& writer, const OpenSegment& first) {
  for (size_t g = 0; g < samplers_.size(); ++g) {
    WriterBinding binding{rings_[g].get(), first.columns[g], 0, &samplers_[g]->counters()};
    binding.time_column = true;
    writer.add(std::move(binding));
  }
  writer.add({&status_->ring(), first.columns.back(), 0});
}

void Recorder::report_started() {
  if (!started_observer_) return;
  size_t datasets = 0;
  for (const GroupLayout& layout : file_layout()) datasets += layout.columns.size();
  started_observer_(h5::File::metadata_cache_heap_bytes(datasets));
}

void Recorder::run_threads(const RecordingStart& start, std::optional<int64_t> duration_ns,
                           const std::atomic<bool>& interrupt, Writer& writer,
                           StatusSampler& status_sampler, Reopener& reopener) {
  std::atomic<int64_t> stop_sampling{Sampler::kNotStopped};
  std::atomic<bool> finish_writing{false};
  platform::Thread writer_thread;
  platform::Thread status_thread;
  platform::Thread reopen_thread;
  std::vector<platform::Thread> sampler_threads;
  {
    // This thread stays attached (and awake) until every recorder thread has attached, so a
    // virtual clock cannot run ahead of a thread that has not started yet.
    platform::ClockAttachment attached(clock_);
    std::latch all_attached(static_cast<std::ptrdiff_t>(samplers_.size() + 3));
    const auto attached_body = [&](auto body) {
      return [&, body] {
        platform::ClockAttachment thread_attached(clock_);
        all_attached.count_down();
        body();
      };
    };
    writer_thread = platform::Thread(
        "h5rec-writer", attached_body([&] { writer.run(start, finish_writing, &stop_sampling); }));
    status_thread = platform::Thread("h5rec-status", attached_body([&] {
                                       status_sampler.run(start, duration_ns, stop_sampling);
                                     }));
    reopen_thread = platform::Thread(
        "h5rec-reopen", attached_body([&] { reopener.run(start, duration_ns, stop_sampling); }));
    for (size_t g = 0; g < samplers_.size(); ++g) {
      Sampler* sampler = samplers_[g].get();
      sampler_threads.emplace_back(std::string(kSamplerThreadPrefix) + std::to_string(g),
                                   attached_body([=, &start, &stop_sampling] {
                                     sampler->run(start, duration_ns, stop_sampling);
                                   }),
                                   platform::ThreadTiming::kSampling);
    }
    all_attached.wait();
    wait_until_done(start, duration_ns, interrupt, writer);
    if (stopping_observer_) stopping_observer_();
    stop_sampling.store(clock_.monotonic_ns());  // rows due before now are still taken
  }  // detached: joining is not sleeping, so a virtual clock must run on without this thread
  for (platform::Thread& t : sampler_threads) t.join();
  reopen_thread.join();
  status_thread.join();  // the writer appends the last status row
  finish_writing.store(true, std::memory_order_release);
  writer_thread.join();
}

RecordingSummary Recorder::summarize(const SegmentStore& store, const Writer& writer) const {
  RecordingSummary summary{store.paths(), {}, writer.stats(), store.deleted()};
  for (size_t g = 0; g < samplers_.size(); ++g) {
    const SamplerCounters& c = samplers_[g]->counters();
    summary.groups.push_back({layouts_[g].name, c.rows_due.load(), summary.writer.rows_stored[g],
                              c.dropped_rows.load() + c.lost_rows.load(),
                              c.ring_high_water.load()});
  }
  return summary;
}

}  // namespace h5rec
