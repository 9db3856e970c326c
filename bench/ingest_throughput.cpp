#include "bench/ingest_throughput.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "bench/baselines.hpp"
#include "bench/self_command.hpp"
#include "bench/writer_path.hpp"
#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"

namespace h5rec::bench {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

// Pushes w.rows rows (the values baselines.cpp writes) through the writer path as fast as it
// takes them: the producer waits while the ring is full instead of dropping. It fills up to
// kBatchRows rows at a time column by column, as the baselines fill their buffers, and commits
// them at once (the ring's batch interface, which the logger's array path and a buffered IIO
// capture use): what is measured is the path from the ring to storage, not one row's push (the
// latency and instruction sections measure that).
std::optional<Timed> writer_path(const std::string& dir, const Workload& w, bool crash_safe) {
  constexpr size_t kBatchRows = 512;
  platform::PosixClock clock;
  platform::PosixStorage storage;
  const size_t chunk_set = w.chunk_bytes * w.columns();
  WriterPathSettings settings;
  settings.dir = dir;
  settings.channels = w.channels;
  settings.chunk_bytes = w.chunk_bytes;
  // A ring of at least 64 MiB, as ring_seconds gives a fast group: the writer polls every 20 ms.
  settings.ring_chunks = std::max<size_t>(4, (64 * kMiB + chunk_set - 1) / chunk_set);
  settings.crash_safe = crash_safe;
  settings.checkpoint_interval_s = w.checkpoint_interval_s;
  auto path = WriterPath::start(settings, clock, storage);
  if (!path) {
    std::fprintf(stderr, "h5rec-bench: %s\n", path.message().c_str());
    return std::nullopt;
  }
  const int64_t start_ns = clock.monotonic_ns();
  ChunkRing& ring = path.value()->ring();
  for (uint64_t first = 0; first < w.rows;) {
    // A full ring: wait asleep, as a sampler between rows does, leaving both cores to the
    // writer and the kernel's writeback (spinning here took a core from them).
    while (!ring.can_push()) std::this_thread::sleep_for(std::chrono::microseconds(50));
    const size_t n = std::min<uint64_t>({ring.rows_left_in_chunk(), kBatchRows, w.rows - first});
    for (size_t c = 0; c < w.columns(); ++c) fill_column(ring.row(c), c, first, n);
    ring.commit_rows(n);
    first += n;
  }
  auto result = path.value()->finish();
  if (!result) {
    std::fprintf(stderr, "h5rec-bench: %s\n", result.message().c_str());
    return std::nullopt;
  }
  if (result->rows_stored != w.rows || result->storage_errors != 0) {
    std::fprintf(stderr, "h5rec-bench: writer path stored %llu of %llu rows, %llu storage errors\n",
                 static_cast<unsigned long long>(result->rows_stored),
                 static_cast<unsigned long long>(w.rows),
                 static_cast<unsigned long long>(result->storage_errors));
    return std::nullopt;
  }
  return Timed{w.rows, static_cast<double>(result->final_checkpoint_ns - start_ns) * 1e-9};
}

std::string size_text(size_t bytes) {
  return bytes >= kMiB ? std::to_string(bytes / kMiB) + " MiB"
                       : std::to_string(bytes / kKiB) + " KiB";
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The seconds of each contestant's runs, repetition by repetition (0: the run failed).
struct Case {
  Workload w;
  std::vector<double> raw, safe, plain, per_chunk;
  Timed per_sample;

  // Median seconds of a contestant's runs; 0 if any failed.
  static double seconds(const std::vector<double>& runs) {
    return std::find(runs.begin(), runs.end(), 0.0) != runs.end() ? 0 : median(runs);
  }
  // How many times faster `a` ran than `base`: the ratio of their median runs, made in the same
  // rounds; 0 if a run failed.
  static double speedup(const std::vector<double>& a, const std::vector<double>& base) {
    const double median_a = seconds(a), median_base = seconds(base);
    return median_a > 0 && median_base > 0 ? median_base / median_a : 0;
  }
};

// One run of one contestant, in a child process of its own (`--run ingest:...`): no run inherits
// another's process state (its heap, its freed rings).
std::optional<Timed> in_child(const std::string& dir, const std::string& contestant,
                              const Workload& w, double budget_s) {
  const std::string command = self_command() + " --dir " + dir + " --run ingest:" + contestant +
                              ":" + std::to_string(w.channels) + ":" +
                              std::to_string(w.chunk_bytes) + ":" + std::to_string(w.rows) + ":" +
                              std::to_string(budget_s);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  unsigned long long rows = 0;
  double seconds = 0;
  const bool got = std::fscanf(pipe, "%llu %lf", &rows, &seconds) == 2;
  if (pclose(pipe) != 0 || !got) return std::nullopt;
  return Timed{rows, seconds};
}

double seconds_of(const std::optional<Timed>& t) { return t ? t->seconds : 0; }

// Before each run: the file system finishes what the previous run left it (the writeback and the
// discard of its deleted file), so no run pays for another's.
void settle(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
}

}  // namespace

int ingest_run(const std::string& dir, const std::string& spec) {
  char contestant[32] = {};
  unsigned long long channels = 0, chunk = 0, rows = 0;
  double budget_s = 0;
  if (std::sscanf(spec.c_str(), "%31[a-z-]:%llu:%llu:%llu:%lf", contestant, &channels, &chunk,
                  &rows, &budget_s) != 5) {
    std::fprintf(stderr, "h5rec-bench: bad ingest run '%s'\n", spec.c_str());
    return 64;
  }
  const Workload w{channels, chunk, rows, 1.0};
  const std::string name = contestant;
  std::optional<Timed> t;
  if (name == "raw")
    t = raw_write_fsync(dir + "/bench-raw.bin", w);
  else if (name == "safe")
    t = writer_path(dir + "/bench-safe", w, true);
  else if (name == "plain")
    t = writer_path(dir + "/bench-plain", w, false);
  else if (name == "per-chunk")
    t = per_chunk_hdf5(dir + "/bench-per-chunk.h5", w);
  else if (name == "per-sample")
    t = per_sample_hdf5(dir + "/bench-per-sample.h5", w, budget_s);
  if (!t) return 1;
  std::printf("%llu %.9f\n", static_cast<unsigned long long>(t->rows), t->seconds);
  return 0;
}

void ingest_throughput(const std::string& dir, bool quick, Goals& goals) {
  const std::vector<size_t> channel_counts =
      quick ? std::vector<size_t>{16} : std::vector<size_t>{1, 16, 256};
  const std::vector<size_t> chunk_sizes =
      quick ? std::vector<size_t>{64 * kKiB} : std::vector<size_t>{4 * kKiB, 64 * kKiB, kMiB};
  const int repeats = quick ? 1 : 7;
  const double per_sample_budget_s = quick ? 0.5 : 2.0;

  std::printf("## Ingest throughput\n\n");
  std::printf(
      "Rows pushed into the writer path as fast as it takes them (one producer thread\n"
      "filling and committing up to 512 rows at a time, column by column as the baselines\n"
      "fill their buffers; the writer thread, checkpoints every 1 s; bench/writer_path.hpp;\n"
      "a single row's push is in the latency and instruction sections) and the same rows\n"
      "written by the baselines of bench/baselines.hpp; an int64 time column and float64\n"
      "channels, every dataset chunked at the chunk size. %d runs of each contestant, each\n"
      "in a process of its own after syncfs(), in rounds of one run of each, every round\n"
      "in another order (a run can slow the next down). MB/s are the median payload bytes\n"
      "per second; a ratio (x) divides the baseline's median time by h5rec's. Per-sample\n"
      "runs for %.1f s.\n\n",
      repeats, per_sample_budget_s);

  std::vector<Case> cases;
  for (size_t chunk : chunk_sizes) {
    for (size_t channels : channel_counts) {
      Case c{{channels, chunk, 0, 1.0}, {}, {}, {}, {}, {}};
      const uint64_t target =
          quick ? 16 * kMiB : std::max<uint64_t>(512 * kMiB, 4 * chunk * c.w.columns());
      c.w.rows = std::max<uint64_t>(1, target / (sizeof(int64_t) * c.w.columns()));
      cases.push_back(c);
    }
  }
  // Rounds of one run of each contestant, each round in another order: a run disturbs the next
  // (the file system seems busy with the deleted files of a run for a while, syncfs()
  // notwithstanding: on the development machine a raw run right after writer path runs ran up
  // to sixfold slower), so every contestant follows every other about equally often.
  for (Case& c : cases) {
    std::fprintf(stderr, "ingest: %zu channels, %s chunks, %llu rows\n", c.w.channels,
                 size_text(c.w.chunk_bytes).c_str(), static_cast<unsigned long long>(c.w.rows));
    const std::pair<const char*, std::vector<double>*> contestants[] = {
        {"raw", &c.raw}, {"safe", &c.safe}, {"plain", &c.plain}, {"per-chunk", &c.per_chunk}};
    const size_t n = std::size(contestants);
    for (int r = 0; r < repeats; ++r) {
      for (size_t k = 0; k < n; ++k) {
        const auto& [name, runs] = contestants[(k + static_cast<size_t>(r)) % n];
        settle(dir);
        runs->push_back(seconds_of(in_child(dir, name, c.w, 0)));
      }
      std::fprintf(stderr, "  round %d: raw %.3f s, safe %.3f s, plain %.3f s, per-chunk %.3f s\n",
                   r, c.raw.back(), c.safe.back(), c.plain.back(), c.per_chunk.back());
    }
    if (auto t = in_child(dir, "per-sample", c.w, per_sample_budget_s)) c.per_sample = *t;
  }

  Table table{{"channels", "chunk", "raw MB/s", "h5rec safe MB/s", "x raw", "h5rec plain MB/s",
               "x raw", "per-chunk MB/s", "safe x per-chunk", "per-sample rows/s", "safe rows/s",
               "safe x per-sample"},
              {}};
  for (const Case& c : cases) {
    const double mb = static_cast<double>(c.w.payload_bytes(c.w.rows)) / 1e6;
    const auto mbps = [&](const std::vector<double>& runs) {
      const double s = Case::seconds(runs);
      return s > 0 ? fixed(mb / s, 0) : std::string("failed");
    };
    const auto x = [](double ratio) { return ratio > 0 ? fixed(ratio, 2) : std::string("-"); };
    const double safe_s = Case::seconds(c.safe);
    const double safe_rows = safe_s > 0 ? static_cast<double>(c.w.rows) / safe_s : 0;
    const double sample_rows = c.per_sample.rows > 0 ? c.per_sample.rows_per_s() : 0;
    table.rows.push_back(
        {std::to_string(c.w.channels), size_text(c.w.chunk_bytes), mbps(c.raw), mbps(c.safe),
         x(Case::speedup(c.safe, c.raw)), mbps(c.plain), x(Case::speedup(c.plain, c.raw)),
         mbps(c.per_chunk), x(Case::speedup(c.safe, c.per_chunk)),
         sample_rows > 0 ? grouped(sample_rows) : "failed", grouped(safe_rows),
         sample_rows > 0 && safe_rows > 0 ? grouped(safe_rows / sample_rows) : "-"});
  }
  table.print();

  // Goals, with crash safety on: the worst channel count of each chunk size.
  for (size_t chunk : chunk_sizes) {
    double vs_raw = 1e9, vs_chunk = 1e9;
    bool measured = true;
    for (const Case& c : cases) {
      if (c.w.chunk_bytes != chunk) continue;
      const double raw = Case::speedup(c.safe, c.raw), chunked = Case::speedup(c.safe, c.per_chunk);
      if (raw <= 0 || chunked <= 0) measured = false;
      vs_raw = std::min(vs_raw, raw);
      vs_chunk = std::min(vs_chunk, chunked);
    }
    const std::string size =
        chunk >= kMiB ? std::to_string(chunk / kMiB) + "MiB" : std::to_string(chunk / kKiB) + "KiB";
    const double raw_target = chunk == kMiB ? 0.9 : chunk == 64 * kKiB ? 0.8 : 0;
    if (!measured) {
      goals.unmeasured(GoalKind::kTiming, "ingest-" + size + "-vs-per-chunk-hdf5", "a run failed",
                       ">1.00x");
      continue;
    }
    if (raw_target > 0) {
      goals.add(GoalKind::kTiming, "ingest-" + size + "-vs-raw-write-fsync", vs_raw >= raw_target,
                fixed(vs_raw, 2) + "x", ">=" + fixed(raw_target, 2) + "x");
    }
    goals.add(GoalKind::kTiming, "ingest-" + size + "-vs-per-chunk-hdf5", vs_chunk > 1.0,
              fixed(vs_chunk, 2) + "x", ">1.00x");
  }
}

}  // namespace h5rec::bench
