// The exhaustive power-cut sweep (issue 4): a power cut after EVERY write of a traced recording,
// each with several tearing variants, must leave files that recovery brings back with every
// checkpointed row present and bit-exact.
//
// 1. Records a small recording on the sim platform (virtual clock, SimStorage over a temporary
//    directory): three rate groups of counter channels (values exactly start + step * i), a
//    checkpoint every 0.25 s and a rotation every second, with SimStorage tracing every mutating
//    operation and the checkpoint observer marking the trace with the rows then durable.
// 2. Replays the trace into a CrashModel. Right after every traced pwrite (write index k = 1..W),
//    and after every truncate, fsync, rename and unlink (index W + j for the j-th of them), it
//    takes V crash images: variant v uses seed = base_seed + index * V + v and the tearing mix
//    kTearings[v % 4] (which writes since each file's last fsync are kept, lost or torn at
//    512-byte sectors). Each image is written into a fresh directory and journal::recover_path
//    runs on it: no file may be unrecoverable.
// 3. Every batch of images goes, as a JSON-lines manifest, to verify_crash_images.py, which reads
//    them with h5py (no SWMR, no h5clear) and h5dump: every group's rows must be those of the
//    last checkpoint marked before the cut or of the next one (whose commit may be durable
//    before its mark is traced), every value bit-exact. It runs while the next batch is made.
//
// Usage: power_cut_sweep --python PYTHON --verifier verify_crash_images.py [--variants V]
//          [--seconds S] [--seed S] [--batch N] [--full] [--trace FILE] [--only IMAGE]
//          [--keep DIR]
// H5REC_FULL_POWER_CUT_SWEEP=1 (or --full) runs the full sweep: a longer recording (more
// checkpoints and rotations) and more variants.
//
// Replaying a failure: the recording's writes depend on thread timing (which rows a writer poll
// sees at one instant of virtual time), so a failing run saves its trace and prints the command
// that rebuilds one image from it: --trace FILE --seed S --variants V --only w00346v01 --keep DIR
// leaves DIR/w00346v01/crash (as the cut left it) and DIR/w00346v01/recovered.
#include <stdlib.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/crash_model.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/recorder.hpp"
#include "scratch_storage.hpp"
#include "tests/support/temp_directory.hpp"
#include "trace_file.hpp"

