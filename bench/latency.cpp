#include "bench/latency.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "bench/writer_path.hpp"
#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/thread.hpp"
#include "recorder/recorder.hpp"
#include "recorder/sampler.hpp"

namespace h5rec::bench {
namespace {

struct Percentiles {
  size_t count = 0;
  int64_t p50 = 0, p99 = 0, p999 = 0, max = 0;
};

Percentiles percentiles(std::vector<int64_t> values) {
  Percentiles p;
  p.count = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    return values[std::min(values.size() - 1,
                           static_cast<size_t>(q * static_cast<double>(values.size())))];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = values.back();
  return p;
}

WriterPathSettings busy_writer(const std::string& dir, size_t channels) {
  WriterPathSettings s;
  s.dir = dir;
  s.channels = channels;
  s.chunk_bytes = 65536;
  s.ring_chunks = 64;
  s.crash_safe = true;
  s.checkpoint_interval_s = 0.1;  // ten journaled checkpoints a second
  s.segment_duration_s = 1.0;     // and a new segment every second
  return s;
}

// How the producer waits for its next row: asleep, as a sampler does (its caches and TLB go
// cold meanwhile, on a virtual machine especially), or spinning on the clock (it stays hot, so
// each push costs what the ring and any interference from the writer make it cost).
enum class Pacing { kSleep, kSpin };
// What is timed: a push; nothing (two clock reads back to back, the row pushed after them): what
// the machine alone adds to a timed stretch of code; or a spin on the clock as long as a push
// takes (the row pushed after it): what the machine adds to a stretch as long as a push, the
// chance of an interrupt or a preemption landing in it growing with its length.
enum class Probe { kPush, kNothing, kWait };

// What memory a push met for the first time: the columns whose row began a cache line or a page.
struct PushTouch {
  uint8_t new_lines = 0;
  uint8_t new_pages = 0;
};

// Where the slowest pushes' time goes: the new cache lines and pages they wrote, against all
// pushes (the slowest 0.1% are those at or above p99.9).
struct TailTouch {
  double tail_lines = 0, all_lines = 0;  // mean new cache lines per push
  double tail_paged = 0, all_paged = 0;  // share of pushes that began a page in some column
};

TailTouch tail_touch(const std::vector<int64_t>& latency_ns, const std::vector<PushTouch>& touch,
                     int64_t p999_ns) {
  TailTouch t;
  size_t tail = 0;
  for (size_t i = 0; i < touch.size(); ++i) {
    const double lines = touch[i].new_lines, paged = touch[i].new_pages > 0 ? 1 : 0;
    t.all_lines += lines;
    t.all_paged += paged;
    if (latency_ns[i] >= p999_ns) {
      ++tail;
      t.tail_lines += lines;
      t.tail_paged += paged;
    }
  }
  const auto mean = [](double sum, size_t n) { return n > 0 ? sum / static_cast<double>(n) : 0; };
  t.all_lines = mean(t.all_lines, touch.size());
  t.all_paged = mean(t.all_paged, touch.size());
  t.tail_lines = mean(t.tail_lines, tail);
  t.tail_paged = mean(t.tail_paged, tail);
  return t;
}

// Push latency of rows of 16 float64 channels at 10 kHz. Each push is timed from can_push() to
// commit_row().
std::optional<Percentiles> push_latency(const std::string& dir, double seconds, Pacing pacing,
                                        Probe probe, int64_t wait_ns, uint64_t& dropped,
                                        size_t& segments, TailTouch* touched = nullptr) {
  platform::PosixClock clock;
  platform::PosixStorage storage;
  constexpr size_t kChannels = 16;
  constexpr int64_t kPeriodNs = 100'000;
  auto path = WriterPath::start(busy_writer(dir, kChannels), clock, storage);
  if (!path) {
    std::fprintf(stderr, "h5rec-bench: %s\n", path.message().c_str());
    return std::nullopt;
  }
  ChunkRing& ring = path.value()->ring();
  const auto rows = static_cast<uint64_t>(seconds * 1e9 / kPeriodNs);
  std::vector<int64_t> latency_ns;
  latency_ns.reserve(rows);
  std::vector<PushTouch> touch;
  if (touched != nullptr) touch.reserve(rows);
  const int64_t start = clock.monotonic_ns();
  for (uint64_t row = 0; row < rows; ++row) {
    const int64_t due = start + static_cast<int64_t>(row) * kPeriodNs;
    if (pacing == Pacing::kSleep) {
      clock.sleep_until(due);
    } else {
      while (clock.monotonic_ns() < due) {
      }
    }
    const auto push = [&] {
      if (!ring.can_push()) {
        ++dropped;
        return;
      }
      const auto t = static_cast<int64_t>(row);
      std::memcpy(ring.row(0), &t, sizeof t);
      for (size_t c = 1; c <= kChannels; ++c) {
        const auto v = static_cast<double>(row + c);
        std::memcpy(ring.row(c), &v, sizeof v);
      }
      ring.commit_row();
    };
    const auto t0 = std::chrono::steady_clock::now();
    if (probe == Probe::kPush) push();
    if (probe == Probe::kWait) {
      while (std::chrono::steady_clock::now() - t0 < std::chrono::nanoseconds(wait_ns)) {
      }
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (probe != Probe::kPush) push();  // the writer stays as busy
    latency_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    if (touched == nullptr) continue;
    // After the clock is read: where the row went (the cursor is one row past it now).
    PushTouch t;
    for (size_t c = 0; c <= kChannels; ++c) {
      const auto at = reinterpret_cast<uintptr_t>(ring.row(c)) - sizeof(double);
      t.new_lines += at % 64 == 0 ? 1 : 0;
      t.new_pages += at % 4096 == 0 ? 1 : 0;
    }
    touch.push_back(t);
  }
  auto result = path.value()->finish();
  if (!result) {
    std::fprintf(stderr, "h5rec-bench: %s\n", result.message().c_str());
    return std::nullopt;
  }
  segments = result->segments;
  const Percentiles p = percentiles(latency_ns);
  if (touched != nullptr) *touched = tail_touch(latency_ns, touch, p.p999);
  return p;
}

// A sensor that notes how late each read comes after its scheduled instant.
class LatenessProbe final : public platform::Sensor {
 public:
  LatenessProbe(const platform::Clock& clock, int64_t start_ns, std::vector<int64_t>& out)
      : clock_(clock), start_ns_(start_ns), out_(out) {}
  platform::ReadResult read(const platform::SampleTick& tick, std::span<double> values) override {
    const int64_t due = start_ns_ + static_cast<int64_t>(tick.elapsed_s * 1e9 + 0.5);
    if (out_.size() < out_.capacity()) out_.push_back(clock_.monotonic_ns() - due);
    values[0] = static_cast<double>(tick.index);
    return platform::ReadResult::kOk;
  }

 private:
  const platform::Clock& clock_;
  int64_t start_ns_;
  std::vector<int64_t>& out_;
};

// Lateness of the posix sampler's reads at `rate_hz`, with the writer checkpointing and rotating.
std::optional<Percentiles> sampler_lateness(const std::string& dir, double rate_hz, double seconds,
                                            uint64_t& dropped) {
  platform::PosixClock clock;
  platform::PosixStorage storage;
  auto path = WriterPath::start(busy_writer(dir, 1), clock, storage);
  if (!path) {
    std::fprintf(stderr, "h5rec-bench: %s\n", path.message().c_str());
    return std::nullopt;
  }
  std::vector<int64_t> lateness_ns;
  lateness_ns.reserve(static_cast<size_t>(rate_hz * seconds) + 1);
  // The first row is due a little after now, so the sampler starts on schedule.
  const RecordingStart start{clock.monotonic_ns() + 10'000'000, clock.realtime_ns() + 10'000'000};
  std::vector<SampledChannel> channels;
  channels.push_back({std::make_unique<LatenessProbe>(clock, start.monotonic_ns, lateness_ns),
                      DType::kFloat64, 1});
  Sampler sampler(rate_hz, std::move(channels), path.value()->ring(), clock);
  const std::atomic<int64_t> never{Sampler::kNotStopped};
  platform::Thread thread(
      Recorder::kSamplerThreadPrefix,
      [&] { sampler.run(start, static_cast<int64_t>(seconds * 1e9), never); },
      platform::ThreadTiming::kSampling);  // as the recorder runs its samplers
  thread.join();
  dropped = sampler.counters().dropped_rows.load();
  auto result = path.value()->finish();
  if (!result) {
    std::fprintf(stderr, "h5rec-bench: %s\n", result.message().c_str());
    return std::nullopt;
  }
  return percentiles(std::move(lateness_ns));
}

std::string micro(int64_t ns) { return fixed(static_cast<double>(ns) / 1000.0, 2); }

}  // namespace

void latency(const std::string& dir, bool quick, Goals& goals) {
  const double seconds = quick ? 1 : 20;
  std::printf("## Latency\n\n");
  std::printf(
      "On the posix clock and real files, with the writer making a journaled checkpoint\n"
      "every 0.1 s and starting a new segment every second. Push: a producer writing rows\n"
      "of 16 float64 channels at 10 kHz, each push timed from can_push() to commit_row(),\n"
      "the producer spinning on the clock between rows (the push's own cost, and any\n"
      "interference from the writer: the goal) or asleep as a sampler is (then a push\n"
      "also waits for the 17 cache lines it writes, which go cold while the CPU idles).\n"
      "Nothing: the spinning producer's two clock reads with no push between them (the row\n"
      "is pushed after them), what this machine alone adds to a timed stretch of code.\n"
      "Wait: the same with a spin on the clock as long as the spinning producer's median\n"
      "push between them: what the machine adds to a stretch as long as a push (an\n"
      "interrupt or preemption is likelier to land in a longer one).\n"
      "Sampler: how late the posix sampler reads its sensor after the row's scheduled\n"
      "instant (one channel). %.0f s each; microseconds.\n\n",
      seconds);
  std::fprintf(stderr, "latency: push at 10 kHz\n");
  uint64_t spin_dropped = 0, sleep_dropped = 0;
  size_t segments = 0;
  TailTouch spin_touch;
  const auto spin = push_latency(dir + "/bench-latency", seconds, Pacing::kSpin, Probe::kPush, 0,
                                 spin_dropped, segments, &spin_touch);
  const auto sleep = push_latency(dir + "/bench-latency", seconds, Pacing::kSleep, Probe::kPush, 0,
                                  sleep_dropped, segments);
  uint64_t floor_dropped = 0, wait_dropped = 0;
  const auto floor = push_latency(dir + "/bench-latency", seconds, Pacing::kSpin, Probe::kNothing,
                                  0, floor_dropped, segments);
  const int64_t wait_ns = spin ? spin->p50 : 0;
  const auto wait = push_latency(dir + "/bench-latency", seconds, Pacing::kSpin, Probe::kWait,
                                 wait_ns, wait_dropped, segments);
  Table table{{"measurement", "p50 us", "p99 us", "p99.9 us", "max us", "samples", "dropped"}, {}};
  const auto row = [&](const std::string& name, const std::optional<Percentiles>& p,
                       uint64_t dropped) {
    if (!p) {
      table.rows.push_back({name, "failed"});
      return;
    }
    table.rows.push_back({name, micro(p->p50), micro(p->p99), micro(p->p999), micro(p->max),
                          grouped(static_cast<double>(p->count)),
                          grouped(static_cast<double>(dropped))});
  };
  row("push, 16 channels, 10 kHz, producer spinning between rows", spin, spin_dropped);
  row("push, 16 channels, 10 kHz, producer asleep between rows", sleep, sleep_dropped);
  row("nothing, timed as the spinning producer's pushes are", floor, floor_dropped);
  row("wait of " + grouped(static_cast<double>(wait_ns)) + " ns (the median push), timed alike",
      wait, wait_dropped);
  for (double rate : {1000.0, 10000.0}) {
    std::fprintf(stderr, "latency: sampler at %.0f Hz\n", rate);
    uint64_t dropped = 0;
    row("sampler lateness, " + fixed(rate / 1000, 0) + " kHz",
        sampler_lateness(dir + "/bench-jitter", rate, seconds, dropped), dropped);
  }
  table.print();
  if (!spin) {
    goals.unmeasured(GoalKind::kTiming, "push-latency-p99.9", "the run failed", "<1us");
    return;
  }
  std::printf(
      "\nThe slowest 0.1%% of the spinning producer's pushes wrote %.2f new cache lines\n"
      "each (all pushes: %.2f), and %.0f%% of them began a new page in some column (all\n"
      "pushes: %.1f%%): more than all pushes if the tail waits for memory met first.\n\n",
      spin_touch.tail_lines, spin_touch.all_lines, 100 * spin_touch.tail_paged,
      100 * spin_touch.all_paged);
  goals.add(GoalKind::kTiming, "push-latency-p99.9", spin->p999 < 1000, micro(spin->p999) + "us",
            "<1us");
}

}  // namespace h5rec::bench
