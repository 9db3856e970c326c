#include "bench/instruction_counts.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "bench/self_command.hpp"
#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "recorder/recorder.hpp"

namespace h5rec::bench {
namespace {

constexpr size_t kRecorderChannels = 16;
constexpr double kRecorderRateHz = 1000;

// Instructions of `h5rec-bench --dir DIR --loop KIND --calls N` under callgrind, or nothing.
std::optional<double> callgrind_total(const std::string& dir, const std::string& kind,
                                      uint64_t calls) {
  const std::string out = dir + "/callgrind." + kind + "." + std::to_string(calls);
  const std::string command = "valgrind --tool=callgrind --callgrind-out-file=" + out + " " +
                              self_path() + " --dir " + dir + " --loop " + kind + " --calls " +
                              std::to_string(calls) + " > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(out);
  std::string line;
  std::optional<double> total;
  while (status == 0 && std::getline(in, line)) {
    if (line.rfind("summary:", 0) == 0) total = std::stod(line.substr(8));
  }
  std::remove(out.c_str());
  return total;
}

std::optional<double> marginal(const std::string& dir, const std::string& kind, uint64_t small,
                               uint64_t large) {
  std::fprintf(stderr, "instructions: %s under callgrind\n", kind.c_str());
  const auto a = callgrind_total(dir, kind, small);
  const auto b = callgrind_total(dir, kind, large);
  if (!a || !b) return std::nullopt;
  return (*b - *a) / static_cast<double>(large - small);
}

}  // namespace

int recorder_loop(const std::string& dir, uint64_t rows) {
  std::string text = "device_id = \"bench\"\noutput_dir = \"" + dir + "/bench-recorder\"\n" +
                     "[[group]]\nname = \"counters\"\nrate_hz = " +
                     std::to_string(static_cast<int>(kRecorderRateHz)) + "\n";
  for (size_t c = 0; c < kRecorderChannels; ++c) {
    text += "  [[group.channel]]\n  name = \"c" + std::to_string(c) +
            "\"\n  sensor = \"counter\"\n  dtype = \"int32\"\n";
  }
  auto config = config::parse_config(text, "bench recorder config");
  if (!config) {
    std::fprintf(stderr, "%s\n", config.message().c_str());
    return 1;
  }
  platform::SimClock clock;
  platform::PosixStorage storage;
  auto recorder = Recorder::create(config.value(), clock, storage, board::sensor_factory());
  if (!recorder) {
    std::fprintf(stderr, "%s\n", recorder.message().c_str());
    return 1;
  }
  const std::atomic<bool> never{false};
  const auto duration_ns = static_cast<int64_t>(static_cast<double>(rows) / kRecorderRateHz * 1e9);
  auto summary = recorder.value()->run(duration_ns, never);
  if (!summary) {
    std::fprintf(stderr, "%s\n", summary.message().c_str());
    return 1;
  }
  for (const std::string& path : summary->paths) (void)storage.unlink(path);
  return summary->groups[0].rows_stored == rows ? 0 : 1;
}

void instruction_counts(const std::string& dir, bool quick, bool emulated, Goals& goals) {
  std::printf("## Cost per sample (instructions, callgrind)\n\n");
  if (emulated) {
    std::printf("Not measured under emulation (valgrind runs host binaries only).\n\n");
    goals.skip("logger-scalar-instructions-per-call", "emulated", "<50");
    return;
  }
  const uint64_t scale = quick ? 1 : 8;
  const auto recorder = marginal(dir, "recorder", 5'000 * scale, 15'000 * scale);
  const auto scalar = marginal(dir, "scalar", 50'000 * scale, 250'000 * scale);
  const auto four = marginal(dir, "four-names", 50'000 * scale, 250'000 * scale);
  const auto array16 = marginal(dir, "array16", 50'000 * scale, 250'000 * scale);
  const auto text = [](std::optional<double> v) {
    return v ? fixed(*v, 1) : std::string("failed");
  };
  Table table{{"case", "instructions", "per"}, {}};
  table.rows.push_back(
      {"recorder, 1 kHz group of 16 int32 counters, virtual clock", text(recorder), "row"});
  table.rows.push_back({"recorder, the same",
                        recorder ? fixed(*recorder / kRecorderChannels, 1) : "failed", "value"});
  table.rows.push_back({"Logger::log(name, double)", text(scalar), "call"});
  table.rows.push_back({"Logger::log(name, double), 4 names in turn", text(four), "call"});
  table.rows.push_back({"Logger::log(name, std::array<float, 16>)", text(array16), "call"});
  std::printf(
      "Marginal over two run lengths, including the benchmark loop and every thread\n"
      "(the writer's chunk writes and checkpoints, the virtual clock's hand-offs).\n\n");
  table.print();
  if (!scalar) {
    goals.unmeasured(GoalKind::kCount, "logger-scalar-instructions-per-call",
                     "valgrind missing or the run failed", "<50");
    return;
  }
  goals.add(GoalKind::kCount, "logger-scalar-instructions-per-call", *scalar < 50,
            fixed(*scalar, 1), "<50");
}

}  // namespace h5rec::bench