namespace h5rec::fault {
namespace {

namespace fs = std::filesystem;
using platform::TraceOp;

// ---- The recording ----------------------------------------------------------------------------

struct ChannelSpec {
  const char* name;
  const char* dtype;
  int components;  // 1: scalar
  double start;    // counter sensor: value = start + step * i (exact in the dtype)
  double step;
};

struct GroupSpec {
  const char* name;
  double rate_hz;
  std::vector<ChannelSpec> channels;
};

// Three rate groups; float values are multiples of 1/4, so exact in float64.
std::vector<GroupSpec> recording_groups() {
  return {
      {"fast", 200.0, {{"c", "int64", 1, 0, 1}, {"v", "float64", 2, 0.5, 0.25}}},
      {"mid", 10.0, {{"c", "int64", 1, 0, 1}, {"s", "int32", 1, -1000, 7}}},
      {"slow", 1.0, {{"c", "int64", 1, 0, 1}}},
  };
}

constexpr double kCheckpointIntervalS = 0.25;
constexpr double kSegmentDurationS = 1.0;

std::string config_text(const std::string& dir) {
  std::string text =
      "device_id = \"cut\"\noutput_dir = \"" + dir +
      "\"\ncheckpoint_interval = " + std::to_string(kCheckpointIntervalS) +
      "\nstatus_interval = 0.5\nsegment_duration = " + std::to_string(kSegmentDurationS) +
      "\nring_seconds = 4.0\n";
  for (const GroupSpec& g : recording_groups()) {
    text += "\n[[group]]\nname = \"" + std::string(g.name) +
            "\"\nrate_hz = " + std::to_string(g.rate_hz) + "\n";
    for (const ChannelSpec& c : g.channels) {
      text += "  [[group.channel]]\n  name = \"" + std::string(c.name) +
              "\"\n  sensor = \"counter\"\n  dtype = \"" + c.dtype +
              "\"\n  params = { start = " + std::to_string(c.start) +
              ", step = " + std::to_string(c.step) + " }\n";
      if (c.components > 1) text += "  shape = [" + std::to_string(c.components) + "]\n";
    }
  }
  return text;
}

// The verifier's description of the recording (verify_crash_images.py).
std::string spec_json(int64_t t0_ns) {
  std::string spec = "{\"t0_ns\": " + std::to_string(t0_ns) + ", \"dump_every\": 25, \"groups\": [";
  const std::vector<GroupSpec> groups = recording_groups();
  for (size_t g = 0; g < groups.size(); ++g) {
    spec += std::string(g ? ", " : "") + "{\"name\": \"" + groups[g].name +
            "\", \"rate_hz\": " + std::to_string(groups[g].rate_hz) + ", \"channels\": [";
    for (size_t c = 0; c < groups[g].channels.size(); ++c) {
      const ChannelSpec& ch = groups[g].channels[c];
      spec += std::string(c ? ", " : "") + "{\"name\": \"" + ch.name + "\", \"dtype\": \"" +
              ch.dtype + "\", \"components\": " + std::to_string(ch.components) +
              ", \"start\": " + std::to_string(ch.start) +
              ", \"step\": " + std::to_string(ch.step) + "}";
    }
    spec += "]}";
  }
  return spec + "]}\n";
}

// Tearing mixes, one per variant in turn: per pending 4 KiB piece, P(lost) and P(torn).
constexpr platform::TearOptions kTearings[] = {
    {0.3, 0.3},  // the crash model's default mix
    {0.0, 1.0},  // every unsynced page torn at 512-byte sectors
    {0.5, 0.0},  // pages kept or lost whole: reordering without tearing
    {0.1, 0.1},  // most pages reach the medium
};
constexpr size_t kTearingCount = sizeof kTearings / sizeof kTearings[0];

// ---- Options ----------------------------------------------------------------------------------

struct Options {
  std::string python;
  std::string verifier;
  uint64_t seed = 20260104;
  uint64_t variants = 0;  // 0: the mode's default
  double seconds = 0;     // 0: the mode's default
  size_t batch = 200;
  bool full = false;
  std::string trace;  // replay this saved trace instead of recording one
  std::string only;   // only this image (e.g. "w00346v01")
  std::string keep;   // keep every image here (for rebuilding a few), not deleted
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "power_cut_sweep: %s\nusage: power_cut_sweep --python PYTHON --verifier SCRIPT "
               "[--variants V] [--seconds S] [--seed S] [--batch N] [--full] [--trace FILE] "
               "[--only IMAGE] [--keep DIR]\n",
               why.c_str());
  std::exit(2);
}

uint64_t parse_count(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (text.empty() || *end != '\0') usage(flag + " wants a number, not '" + text + "'");
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(flag + " wants a value");
      return argv[++i];
    };
    if (flag == "--python") {
      o.python = value();
    } else if (flag == "--verifier") {
      o.verifier = value();
    } else if (flag == "--seed") {
      o.seed = parse_count(value(), flag);
    } else if (flag == "--variants") {
      o.variants = parse_count(value(), flag);
    } else if (flag == "--seconds") {
      o.seconds = std::strtod(value().c_str(), nullptr);
    } else if (flag == "--batch") {
      o.batch = parse_count(value(), flag);
    } else if (flag == "--full") {
      o.full = true;
    } else if (flag == "--trace") {
      o.trace = value();
    } else if (flag == "--only") {
      o.only = value();
    } else if (flag == "--keep") {
      o.keep = value();
    } else {
      usage("unknown argument '" + flag + "'");
    }
  }
  if (o.python.empty() || o.verifier.empty()) usage("--python and --verifier are required");
  if (const char* env = std::getenv("H5REC_FULL_POWER_CUT_SWEEP"); env && std::string(env) == "1") {
    o.full = true;
  }
  if (o.variants == 0) o.variants = o.full ? 16 : 3;
  if (o.seconds <= 0) o.seconds = o.full ? 6.5 : 2.5;
  if (o.batch == 0) o.batch = 1;
  return o;
}

// ---- Helpers ----------------------------------------------------------------------------------

// Removed at the end of a sweep that passed (run), else left to look at.
std::string make_temp_root() {
  testing::TempDirectory root("h5rec-power-cut");
  root.keep();
  return root.path();
}

std::string rows_json(const std::vector<uint64_t>& rows) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + std::to_string(rows[i]);
  return out + "]";
}

