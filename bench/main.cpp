// h5rec-bench: h5rec's performance against baselines measured in the same run, as ratios (a
// shared machine's timings drift; ratios, instruction and byte counts do not). Prints a Markdown
// report (`h5rec-bench | tee bench/RESULTS.md`; progress goes to stderr) ending in one line per
// goal, "PASS|FAIL <goal> <measured> <target>"; exits 1 if a judged goal fails.
//
//   h5rec-bench [--quick] [--dir DIR] [--emulated] [--only SECTION]
//
// --quick (seconds; ctest label `bench`) measures less and judges only the goals that do not
// depend on timing; the full run (minutes) is the one behind the README's numbers. --dir: where
// files are written (default /tmp; the disk under test). --emulated (a cross build's ctest, under
// qemu-user): no instruction counts and no timing goals. --only runs one section: ingest, logger,
// instructions, latency, memory, stall or headroom.
//
// Internal modes, run as child processes: --loop KIND --calls N (a measured loop under callgrind)
// --run field-station --seconds S [--plain] (a recording that reports its memory and wear) and
// --run ingest:... (one ingest run, see ingest_throughput.hpp).
#include <cstdio>
#include <string>

#include "bench/headroom.hpp"
#include "bench/ingest_throughput.hpp"
#include "bench/instruction_counts.hpp"
#include "bench/latency.hpp"
#include "bench/logger_rate.hpp"
#include "bench/report.hpp"
#include "bench/simulated_hour.hpp"
#include "bench/storage_stall.hpp"
#include "platform/posix/posix_storage.hpp"

namespace {

int usage() {
  std::fprintf(stderr, "usage: h5rec-bench [--quick] [--dir DIR] [--emulated] [--only SECTION]\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace h5rec;
  using namespace h5rec::bench;
  bool quick = false, emulated = false, plain = false;
  std::string dir = "/tmp", loop, run, only;
  uint64_t calls = 0;
  double seconds = 0;
  std::string invocation = "h5rec-bench";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--quick")
      quick = true;
    else if (a == "--emulated")
      emulated = true;
    else if (a == "--plain")
      plain = true;
    else if (a == "--dir" && has_value)
      dir = argv[++i];
    else if (a == "--loop" && has_value)
      loop = argv[++i];
    else if (a == "--calls" && has_value)
      calls = std::stoull(argv[++i]);
    else if (a == "--run" && has_value)
      run = argv[++i];
    else if (a == "--seconds" && has_value)
      seconds = std::stod(argv[++i]);
    else if (a == "--only" && has_value)
      only = argv[++i];
    else
      return usage();
    if (a == "--quick" || a == "--emulated") invocation += " " + a;
    if (a == "--only") invocation += " --only " + only;
  }
  if (Status made = platform::PosixStorage().make_directories(dir); !made) {
    std::fprintf(stderr, "h5rec-bench: %s\n", made.message().c_str());
    return 1;
  }
  if (loop == "recorder") return recorder_loop(dir, calls);
  if (!loop.empty()) {
    const auto kind = logger_loop_from_name(loop);
    if (!kind) return usage();
    return logger_run(dir + "/bench-loop.h5", calls, *kind) ? 0 : 1;
  }
  if (run == "field-station") return field_station_run(dir, seconds, !plain);
  if (run.rfind("ingest:", 0) == 0) return ingest_run(dir, run.substr(7));
  if (!run.empty()) return usage();

  print_environment(dir, invocation);
  Goals goals(emulated ? "emulated" : quick ? "quick run" : "");
  const auto section = [&](const char* name) { return only.empty() || only == name; };
  if (section("ingest")) ingest_throughput(dir, quick, goals);
  if (section("logger")) logger_rate(dir, quick, goals);
  if (section("instructions")) instruction_counts(dir, quick, emulated, goals);
  if (section("latency")) latency(dir, quick, goals);
  if (section("memory")) simulated_hour(dir, quick, emulated, goals);
  if (section("stall")) storage_stall(dir, goals);
  if (section("headroom")) headroom(dir, quick, goals);
  std::printf("## Goals\n\n");
  return goals.print_and_judge();
}
