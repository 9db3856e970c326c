// The recorder under storage faults (issue 4): stalls, EIO, short writes, failing fsyncs and a
// full card, injected by SimStorage at chosen virtual times during whole recordings on the
// SimClock. Every case checks with h5py (verify_segments.py, not h5rec's reader) that
//   * every segment opens read-only with HDF5's default driver (given-up segments after the
//     recovery the recorder ran, or, where that could not write, after journal::recover_file);
//   * along the chain of segments every group's rows are exactly the counter values, with gaps
//     only where rows were dropped, and the last /_status/<group>_dropped_rows equals rows due
//     (duration x rate) minus rows stored, exactly;
//   * a closed segment is never modified: its bytes when it was first seen closed equal its
//     bytes at the end (or it was deleted by retention, whose copy then stands in for it).
// Faults are changed by a test thread attached to the virtual clock (started at the first
// checkpoint, while the writer thread holds the clock still), so their times are exact.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <latch>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "board/sensor_factory.hpp"
#include "recorder/chunk_sizing.hpp"
#include "recorder/journal/recovery.hpp"
#include "tests/integration/recording_test_support.hpp"

namespace h5rec::testing {
namespace {

namespace fs = std::filesystem;
using platform::Fault;
using platform::FaultOp;

constexpr int64_t kSecond = platform::kNsPerSecond;
constexpr const char* kDevice = "fault-dev";
constexpr double kFastHz = 1000;
constexpr double kSlowHz = 10;

// A scripted instant: `seconds` after the start plus 0.3 ms. Samplers wake on whole
// milliseconds and the writer on 20 ms polls, so no recorder thread runs at the same virtual
// instant as the script and the outcome does not depend on thread order.
int64_t at_s(double seconds) { return std::llround(seconds * 1e9) + 300'000; }

struct RecordingSetup {
  double checkpoint_interval = 0.5;
  double ring_seconds = 10.0;
  double segment_duration = 3600;
  uint64_t min_free_bytes = 0;
  uint64_t max_total_bytes = 0;
};

// fast: 1 kHz, 63-row chunks at 0.5 s checkpoints; slow: 10 Hz, 16-row chunks. Counters only,
// so the value of row i is i and the verifier can tell every row's index.
std::string config_text(const std::string& dir, const RecordingSetup& s) {
  const auto number = [](auto value) {
    std::ostringstream out;
    out << value;
    return out.str();
  };
  return RecorderToml(kDevice, dir)
      .set("checkpoint_interval", number(s.checkpoint_interval))
      .set("status_interval", "0.25")
      .set("chunk_bytes", "4096")
      .set("ring_seconds", number(s.ring_seconds))
      .set("segment_duration", number(s.segment_duration))
      .set("min_free_bytes", number(s.min_free_bytes))
      .set("max_total_bytes", number(s.max_total_bytes))
      .groups(fast_slow_counter_groups())
      .text();
}

// Rows the fast group's ring holds (ring_chunks_for x chunk_rows_for, as the recorder sizes it).
uint64_t fast_ring_rows(const RecordingSetup& s) {
  const size_t chunk_rows = chunk_rows_for(kFastHz, s.checkpoint_interval, 8, 4096);
  return ring_chunks_for(kFastHz, s.ring_seconds, chunk_rows) * chunk_rows;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A segment file name of the device under test, <kDevice>_YYYYMMDDTHHMMSSZ[_N].h5 (written out
// here, not taken from the recorder). (No std::regex: GCC 12 warns inside it under the
// sanitizers, and the warning is an error.)
bool is_device_segment(const std::string& name) {
  const std::string prefix = std::string(kDevice) + "_";
  if (name.size() < prefix.size() + 19 || name.compare(0, prefix.size(), prefix) != 0 ||
      !ends_with(name, ".h5")) {
    return false;
  }
  const std::string stamp = name.substr(prefix.size(), 16);
  for (size_t i = 0; i < stamp.size(); ++i) {
    const bool digit = stamp[i] >= '0' && stamp[i] <= '9';
    if (i == 8 ? stamp[i] != 'T' : i == 15 ? stamp[i] != 'Z' : !digit) return false;
  }
  const std::string rest = name.substr(prefix.size() + 16, name.size() - prefix.size() - 19);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '_' || rest[1] == '0') return false;
  return rest.find_first_not_of("0123456789", 1) == std::string::npos;
}

// Where `text` holds `what`, the number right after each (0 where none follows).
std::vector<uint64_t> find_lines(const std::string& text, const std::string& what) {
  std::vector<uint64_t> numbers;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    numbers.push_back(std::strtoull(text.c_str() + at + what.size(), nullptr, 10));
  }
  return numbers;
}

// One recording on the sim platform with a script of actions at virtual times, and the
// bookkeeping of closed segments.
class FaultRecording {
 public:
  explicit FaultRecording(RecordingSetup setup) : setup_(setup) {}
  ~FaultRecording() {
    if (controller_.joinable()) controller_.join();
    // H5REC_FAULT_KEEP=DIR keeps the output of each case in DIR/<test name> for a closer look.
    if (const char* keep = std::getenv("H5REC_FAULT_KEEP")) {
      const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
      std::string name = test != nullptr ? test->name() : "recording";
      std::replace(name.begin(), name.end(), '/', '_');
      const fs::path to = fs::path(keep) / name;
      std::error_code ignored;
      fs::remove_all(to, ignored);
      fs::create_directories(to, ignored);
      fs::copy(dir_.path(), to / "output",
               fs::copy_options::recursive | fs::copy_options::copy_symlinks, ignored);
      fs::copy(shadow_.path(), to / "closed", fs::copy_options::recursive, ignored);
    }
  }

  // Runs `action` at virtual time `t_ns` after the start (not before the first checkpoint).
  void at(int64_t t_ns, std::string what, std::function<void()> action) {
    script_.push_back({t_ns, std::move(what), std::move(action)});
  }

  RecordingSummary record(double seconds) {
    std::stable_sort(script_.begin(), script_.end(),
                     [](const Step& a, const Step& b) { return a.t_ns < b.t_ns; });
    auto recorder = Recorder::create(parse_or_die(config_text(dir_.path(), setup_)), sim_.clock,
                                     sim_.storage, board::sensor_factory());
    if (!recorder) {
      ADD_FAILURE() << recorder.message();
      return {};
    }
    recorder.value()->set_checkpoint_observer([this](const WriterStats&) { on_checkpoint(); });
    recorder.value()->set_liveness_observer([this] {
      const double now = now_s();
      longest_liveness_gap_s_ = std::max(longest_liveness_gap_s_, now - last_alive_s_);
      last_alive_s_ = now;
    });
    const std::atomic<bool> never{false};
    std::atomic<bool> finished{false};
    std::thread watchdog([&] { watch_clock(finished); });
    auto summary = recorder.value()->run(static_cast<int64_t>(seconds * 1e9), never);
    finished = true;
    watchdog.join();
    if (controller_.joinable()) controller_.join();
    // Every segment is closed, given-up ones included: an HDF5 file left open would be closed
    // again when the library shuts down at exit, through a driver whose storage is gone.
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE), 0)
        << "HDF5 files still open after the recording";
    EXPECT_EQ(steps_done_, script_.size()) << "the script did not run to its end";
    if (!summary) {
      ADD_FAILURE() << summary.message();
      return {};
    }
    for (const GroupSummary& g : summary->groups) {
      std::cout << "  group " << g.name << ": " << g.rows_stored << " stored, " << g.rows_dropped
                << " dropped, " << g.rows_due << " due, high-water " << g.ring_high_water << "\n";
    }
    std::cout << "  " << summary->paths.size() << " segments, " << summary->writer.checkpoints
              << " checkpoints, " << summary->writer.storage_errors << " storage errors, "
              << summary->writer.segments_given_up << " given up\n";
    return summary.value();
  }