// A checkpoint mark's label: "rows 12,3,1,2" (per group, then /_status).
std::string mark_label(const std::vector<uint64_t>& rows) {
  std::string out = "rows ";
  for (size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + std::to_string(rows[i]);
  return out;
}

std::vector<uint64_t> rows_of_mark(const std::string& label) {
  std::vector<uint64_t> rows;
  if (label.rfind("rows ", 0) != 0) return rows;
  const char* p = label.c_str() + 5;
  while (*p != '\0') {
    char* end = nullptr;
    rows.push_back(std::strtoull(p, &end, 10));
    p = *end == ',' ? end + 1 : end;
  }
  return rows;
}

// FNV-1a over the trace: tells whether two runs saw the same trace.
uint64_t fingerprint(const std::vector<TraceOp>& trace) {
  uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](const void* data, size_t n) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ bytes[i]) * 1099511628211ULL;
  };
  for (const TraceOp& op : trace) {
    const int kind = op.kind;
    mix(&kind, sizeof kind);
    mix(op.path.data(), op.path.size());
    mix(op.to.data(), op.to.size());
    mix(&op.offset, sizeof op.offset);
    mix(&op.size, sizeof op.size);
    mix(op.data.data(), op.data.size());
    mix(op.label.data(), op.label.size());
  }
  return h;
}

const char* kind_name(TraceOp::Kind kind) {
  switch (kind) {
    case TraceOp::kCreate:
      return "create";
    case TraceOp::kWrite:
      return "write";
    case TraceOp::kTruncate:
      return "truncate";
    case TraceOp::kFsync:
      return "fsync";
    case TraceOp::kRename:
      return "rename";
    case TraceOp::kUnlink:
      return "unlink";
    case TraceOp::kMark:
      return "mark";
  }
  return "?";
}

int run_command(const std::string& command) {
  std::fflush(stdout);
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool write_image(const std::map<std::string, std::vector<std::byte>>& image,
                 const std::string& from_dir, const std::string& to_dir) {
  fs::create_directories(to_dir);
  for (const auto& [path, bytes] : image) {
    if (path.rfind(from_dir + "/", 0) != 0) {
      std::printf("power_cut_sweep: FAIL: traced file '%s' outside '%s'\n", path.c_str(),
                  from_dir.c_str());
      return false;
    }
    const std::string to = to_dir + path.substr(from_dir.size());
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::printf("power_cut_sweep: FAIL: cannot write '%s'\n", to.c_str());
      return false;
    }
  }
  return true;
}

// ---- Batches ----------------------------------------------------------------------------------

// Images of one batch: written, recovered, listed in a manifest, then checked by the verifier
// (on its own thread, while the next batch is made) and deleted when they pass.
class Batches {
 public:
  Batches(const Options& options, std::string root, std::string spec)
      : options_(options), root_(std::move(root)), spec_(std::move(spec)) {}
  ~Batches() { (void)finish(); }
  Batches(const Batches&) = delete;
  Batches& operator=(const Batches&) = delete;

  // The directory for the next image of the current batch.
  std::string next_image_dir(const std::string& name) {
    if (manifest_ == nullptr) open_batch();
    return (options_.keep.empty() ? dir_ : options_.keep) + "/" + name;
  }
  void add(const std::string& manifest_line) {
    std::fprintf(manifest_, "%s\n", manifest_line.c_str());
    if (++in_batch_ == options_.batch) close_batch();
  }
  // Waits for every verifier; returns the number of batches that failed.
  [[nodiscard]] uint64_t finish() {
    if (manifest_ != nullptr) close_batch();
    wait_verifier();
    return failed_batches_;
  }
  double verifier_wait_s() const { return wait_s_; }

 private:
  void open_batch() {
    dir_ = root_ + "/batch" + std::to_string(number_++);
    fs::create_directories(dir_);
    manifest_path_ = dir_ + "/manifest.jsonl";
    manifest_ = std::fopen(manifest_path_.c_str(), "w");
    if (manifest_ == nullptr) {
      std::perror(manifest_path_.c_str());
      std::exit(1);
    }
    in_batch_ = 0;
  }
  void close_batch() {
    std::fclose(manifest_);
    manifest_ = nullptr;
    wait_verifier();
    const std::string command =
        options_.python + " '" + options_.verifier + "' '" + spec_ + "' '" + manifest_path_ + "'";
    verifier_ = std::thread([this, command, dir = dir_, keep = !options_.keep.empty()] {
      const int rc = run_command(command);
      if (rc != 0) {
        std::printf("power_cut_sweep: verifier failed (exit %d) on %s\n", rc, dir.c_str());
        ++failed_batches_;
      }
      std::error_code ignored;
      if (rc == 0 && !keep) fs::remove_all(dir, ignored);
    });
  }
  void wait_verifier() {
    if (!verifier_.joinable()) return;
    const auto t0 = std::chrono::steady_clock::now();
    verifier_.join();
    wait_s_ += seconds_since(t0);
  }

