// h5rec: one binary for recording and for reading recordings.
//
// Exit codes: 0 success; 1 runtime failure (storage, HDF5; for `tail --follow`, also the writer
// of the followed recording stopped without closing it); 2 bad input (config file, recording
// file, channel name; for info and tail, any of several files named) or, for recover, an
// unrecoverable file; 64 usage error (unknown subcommand or option; tail --follow with several
// recordings); 66 recover: no such file or directory.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "config/recorder_config.hpp"
#include "platform/posix/heap_reserve.hpp"
#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/posix/systemd_notify.hpp"
#include "platform/signals.hpp"
#include "platform/sim/sim_clock.hpp"
#include "recorder/recorder.hpp"
#include "tools/info.hpp"
#include "tools/recover.hpp"
#include "tools/tail.hpp"

#ifndef H5REC_VERSION
#define H5REC_VERSION "unknown"
#endif

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitUsage = 64;

struct RecordArgs {
  std::string config;
  std::string output;
  std::optional<double> duration_s;
  bool virtual_clock = false;
};

int record(const RecordArgs& args) {
  h5rec::platform::PosixStorage storage;
  auto config = h5rec::config::load_config(storage, args.config);
  if (!config) {
    std::fprintf(stderr, "h5rec record: %s\n", config.message().c_str());
    return kExitBadInput;
  }
  if (!args.output.empty()) {
    config->output_dir = args.output;
    config->output_dir_where = "--output";
  }
  h5rec::platform::PosixClock posix_clock;
  h5rec::platform::SimClock sim_clock;
  h5rec::platform::Clock& clock =
      args.virtual_clock ? static_cast<h5rec::platform::Clock&>(sim_clock) : posix_clock;
  auto recorder = h5rec::Recorder::create(config.value(), clock, storage);
  if (!recorder) {
    std::fprintf(stderr, "h5rec record: %s\n", recorder.message().c_str());
    return kExitBadInput;
  }
  std::optional<int64_t> duration_ns;
  if (args.duration_s) duration_ns = static_cast<int64_t>(*args.duration_s * 1e9);
  // Under systemd (Type=notify): ready once recording, the watchdog fed while the writer works.
  auto notifier = h5rec::platform::SystemdNotifier::from_environment();
  const std::string status = "recording " + config->device_id + " into " + config->output_dir;
  recorder.value()->set_liveness_observer([&] { notifier.alive(status); });
  recorder.value()->set_stopping_observer([&] { notifier.stopping(); });
  recorder.value()->set_started_observer(h5rec::platform::reserve_heap);
  auto summary = recorder.value()->run(duration_ns, h5rec::platform::stop_requested_by_signal());
  if (!summary) {
    std::fprintf(stderr, "h5rec record: %s\n", summary.message().c_str());
    return kExitRuntime;
  }
  for (const std::string& path : summary->paths) std::printf("recorded %s\n", path.c_str());
  for (const h5rec::GroupSummary& g : summary->groups) {
    std::printf("  group %s: %llu rows stored, %llu dropped, %llu due, ring high-water %llu rows\n",
                g.name.c_str(), static_cast<unsigned long long>(g.rows_stored),
                static_cast<unsigned long long>(g.rows_dropped),
                static_cast<unsigned long long>(g.rows_due),
                static_cast<unsigned long long>(g.ring_high_water));
  }
  std::printf("  %llu checkpoints (longest %.3f ms), %llu storage errors\n",
              static_cast<unsigned long long>(summary->writer.checkpoints),
              static_cast<double>(summary->writer.max_checkpoint_ns) * 1e-6,
              static_cast<unsigned long long>(summary->writer.storage_errors));
  return summary->writer.storage_errors == 0 ? 0 : kExitRuntime;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"h5rec: crash-safe sensor recorder writing HDF5, and tools to read its files"};
  app.set_version_flag("--version", std::string("h5rec ") + H5REC_VERSION);
  app.require_subcommand(1);

  RecordArgs rec;
  CLI::App* record_cmd = app.add_subcommand("record", "record sensors as configured in CONFIG");
  record_cmd->add_option("CONFIG", rec.config, "TOML config file")->required();
  record_cmd->add_option("--output", rec.output, "output directory (overrides output_dir)");
  record_cmd->add_option("--duration", rec.duration_s, "seconds to record (default: until SIGINT/SIGTERM)")
      ->check(CLI::PositiveNumber);
  record_cmd->add_flag("--virtual-clock", rec.virtual_clock,
                       "simulate time: record the duration as fast as the host can (tests)");

  std::vector<std::string> info_paths;
  CLI::App* info_cmd = app.add_subcommand("info", "describe recordings and logger files");
  info_cmd->add_option("PATH", info_paths,
                       "recordings (.h5), live links, logger files, or directories of them")
      ->required();

  h5rec::tools::TailOptions tail;
  CLI::App* tail_cmd = app.add_subcommand("tail", "print the last rows, optionally following");
  tail_cmd->add_option("PATH", tail.paths,
                       "recordings (.h5), live links, logger files, or directories (each "
                       "chain's newest segment)")
      ->required();
  tail_cmd->add_option("--channel", tail.channel, "channel name or group/channel");
  tail_cmd->add_flag("-f,--follow", tail.follow,
                     "keep printing rows as they are recorded (one recording)");
  tail_cmd->add_option("-n,--lines", tail.lines, "rows to print first (per group or dataset)");

  std::string recover_path;
  bool recover_verbose = false;
  CLI::App* recover_cmd = app.add_subcommand(
      "recover", "bring crashed recordings back to their last checkpoint and report per file");
  recover_cmd->add_option("PATH", recover_path, "a recording, or a directory of recordings")
      ->required();
  recover_cmd->add_flag("-v,--verbose", recover_verbose, "list the rows kept of every dataset");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (*record_cmd) return record(rec);
  if (*info_cmd) return h5rec::tools::run_info(info_paths);
  if (*recover_cmd) return h5rec::tools::run_recover(recover_path, recover_verbose);
  if (*tail_cmd) return h5rec::tools::run_tail(tail, h5rec::platform::stop_requested_by_signal());
  return kExitUsage;
}