  platform::SimStorage& storage() { return sim_.storage; }
  // The longest time without a liveness call (what feeds systemd's watchdog), in seconds.
  double longest_liveness_gap_s() const { return longest_liveness_gap_s_; }
  const std::string& dir() const { return dir_.path(); }
  double now_s() const { return static_cast<double>(sim_.clock.monotonic_ns()) * 1e-9; }

  // The most bytes this device's segment files (the live one included) held together at a
  // checkpoint.
  uint64_t most_device_bytes() const { return most_device_bytes_; }

  // File name of the segment the live link points to ("" without one).
  std::string live_segment() const {
    std::error_code ec;
    const fs::path target =
        fs::read_symlink(fs::path(dir_.path()) / (std::string(kDevice) + "_live.h5"), ec);
    return ec ? std::string() : target.filename().string();
  }

  // Segments closed during the recording that retention deleted since.
  std::vector<std::string> deleted_segments() const {
    std::vector<std::string> out;
    for (const auto& [name, closed] : closed_) {
      if (!fs::exists(fs::path(dir_.path()) / name)) out.push_back(name);
    }
    return out;
  }

  // A closed segment is never modified: each one still present has the bytes (data file and
  // journal) it had when first seen closed.
  void expect_closed_segments_unchanged() const {
    for (const auto& [name, closed] : closed_) {
      const fs::path path = fs::path(dir_.path()) / name;
      const fs::path journal = path.string() + "-journal";
      if (!fs::exists(path)) {
        EXPECT_FALSE(closed.journal) << name << ": deleted with its journal still there";
        EXPECT_FALSE(fs::exists(journal)) << name << ": a journal left without its segment";
        continue;
      }
      EXPECT_TRUE(read_bytes(path) == closed.bytes) << name << " was modified after it was closed";
      if (closed.journal) {
        EXPECT_TRUE(fs::exists(journal) && read_bytes(journal) == *closed.journal)
            << name << "'s journal changed after the segment was closed";
      } else {
        EXPECT_FALSE(fs::exists(journal)) << name << " got a journal after it was closed";
      }
    }
  }