  const Options& options_;
  const std::string root_;
  const std::string spec_;
  std::FILE* manifest_ = nullptr;
  std::string dir_;
  std::string manifest_path_;
  size_t in_batch_ = 0;
  uint64_t number_ = 0;
  std::thread verifier_;
  std::atomic<uint64_t> failed_batches_{0};
  double wait_s_ = 0;
};

// ---- The sweep --------------------------------------------------------------------------------

// Records the traced recording into rec_dir.
Result<SavedTrace> record_trace(const Options& options, const std::string& rec_dir) {
  auto parsed = config::parse_config(config_text(rec_dir), "power_cut_sweep.toml");
  if (!parsed) return parsed.error();
  platform::SimClock clock;
  platform::PosixStorage disk;
  platform::SimStorage storage(disk, clock);
  auto recorder = Recorder::create(parsed.value(), clock, storage, board::sensor_factory());
  if (!recorder) return recorder.error();
  recorder.value()->set_checkpoint_observer(
      [&storage](const WriterStats& stats) { storage.mark(mark_label(stats.rows_stored)); });
  SavedTrace saved;
  saved.recording_dir = rec_dir;
  saved.t0_ns = clock.realtime_ns();  // the virtual clock stands still until run() starts
  storage.start_trace();
  const std::atomic<bool> never{false};
  auto summary = recorder.value()->run(static_cast<int64_t>(options.seconds * 1e9), never);
  if (!summary) return Error{"recording failed: " + summary.message()};
  saved.ops = storage.trace();
  // The final checkpoint is marked too, and closing the last segment adds no rows.
  std::vector<uint64_t> last_marked;
  for (const TraceOp& op : saved.ops) {
    if (op.kind == TraceOp::kMark) last_marked = rows_of_mark(op.label);
  }
  if (last_marked != summary.value().writer.rows_stored) {
    return Error{"the last checkpoint mark " + rows_json(last_marked) +
                 " differs from the recording's rows " +
                 rows_json(summary.value().writer.rows_stored)};
  }
  return saved;
}

struct Totals {
  uint64_t images = 0;
  uint64_t recovered = 0, clean = 0, discarded = 0;
  uint64_t failures = 0;  // unrecoverable or live files, recover_path errors
};