  // Recovers, like `h5rec recover` would, every segment still holding a journal (a given-up
  // segment whose recovery could not write while the card failed). Returns their names.
  std::vector<std::string> recover_leftovers() {
    std::vector<std::string> out;
    platform::PosixStorage disk;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (!ends_with(name, ".h5-journal")) continue;
      const std::string data = entry.path().string().substr(0, entry.path().string().size() - 8);
      const journal::RecoveryReport r = journal::recover_file(disk, data);
      std::cout << "  test-side recovery: " << r.path << ": " << journal::describe(r.outcome)
                << " (" << r.detail << ")\n";
      EXPECT_TRUE(r.outcome == journal::RecoveryOutcome::kRecovered ||
                  r.outcome == journal::RecoveryOutcome::kClean ||
                  r.outcome == journal::RecoveryOutcome::kDiscarded)
          << r.path << ": " << journal::describe(r.outcome) << ": " << r.detail;
      out.push_back(fs::path(data).filename().string());
    }
    return out;
  }

  // verify_segments.py over the output directory plus the copies of deleted segments; `args`
  // adds its options. Returns its exit code.
  int verify(const RecordingSummary& summary, double seconds, const std::string& args = "") {
    std::string command =
        std::string(H5REC_PYTHON) + " " + H5REC_FAULT_VERIFY_SCRIPT + " '" + dir_.path() + "'";
    for (const std::string& name : deleted_segments()) {
      command += " '" + (fs::path(shadow_.path()) / name).string() + "'";
    }
    for (const GroupSummary& g : summary.groups) {
      const double rate = g.name == "fast" ? kFastHz : kSlowHz;
      const auto due = static_cast<uint64_t>(std::llround(seconds * rate));
      EXPECT_EQ(g.rows_due, due) << g.name;
      EXPECT_EQ(g.rows_stored + g.rows_dropped, g.rows_due) << g.name;
      command += " --due " + g.name + "=" + std::to_string(due) + " --stored " + g.name + "=" +
                 std::to_string(g.rows_stored) + " --dropped " + g.name + "=" +
                 std::to_string(g.rows_dropped);
    }
    command += " " + args;
    std::fflush(stdout);
    std::cout.flush();
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

 private:
  struct Step {
    int64_t t_ns;
    std::string what;
    std::function<void()> action;
  };
  struct Closed {
    std::string bytes;
    std::optional<std::string> journal;
  };

  // The virtual clock stands still while any recorder thread runs. If it does not move for
  // kStuckSeconds of wall time, a thread is spinning without ever sleeping: the recording would
  // never end, so the test process ends here, saying so (ctest reports the failure). A hang
  // bound only: one legitimate step (a checkpoint, a rotation) under TSan or qemu on a loaded
  // machine may run for seconds with the clock standing still.
  void watch_clock(const std::atomic<bool>& finished) const {
    constexpr int kStuckSeconds = 60;
    int64_t last = sim_.clock.monotonic_ns();
    auto since = std::chrono::steady_clock::now();
    while (!finished.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const int64_t now = sim_.clock.monotonic_ns();
      if (now != last) {
        last = now;
        since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - since > std::chrono::seconds(kStuckSeconds)) {
        std::cout.flush();
        std::fprintf(stderr,
                     "FAIL: the virtual clock has been stuck at t=%.6f s for %d s of wall time: a "
                     "recorder thread runs without ever sleeping (busy loop); aborting the test\n",
                     static_cast<double>(now) * 1e-9, kStuckSeconds);
        std::fflush(stderr);
        std::_Exit(3);
      }
    }
  }

  // On the writer thread, after every completed checkpoint (the HDF5 lock held, the clock
  // standing still while this runs).
  void on_checkpoint() {
    if (!controller_.joinable() && !script_.empty()) {
      std::latch attached(1);
      controller_ = std::thread([this, &attached] {
        platform::ClockAttachment attachment(sim_.clock);
        attached.count_down();
        for (const Step& step : script_) {
          sim_.clock.sleep_until(step.t_ns);
          std::cout << "  t=" << now_s() << " s: " << step.what << "\n";
          step.action();
          ++steps_done_;
        }
      });
      attached.wait();  // attached while this thread holds the clock: no deadline is missed
    }
    note_closed_segments();
    uint64_t device_bytes = 0;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      if (!entry.is_symlink() && is_device_segment(entry.path().filename().string())) {
        device_bytes += entry.file_size();
      }
    }
    most_device_bytes_ = std::max(most_device_bytes_, device_bytes);
  }

  // Every segment other than the live one is closed: its bytes are taken the first time it is
  // seen, and a copy kept (in case retention deletes it).
  void note_closed_segments() {
    const std::string live = live_segment();
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (entry.is_symlink() || !is_device_segment(name) || name == live || closed_.count(name)) {
        continue;
      }
      Closed closed{read_bytes(entry.path()), std::nullopt};
      const fs::path journal = entry.path().string() + "-journal";
      if (fs::exists(journal)) closed.journal = read_bytes(journal);
      if (!closed.journal) fs::copy_file(entry.path(), fs::path(shadow_.path()) / name);
      closed_.emplace(name, std::move(closed));
    }
  }

  RecordingSetup setup_;
  TempDirectory dir_;
  TempDirectory shadow_;  // copies of closed segments
  SimPlatform sim_;
  std::vector<Step> script_;
  std::thread controller_;
  std::atomic<size_t> steps_done_{0};
  std::map<std::string, Closed> closed_;  // by file name; written by the writer thread only
  uint64_t most_device_bytes_ = 0;        // written by the writer thread only
  double last_alive_s_ = 0;  // liveness calls come on the thread that runs the recorder
  double longest_liveness_gap_s_ = 0;
};

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

// ---------------------------------------------------------------------------------------------
// Stalls

TEST(StorageFaults, StallsShorterThanTheRingLoseNoSample) {
  RecordingSetup setup;
  setup.ring_seconds = 10.0;
  setup.segment_duration = 4.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  rec.at(at_s(2.5), "2 s stall on the next write",
         [&] { storage.inject(Fault::stall(FaultOp::kWrite, 1, 2 * kSecond)); });
  rec.at(at_s(6.5), "2 s stall on the next fsync (a checkpoint)",
         [&] { storage.inject(Fault::stall(FaultOp::kFsync, 1, 2 * kSecond)); });
  rec.at(at_s(10.5), "2 s stall on the next open (the rotation at 12 s)",
         [&] { storage.inject(Fault::stall(FaultOp::kOpen, 1, 2 * kSecond)); });
  const double seconds = 20.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  for (const GroupSummary& g : summary.groups) EXPECT_EQ(g.rows_dropped, 0u) << g.name;
  EXPECT_GE(summary.groups[0].ring_high_water, 2000u) << "the stalls did not hold the writer up";
  EXPECT_EQ(summary.writer.segments_given_up, 0u);
  EXPECT_EQ(summary.writer.storage_errors, 0u);
  EXPECT_GE(summary.paths.size(), 4u);
  // The liveness calls (systemd's watchdog) pause while the writer is blocked, and only then.
  std::cout << "  longest time without a liveness call: " << rec.longest_liveness_gap_s() << " s\n";
  EXPECT_GE(rec.longest_liveness_gap_s(), 1.9);
  EXPECT_LE(rec.longest_liveness_gap_s(), 2.5);
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(
      rec.verify(summary, seconds,
                 "--max-dropped fast=0 --max-dropped slow=0 --min-segments 4 --status-gapless"),
      0);
}