int run(const Options& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string root = make_temp_root();
  std::printf(
      "power_cut_sweep: %s sweep (H5REC_FULL_POWER_CUT_SWEEP=%d): %.2f s recording, %" PRIu64
      " variants per cut (tearing mixes lose/tear:",
      options.full ? "full" : "default", options.full ? 1 : 0, options.seconds, options.variants);
  for (size_t t = 0; t < kTearingCount && t < options.variants; ++t) {
    std::printf(" %.1f/%.1f", kTearings[t].lose, kTearings[t].tear);
  }
  std::printf("), base seed %" PRIu64 ", batches of %zu, in %s\n", options.seed, options.batch,
              root.c_str());

  // 1. The traced recording (or a saved one).
  auto got =
      options.trace.empty() ? record_trace(options, root + "/rec") : load_trace(options.trace);
  if (!got) {
    std::printf("power_cut_sweep: FAIL: %s\n", got.message().c_str());
    return 1;
  }
  const SavedTrace& saved = got.value();
  const std::vector<TraceOp>& trace = saved.ops;
  const std::string& rec_dir = saved.recording_dir;

  std::vector<std::vector<uint64_t>> mark_rows;  // rows durable at each mark, in trace order
  std::set<std::string> segments;
  std::map<std::string, uint64_t> kinds;
  uint64_t writes = 0;
  for (const TraceOp& op : trace) {
    ++kinds[kind_name(op.kind)];
    if (op.kind == TraceOp::kMark) mark_rows.push_back(rows_of_mark(op.label));
    if (op.kind == TraceOp::kWrite) ++writes;
    if (op.kind == TraceOp::kCreate && op.path.ends_with(".h5")) segments.insert(op.path);
  }
  const size_t columns = recording_groups().size() + 1;  // the groups, then /_status
  std::string kind_counts;
  for (const auto& [kind, count] : kinds) {
    kind_counts += (kind_counts.empty() ? "" : ", ") + std::to_string(count) + " " + kind;
  }
  std::printf(
      "power_cut_sweep: %s %zu segments, %zu checkpoints, rows %s; trace of %zu "
      "operations (%s), fingerprint %016" PRIx64 " (%.1f s)\n",
      options.trace.empty() ? "recorded" : "loaded a trace of", segments.size(), mark_rows.size(),
      mark_rows.empty() ? "[]" : rows_json(mark_rows.back()).c_str(), trace.size(),
      kind_counts.c_str(), fingerprint(trace), seconds_since(started));
  bool marks_ok = mark_rows.size() >= 4;
  for (const auto& rows : mark_rows) marks_ok = marks_ok && rows.size() == columns;
  if (segments.size() < 2 || !marks_ok) {
    std::printf(
        "power_cut_sweep: FAIL: the recording needs a rotation and several checkpoints, "
        "each marked with the rows of every group and /_status\n");
    return 1;
  }
  const std::vector<uint64_t>& final_rows = mark_rows.back();
  const auto save_for_replay = [&] {
    if (!options.trace.empty()) return;
    const std::string path = root + "/trace.bin";
    if (Status s = save_trace(path, saved); !s) {
      std::printf("power_cut_sweep: %s\n", s.message().c_str());
      return;
    }
    std::printf(
        "power_cut_sweep: trace saved; rebuild a failing image with: power_cut_sweep "
        "--python %s --verifier %s --trace %s --seed %" PRIu64 " --variants %" PRIu64
        " --only IMAGE --keep DIR\n",
        options.python.c_str(), options.verifier.c_str(), path.c_str(), options.seed,
        options.variants);
  };

  const std::string spec_path = root + "/spec.json";
  std::ofstream(spec_path) << spec_json(saved.t0_ns);

  // 2. A cut after every write (and every other mutating operation), every variant.
  Batches batches(options, root, spec_path);
  Totals totals;
  ScratchStorage image_storage;  // recovery's fsyncs are no-ops on throwaway images
  platform::CrashModel model;
  if (options.only.empty() && fs::is_directory(rec_dir)) {
    // The finished recording itself must verify too (it closed cleanly).
    (void)batches.next_image_dir("reference");
    batches.add("{\"image\": \"reference\", \"dir\": \"" + rec_dir +
                "\", \"cut\": \"none (the finished recording)\", \"variant\": 0, \"seed\": 0, "
                "\"lo\": " +
                rows_json(final_rows) + ", \"hi\": " + rows_json(final_rows) + "}");
  }
  uint64_t write_index = 0;
  uint64_t other_index = 0;  // truncates, fsyncs, renames and unlinks
  size_t marks_passed = 0;
  const std::vector<uint64_t> no_rows(columns, 0);
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceOp& op = trace[i];
    platform::replay(op, model);
    if (op.kind == TraceOp::kMark) ++marks_passed;
    if (op.kind == TraceOp::kMark || op.kind == TraceOp::kCreate) continue;
    const bool is_write = op.kind == TraceOp::kWrite;
    const uint64_t index = is_write ? ++write_index : writes + ++other_index;
    const std::string cut = std::string("after ") + kind_name(op.kind) + " #" +
                            std::to_string(is_write ? write_index : other_index) + " (operation " +
                            std::to_string(i + 1) + " of " + std::to_string(trace.size()) + ", " +
                            fs::path(op.path).filename().string() + ")";
    // At least the last marked checkpoint; at most the next (committed, not yet marked).
    const std::vector<uint64_t>& lo = marks_passed ? mark_rows[marks_passed - 1] : no_rows;
    const std::vector<uint64_t>& hi =
        marks_passed < mark_rows.size() ? mark_rows[marks_passed] : mark_rows.back();
    for (uint64_t v = 0; v < options.variants; ++v) {
      char name[64];
      std::snprintf(name, sizeof name, "%c%05" PRIu64 "v%02" PRIu64, is_write ? 'w' : 'o',
                    is_write ? write_index : other_index, v);
      if (!options.only.empty() && options.only != name) continue;
      const uint64_t seed = options.seed + index * options.variants + v;
      const platform::TearOptions& tear = kTearings[v % kTearingCount];
      const std::string dir = batches.next_image_dir(name);
      const auto image = model.crash_image(seed, tear);
      const std::string image_dir = options.keep.empty() ? dir : dir + "/recovered";
      if (!write_image(image, rec_dir, image_dir)) return 1;
      if (!options.keep.empty() && !write_image(image, rec_dir, dir + "/crash")) return 1;
      ++totals.images;
      const std::string what = std::string(name) + " (" + cut + ", variant " + std::to_string(v) +
                               ", seed " + std::to_string(seed) + ")";
      // The recorder is done, so no other thread uses HDF5 while recovery does.
      auto reports = journal::recover_path(image_storage, image_dir);
      if (!reports) {
        ++totals.failures;
        std::printf("power_cut_sweep: FAIL image %s: recover_path: %s\n", what.c_str(),
                    reports.message().c_str());
        continue;
      }
      std::string outcomes;
      for (const journal::RecoveryReport& r : reports.value()) {
        const std::string file = fs::path(r.path).filename().string();
        switch (r.outcome) {
          case journal::RecoveryOutcome::kRecovered:
            ++totals.recovered;
            break;
          case journal::RecoveryOutcome::kClean:
            ++totals.clean;
            break;
          case journal::RecoveryOutcome::kDiscarded:
            ++totals.discarded;
            break;
          case journal::RecoveryOutcome::kLive:
          case journal::RecoveryOutcome::kUnrecoverable:
            ++totals.failures;
            std::printf("power_cut_sweep: FAIL image %s: %s %s: %s\n", what.c_str(), file.c_str(),
                        journal::describe(r.outcome), r.detail.c_str());
            break;
        }
        outcomes +=
            (outcomes.empty() ? "\"" : ", \"") + file + ": " + journal::describe(r.outcome) + "\"";
      }
      batches.add("{\"image\": \"" + std::string(name) + "\", \"dir\": \"" + image_dir +
                  "\", \"cut\": \"" + cut + "\", \"variant\": " + std::to_string(v) +
                  ", \"seed\": " + std::to_string(seed) + ", \"lo\": " + rows_json(lo) +
                  ", \"hi\": " + rows_json(hi) + ", \"recovery\": [" + outcomes + "]}");
    }
  }
  const double made_s = seconds_since(started);
  const uint64_t failed_batches = batches.finish();
  std::printf("power_cut_sweep: %" PRIu64
              " images made and recovered in %.1f s; verified at "
              "%.1f s (%.1f s of it waiting for the verifier)\n",
              totals.images, made_s, seconds_since(started), batches.verifier_wait_s());

  const bool ok = totals.failures == 0 && failed_batches == 0;
  if (!ok) save_for_replay();
  if (ok && options.keep.empty()) {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  } else {
    std::printf("power_cut_sweep: files left in %s\n", root.c_str());
  }
  if (!ok) {
    std::printf("power_cut_sweep: FAILED: %" PRIu64
                " unrecoverable files or recovery errors, "
                "%" PRIu64 " batches failed verification (base seed %" PRIu64 ", %" PRIu64
                " variants%s)\n",
                totals.failures, failed_batches, options.seed, options.variants,
                options.full ? ", full sweep" : "");
    return 1;
  }
  if (!options.only.empty()) {
    std::printf("power_cut_sweep: image %s: %" PRIu64 " made, recovered and verified\n",
                options.only.c_str(), totals.images);
    return totals.images == 1 ? 0 : 1;
  }
  std::printf("power-cut sweep: %" PRIu64 " crash images from %" PRIu64 " write indices x %" PRIu64
              " variants (and %" PRIu64 " truncates, fsyncs, renames and unlinks x %" PRIu64
              ") (seed %" PRIu64 "): %" PRIu64 " recovered, %" PRIu64 " clean, %" PRIu64
              " discarded, 0 unrecoverable segment files; every checkpointed row present and "
              "bit-exact\n",
              totals.images, writes, options.variants, other_index, options.variants, options.seed,
              totals.recovered, totals.clean, totals.discarded);
  return 0;
}

}  // namespace
}  // namespace h5rec::fault

int main(int argc, char** argv) {
  // Whole lines: the verifier, a child process, prints to the same stdout meanwhile.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return h5rec::fault::run(h5rec::fault::parse_options(argc, argv));
}