TEST(StorageFaults, AStallLongerThanTheRingDropsRowsCountedExactly) {
  RecordingSetup setup;
  setup.ring_seconds = 1.0;
  setup.segment_duration = 4.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  const double stall_s = 3.0;
  rec.at(at_s(2.5), "3 s stall on the next write", [&] {
    storage.inject(Fault::stall(FaultOp::kWrite, 1, static_cast<int64_t>(stall_s * 1e9)));
  });
  rec.at(at_s(8.5), "3 s stall on the next fsync", [&] {
    storage.inject(Fault::stall(FaultOp::kFsync, 1, static_cast<int64_t>(stall_s * 1e9)));
  });
  const double seconds = 16.0;
  ::testing::internal::CaptureStderr();
  const RecordingSummary summary = rec.record(seconds);
  const std::string events = ::testing::internal::GetCapturedStderr();
  std::cout << events;
  ASSERT_EQ(summary.groups.size(), 2u);
  // Each stall's drops are said while they happen, and their end with what they cost: the
  // episodes of a group add up to its dropped rows.
  for (const GroupSummary& g : summary.groups) {
    const size_t starts = find_lines(events, "group " + g.name + ": rows are being dropped").size();
    const std::vector<uint64_t> ends =
        find_lines(events, "group " + g.name + ": rows are stored again (");
    const uint64_t episodes = ends.size();
    uint64_t dropped = 0;
    for (uint64_t n : ends) dropped += n;
    EXPECT_EQ(starts, episodes) << g.name;
    EXPECT_EQ(dropped, g.rows_dropped) << g.name;
    if (g.name == "fast") {
      EXPECT_EQ(episodes, 2u) << "one episode per stall";
    }
  }
  const GroupSummary& fast = summary.groups[0];
  // Each stall: the ring absorbs at most its capacity, the rest of the stall's rows drop.
  const uint64_t ring_rows = fast_ring_rows(setup);
  const auto stall_rows = static_cast<uint64_t>(stall_s * kFastHz);
  EXPECT_LE(fast.ring_high_water, ring_rows);
  EXPECT_GE(fast.rows_dropped, 2 * (stall_rows - ring_rows));
  EXPECT_LE(fast.rows_dropped, 2 * stall_rows);
  EXPECT_EQ(summary.writer.segments_given_up, 0u);
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(rec.verify(summary, seconds, "--min-dropped fast=1 --min-segments 3 --status-gapless"),
            0);
}

// ---------------------------------------------------------------------------------------------
// EIO

TEST(StorageFaults, PersistentEioGivesTheSegmentUpAndRecordingGoesOnInANewOne) {
  RecordingSetup setup;
  setup.ring_seconds = 10.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  std::string failing;
  rec.at(at_s(2.5), "EIO on every write to the live segment and its journal", [&] {
    failing = rec.live_segment();
    ASSERT_FALSE(failing.empty());
    storage.inject(Fault::failing(FaultOp::kWrite, 1, EIO).from_then_on().on_path(failing));
  });
  rec.at(at_s(5.5), "the card works again", [&] { storage.clear_faults(); });
  const double seconds = 10.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_EQ(summary.writer.segments_given_up, 1u);
  EXPECT_GE(summary.writer.storage_errors, static_cast<uint64_t>(Writer::kAttempts));
  ASSERT_GE(summary.paths.size(), 2u) << "no new segment after the failing one was given up";
  EXPECT_EQ(fs::path(summary.paths[0]).filename().string(), failing);
  rec.expect_closed_segments_unchanged();
  // The recorder's own recovery of the given-up segment could not write to it (its writes
  // still failed); recovery afterwards brings it back to its last checkpoint.
  for (const std::string& name : rec.recover_leftovers()) EXPECT_EQ(name, failing);
  EXPECT_EQ(rec.verify(summary, seconds, "--h5dump --min-segments 2"), 0);
}

TEST(StorageFaults, EioThreeTimesInARowGivesUpASegmentThatTheRecorderRecovers) {
  RecordingSetup setup;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  std::string failing;
  // Failed writes are held and retried by the next commit; what gives a segment up is commits
  // failing kAttempts times in a row: here each one's first fsync (the journal's).
  rec.at(at_s(3.5), "EIO on the next 3 fsyncs of the live segment (its journal)", [&] {
    failing = rec.live_segment();
    for (uint64_t nth = 1; nth <= Writer::kAttempts; ++nth) {
      storage.inject(Fault::failing(FaultOp::kFsync, nth, EIO).on_path(failing));
    }
  });
  const double seconds = 8.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_EQ(summary.writer.segments_given_up, 1u);
  EXPECT_EQ(summary.writer.storage_errors, static_cast<uint64_t>(Writer::kAttempts));
  ASSERT_EQ(summary.paths.size(), 2u);
  EXPECT_FALSE(fs::exists(summary.paths[0] + "-journal"))
      << "the recorder did not recover the segment it gave up";
  rec.expect_closed_segments_unchanged();
  EXPECT_TRUE(rec.recover_leftovers().empty());
  EXPECT_EQ(rec.verify(summary, seconds, "--h5dump --min-segments 2"), 0);
}

// One failing operation is retried: no segment given up, nothing dropped, every row stored.
struct OneShot {
  const char* name;
  const char* what;
  std::function<Fault(const std::string& live)> fault;
};

void PrintTo(const OneShot& c, std::ostream* os) { *os << c.what; }

class OneShotFaults : public ::testing::TestWithParam<OneShot> {};

TEST_P(OneShotFaults, AreRetriedWithoutLosingARow) {
  const OneShot& shot = GetParam();
  RecordingSetup setup;
  setup.segment_duration = 4.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  rec.at(at_s(2.5), shot.what, [&] { storage.inject(shot.fault(rec.live_segment())); });
  const double seconds = 6.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_EQ(summary.writer.segments_given_up, 0u);
  EXPECT_EQ(summary.writer.storage_errors, 1u);
  for (const GroupSummary& g : summary.groups) EXPECT_EQ(g.rows_dropped, 0u) << g.name;
  EXPECT_EQ(summary.paths.size(), 2u);
  rec.expect_closed_segments_unchanged();
  EXPECT_TRUE(rec.recover_leftovers().empty());
  EXPECT_EQ(rec.verify(summary, seconds, "--max-dropped fast=0 --max-dropped slow=0"), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, OneShotFaults,
    ::testing::Values(
        OneShot{"short_write_of_a_chunk", "short write (EIO) on the next write to the segment",
                [](const std::string& live) { return Fault::short_write(1, EIO).on_path(live); }},
        OneShot{"eio_on_a_chunk_write", "EIO on the next write to the segment",
                [](const std::string& live) {
                  return Fault::failing(FaultOp::kWrite, 1, EIO).on_path(live);
                }},
        OneShot{"eio_on_fsync", "EIO on the next fsync",
                [](const std::string&) { return Fault::failing(FaultOp::kFsync, 1, EIO); }},
        OneShot{
            "short_write_of_the_journal", "short write (EIO) on the next journal write",
            [](const std::string&) { return Fault::short_write(1, EIO).on_path(".h5-journal"); }}),
    [](const auto& test) { return std::string(test.param.name); });

// ---------------------------------------------------------------------------------------------
// ENOSPC

// A card with room for a few segments (each about 70 KB: 2 s of fast and slow rows): retention
// deletes the oldest closed segments whenever a write meets ENOSPC, never the live one.
TEST(StorageFaults, EnospcWithRetentionDeletesTheOldestClosedSegments) {
  RecordingSetup setup;
  setup.segment_duration = 2.0;
  setup.min_free_bytes = 1;  // retention on; only a full card (free < 1 byte) triggers it
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  uint64_t capacity = 0;
  rec.at(at_s(1.0), "a card with 250 KB left", [&] {
    capacity = storage.used_bytes() + 250'000;
    storage.set_capacity(capacity);
  });
  const double seconds = 20.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  for (const GroupSummary& g : summary.groups) EXPECT_EQ(g.rows_dropped, 0u) << g.name;
  EXPECT_EQ(summary.writer.segments_given_up, 0u);
  EXPECT_GE(summary.paths.size(), 10u);
  EXPECT_LE(storage.used_bytes(), capacity);
  // The oldest went first: what is left is the newest few segments, the last one among them.
  EXPECT_GE(rec.deleted_segments().size(), 3u);
  size_t kept_from = summary.paths.size();
  while (kept_from > 0 && fs::exists(summary.paths[kept_from - 1])) --kept_from;
  EXPECT_GE(kept_from, 3u) << "retention deleted fewer than 3 segments";
  for (size_t i = 0; i < kept_from; ++i) {
    EXPECT_FALSE(fs::exists(summary.paths[i])) << summary.paths[i] << " kept, a newer one deleted";
  }
  ASSERT_FALSE(summary.paths.empty());
  EXPECT_TRUE(fs::exists(summary.paths.back())) << "retention deleted the live segment";
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(rec.verify(summary, seconds, "--max-dropped fast=0 --max-dropped slow=0"), 0);
}

// max_total_bytes covers all of this device's segments, the live one included, at every
// checkpoint: retention runs after each one and reserves the live segment's growth until the next.
TEST(StorageFaults, MaxTotalBytesHoldsWithTheLiveSegmentAtEveryCheckpoint) {
  RecordingSetup setup;
  setup.segment_duration = 2.0;
  setup.max_total_bytes = 250'000;
  FaultRecording rec(setup);
  const double seconds = 16.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  for (const GroupSummary& g : summary.groups) EXPECT_EQ(g.rows_dropped, 0u) << g.name;
  EXPECT_EQ(summary.writer.storage_errors, 0u);
  EXPECT_LE(rec.most_device_bytes(), setup.max_total_bytes);
  EXPECT_GT(rec.most_device_bytes(), setup.max_total_bytes / 2) << "retention deleted too much";
  EXPECT_GE(rec.deleted_segments().size(), 3u);
  EXPECT_EQ(summary.deleted.size(), rec.deleted_segments().size());
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(rec.verify(summary, seconds, "--max-dropped fast=0 --max-dropped slow=0"), 0);
}

// A segment that alone would outgrow max_total_bytes rotates before it holds half of it, so the
// older half can go while the newer is kept.
TEST(StorageFaults, MaxTotalBytesRotatesEarlyWhenSegmentsAreLong) {
  RecordingSetup setup;
  setup.segment_duration = 3600;
  setup.max_total_bytes = 250'000;
  FaultRecording rec(setup);
  const double seconds = 16.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  for (const GroupSummary& g : summary.groups) EXPECT_EQ(g.rows_dropped, 0u) << g.name;
  EXPECT_GE(summary.paths.size(), 3u) << "no rotation before the limit";
  EXPECT_LE(rec.most_device_bytes(), setup.max_total_bytes);
  EXPECT_GE(rec.deleted_segments().size(), 1u);
  ASSERT_FALSE(summary.paths.empty());
  EXPECT_TRUE(fs::exists(summary.paths.back())) << "retention deleted the live segment";
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(rec.verify(summary, seconds, "--max-dropped fast=0 --max-dropped slow=0"), 0);
}

// Another device recording into the same directory, its id this device's plus a suffix (the
// audit's `st` / `st_b`): retention and start-up recovery leave its files alone, however old.
TEST(StorageFaults, RetentionNeverTouchesAnotherDevicesSegments) {
  RecordingSetup setup;
  setup.segment_duration = 2.0;
  setup.max_total_bytes = 250'000;
  FaultRecording rec(setup);
  const fs::path other = fs::path(rec.dir()) / (std::string(kDevice) + "_2_20200101T000000Z.h5");
  const fs::path crashed = fs::path(rec.dir()) / (std::string(kDevice) + "_2_20200102T000000Z.h5");
  const std::string other_bytes(200'000, 'o');
  const std::string crashed_bytes(1'000, 'c');
  const std::vector<std::pair<fs::path, std::string>> foreign{
      {other, other_bytes},
      {crashed, crashed_bytes},
      {crashed.string() + "-journal", crashed_bytes}};
  for (const auto& [path, bytes] : foreign) std::ofstream(path, std::ios::binary) << bytes;
  const double seconds = 12.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_GE(rec.deleted_segments().size(), 2u) << "retention did not run";
  for (const std::string& path : summary.deleted) {
    EXPECT_TRUE(is_device_segment(fs::path(path).filename().string())) << "deleted " << path;
  }
  EXPECT_TRUE(fs::exists(other) && read_bytes(other) == other_bytes) << other;
  EXPECT_TRUE(fs::exists(crashed) && read_bytes(crashed) == crashed_bytes) << crashed;
  EXPECT_TRUE(fs::exists(crashed.string() + "-journal")) << "recovery took the other's journal";
  for (const fs::path& p : {other, crashed, fs::path(crashed.string() + "-journal")}) {
    fs::remove(p);  // verify_segments.py reads every .h5 in the directory
  }
  rec.expect_closed_segments_unchanged();
  EXPECT_EQ(rec.verify(summary, seconds, "--max-dropped fast=0 --max-dropped slow=0"), 0);
}

// No retention: the recorder closes the segment at its last checkpoint, stops writing (the
// samplers go on; rows beyond the ring drop, counted), and starts a new segment once the card
// has room again.
TEST(StorageFaults, EnospcWithoutRetentionPausesAndResumesInANewSegment) {
  RecordingSetup setup;
  setup.ring_seconds = 2.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  rec.at(at_s(1.0), "a card with 40 KB left",
         [&] { storage.set_capacity(storage.used_bytes() + 40'000); });
  const double resume_s = 9.0;
  rec.at(at_s(resume_s), "room again (capacity + 100 MB)",
         [&] { storage.set_capacity(storage.used_bytes() + 100'000'000); });
  const double seconds = 14.0;
  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_GE(summary.writer.segments_given_up, 1u);
  ASSERT_EQ(summary.paths.size(), 2u) << "recording did not resume in one new segment";
  // The pause outlasted the ring, so rows were dropped; none after the resume.
  const uint64_t ring_rows = fast_ring_rows(setup);
  EXPECT_GT(summary.groups[0].rows_dropped, 0u);
  EXPECT_LE(summary.groups[0].ring_high_water, ring_rows);
  rec.expect_closed_segments_unchanged();
  EXPECT_TRUE(rec.recover_leftovers().empty());
  EXPECT_EQ(rec.verify(summary, seconds, "--min-dropped fast=1 --min-segments 2 --h5dump"), 0);
  // The new segment started once the card had room (by the next 1 s retry): its name is its
  // UTC start, 2026-01-01T00:00:09Z or 10Z on the virtual clock.
  const std::string second = fs::path(summary.paths[1]).filename().string();
  EXPECT_TRUE(second == std::string(kDevice) + "_20260101T000009Z.h5" ||
              second == std::string(kDevice) + "_20260101T000010Z.h5")
      << second;
}

// ---------------------------------------------------------------------------------------------
// Everything at once, at random times: ENOSPC, EIO bursts and 2 s stalls during one recording.

uint64_t seed_from_env(uint64_t fallback) {
  const char* text = std::getenv("H5REC_FAULT_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 0) : fallback;
}

class MixedFaults : public ::testing::TestWithParam<uint64_t> {};

TEST_P(MixedFaults, EveryRowIsStoredOrCountedAsDropped) {
  const uint64_t seed = seed_from_env(GetParam());
  std::cout << "seed " << seed << " (replay: H5REC_FAULT_SEED=" << seed
            << " --gtest_filter='*MixedFaults*')\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  const auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng() >> 11) * 0x1.0p-53;
  };
  RecordingSetup setup;
  setup.ring_seconds = 3.0;
  setup.segment_duration = 3.0;
  FaultRecording rec(setup);
  auto& storage = rec.storage();
  const double seconds = 24.0;

  const double stall_at = uniform(1.0, 20.0);
  const FaultOp stall_op = (rng() & 1) != 0 ? FaultOp::kWrite : FaultOp::kFsync;
  rec.at(at_s(stall_at), std::string("2 s stall on the next ") + platform::fault_op_name(stall_op),
         [&storage, stall_op] { storage.inject(Fault::stall(stall_op, 1, 2 * kSecond)); });

  const double eio_at = uniform(1.0, 20.0);
  const double eio_s = uniform(0.02, 2.5);
  const bool eio_everywhere = (rng() & 1) != 0;
  rec.at(at_s(eio_at),
         "EIO on every write " +
             std::string(eio_everywhere ? "to any file" : "to the live segment") + " for " +
             seconds_text(eio_s) + " s",
         [&, eio_everywhere] {
           Fault fault = Fault::failing(FaultOp::kWrite, 1, EIO).from_then_on();
           if (!eio_everywhere) fault = fault.on_path(rec.live_segment());
           storage.inject(fault);
         });
  rec.at(at_s(eio_at + eio_s), "EIO ends (clear_faults)", [&] { storage.clear_faults(); });

  const double full_at = uniform(1.0, 18.0);
  const double full_s = uniform(0.5, 5.0);
  const auto room = static_cast<uint64_t>(uniform(0, 150'000));
  rec.at(at_s(full_at),
         "card full in " + std::to_string(room) + " bytes for " + seconds_text(full_s) + " s",
         [&, room] { storage.set_capacity(storage.used_bytes() + room); });
  rec.at(at_s(full_at + full_s), "room again",
         [&] { storage.set_capacity(storage.used_bytes() + 100'000'000); });

  const RecordingSummary summary = rec.record(seconds);
  ASSERT_EQ(summary.groups.size(), 2u);
  rec.expect_closed_segments_unchanged();
  rec.recover_leftovers();
  EXPECT_EQ(rec.verify(summary, seconds, "--h5dump"), 0) << "seed " << seed;
}

INSTANTIATE_TEST_SUITE_P(Seeds, MixedFaults, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8),
                         [](const auto& test) { return "seed_" + std::to_string(test.param); });

}  // namespace
}  // namespace h5rec::testing
