// h5rec: one binary for recording and for reading recordings. Exit codes: tools/exit_code.hpp
// (README "Using it").
//
// `record` succeeds (0) when every row due was stored, storage errors that were retried or
// survived by starting a new segment included: a lossless hiccup is not a failure (systemd
// would restart the recorder for it). 1 means it could not record or finish at all.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "board/sensor_factory.hpp"
#include "config/recorder_config.hpp"
#include "platform/posix/heap_reserve.hpp"
#include "platform/posix/posix_clock.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/posix/systemd_notify.hpp"
#include "platform/signals.hpp"
#include "platform/sim/sim_clock.hpp"
#include "recorder/recorder.hpp"
#include "tools/exit_code.hpp"
#include "tools/info.hpp"
#include "tools/recover.hpp"
#include "tools/tail.hpp"
#include "tools/verify.hpp"

#ifndef H5REC_VERSION
#define H5REC_VERSION "unknown"
#endif

namespace {

using h5rec::tools::kExitBadInput;
using h5rec::tools::kExitRowsNotStored;
using h5rec::tools::kExitRuntime;
using h5rec::tools::kExitUsage;

struct RecordArgs {
  std::string config;
  std::string output;
  std::optional<double> duration_s;
  bool virtual_clock = false;
};

// What the command line changed, as TOML (stored in every segment beside the config's text).
std::string overrides_toml(const RecordArgs& args) {
  std::string toml;
  if (!args.output.empty()) {
    std::string quoted;  // a TOML basic string
    for (const char c : args.output) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    toml += "output_dir = \"" + quoted + "\"  # --output\n";
  }
  if (args.duration_s) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.9g", *args.duration_s);
    toml += std::string("duration = ") + seconds + "  # --duration, s\n";
  }
  return toml;
}

void print_summary(const h5rec::RecordingSummary& summary) {
  const auto deleted = [&](const std::string& path) {
    return std::find(summary.deleted.begin(), summary.deleted.end(), path) != summary.deleted.end();
  };
  size_t older_deleted = summary.deleted.size();
  for (const std::string& path : summary.paths) {
    if (deleted(path)) --older_deleted;
    std::printf("recorded %s%s\n", path.c_str(), deleted(path) ? " (deleted by retention)" : "");
  }
  if (older_deleted > 0) {
    std::printf("retention deleted %zu segment%s of earlier recordings\n", older_deleted,
                older_deleted == 1 ? "" : "s");
  }
  for (const h5rec::GroupSummary& g : summary.groups) {
    std::printf("  group %s: %llu rows stored, %llu dropped, %llu due, ring high-water %llu rows\n",
                g.name.c_str(), static_cast<unsigned long long>(g.rows_stored),
                static_cast<unsigned long long>(g.rows_dropped),
                static_cast<unsigned long long>(g.rows_due),
                static_cast<unsigned long long>(g.ring_high_water));
  }
  std::printf("  %llu checkpoints (longest %.3f ms), %llu storage errors, %llu segments given up\n",
              static_cast<unsigned long long>(summary.writer.checkpoints),
              static_cast<double>(summary.writer.max_checkpoint_ns) * 1e-6,
              static_cast<unsigned long long>(summary.writer.storage_errors),
              static_cast<unsigned long long>(summary.writer.segments_given_up));
}

// 0 when every row due was stored; else a warning and kExitRowsNotStored.
int rows_not_stored_exit(const h5rec::RecordingSummary& summary) {
  const uint64_t lost = summary.rows_not_stored();
  if (lost == 0) return 0;
  uint64_t due = 0;
  for (const h5rec::GroupSummary& g : summary.groups) due += g.rows_due;
  std::fprintf(stderr,
               "h5rec record: warning: %llu of %llu rows due were not stored (ring full while "
               "storage was slow or failing; counted per group in /_status/<group>_dropped_rows)\n",
               static_cast<unsigned long long>(lost), static_cast<unsigned long long>(due));
  return kExitRowsNotStored;
}

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
  config->overrides_text = overrides_toml(args);
  h5rec::platform::PosixClock posix_clock;
  h5rec::platform::SimClock sim_clock;
  h5rec::platform::Clock& clock =
      args.virtual_clock ? static_cast<h5rec::platform::Clock&>(sim_clock) : posix_clock;
  auto recorder =
      h5rec::Recorder::create(config.value(), clock, storage, h5rec::board::sensor_factory());
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
  print_summary(summary.value());
  return rows_not_stored_exit(summary.value());
}

// CLI11's PositiveNumber names its range with 309 digits: say it in words.
CLI::Validator positive_seconds(const std::string& option) {
  return CLI::Validator(
      [option](std::string& text) -> std::string {
        const double seconds = std::strtod(text.c_str(), nullptr);
        if (seconds > 0 && seconds < 1e12) return "";
        return option + " must be a number of seconds above 0 (and below 1e12), not '" + text + "'";
      },
      "SECONDS");
}

struct InfoArgs {
  std::vector<std::string> paths;
  double timeout_s = 30;
};

struct RecoverArgs {
  std::string path;
  bool verbose = false;
};

// Each subcommand's options, parsed into `args` (which must outlive the app).
CLI::App* add_record_command(CLI::App& app, RecordArgs& args) {
  CLI::App* cmd = app.add_subcommand("record", "record sensors as configured in CONFIG");
  cmd->add_option("CONFIG", args.config, "TOML config file")->required();
  cmd->add_option("--output", args.output, "output directory (overrides output_dir)");
  cmd->add_option("--duration", args.duration_s,
                  "seconds to record (default: until SIGINT/SIGTERM)")
      ->check(positive_seconds("--duration"));
  cmd->add_flag("--virtual-clock", args.virtual_clock,
                "simulate time: record the duration as fast as the host can (tests)");
  return cmd;
}

CLI::App* add_info_command(CLI::App& app, InfoArgs& args) {
  CLI::App* cmd = app.add_subcommand("info", "describe recordings and logger files");
  cmd->add_option("PATH", args.paths,
                  "recordings (.h5), live links, logger files, or directories of them")
      ->required();
  cmd->add_option("--timeout", args.timeout_s,
                  "seconds per file before it is reported unreadable (default 30)")
      ->check(positive_seconds("--timeout"));
  return cmd;
}

CLI::App* add_tail_command(CLI::App& app, h5rec::tools::TailOptions& options) {
  CLI::App* cmd = app.add_subcommand("tail", "print the last rows, optionally following");
  cmd->add_option("PATH", options.paths,
                  "recordings (.h5), live links, logger files, or directories (each "
                  "chain's newest segment)")
      ->required();
  cmd->add_option("--channel", options.channel, "channel name or group/channel");
  cmd->add_flag("-f,--follow", options.follow,
                "keep printing rows as they are recorded (one recording)");
  cmd->add_option("-n,--lines", options.lines, "rows to print first (per group or dataset)");
  cmd->add_option("--timeout", options.timeout_s,
                  "seconds per file (without --follow) before it is reported unreadable "
                  "(default 120)")
      ->check(positive_seconds("--timeout"));
  return cmd;
}

CLI::App* add_recover_command(CLI::App& app, RecoverArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "recover", "bring crashed recordings back to their last checkpoint and report per file");
  cmd->add_option("PATH", args.path, "a recording, or a directory of recordings")->required();
  cmd->add_flag("-v,--verbose", args.verbose, "list the rows kept of every dataset");
  return cmd;
}

CLI::App* add_verify_command(CLI::App& app, h5rec::tools::VerifyOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "verify", "check that recordings and logger files are sound and report per file");
  cmd->add_option("PATH", options.paths, "files, or directories of recordings")->required();
  cmd->add_flag("--json", options.json, "one JSON document for scripts");
  cmd->add_option("--timeout", options.timeout_s,
                  "seconds per file before it is reported unreadable (default 30)")
      ->check(positive_seconds("--timeout"));
  return cmd;
}

// CLI11 answers a missing or misspelt subcommand with "A subcommand is required": say which.
// Returns the exit code when argv names no subcommand, nothing when CLI11 may parse it.
std::optional<int> reject_unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  std::string known;
  bool is_known = false;
  const std::function<bool(const CLI::App*)> every;
  for (const CLI::App* sub : app.get_subcommands(every)) {
    known += (known.empty() ? "" : ", ") + sub->get_name();
    is_known = is_known || (argc >= 2 && sub->get_name() == argv[1]);
  }
  if (argc < 2) {
    std::fprintf(stderr, "h5rec: no subcommand given; one of: %s (h5rec --help)\n", known.c_str());
    return kExitUsage;
  }
  const std::string first = argv[1];
  if (first.starts_with('-') && first != "-h" && first != "--help" && first != "--version") {
    std::fprintf(stderr,
                 "h5rec: unknown option '%s': options follow a subcommand, one of: %s "
                 "(h5rec --help)\n",
                 argv[1], known.c_str());
    return kExitUsage;
  }
  if (!first.starts_with('-') && !is_known) {
    std::fprintf(stderr, "h5rec: unknown subcommand '%s'; one of: %s (h5rec --help)\n", argv[1],
                 known.c_str());
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"h5rec: crash-safe sensor recorder writing HDF5, and tools to read its files"};
  app.set_version_flag("--version", std::string("h5rec ") + H5REC_VERSION);
  app.require_subcommand(1);
  RecordArgs record_args;
  InfoArgs info_args;
  h5rec::tools::TailOptions tail_options;
  RecoverArgs recover_args;
  h5rec::tools::VerifyOptions verify_options;
  CLI::App* record_cmd = add_record_command(app, record_args);
  CLI::App* info_cmd = add_info_command(app, info_args);
  CLI::App* tail_cmd = add_tail_command(app, tail_options);
  CLI::App* recover_cmd = add_recover_command(app, recover_args);
  CLI::App* verify_cmd = add_verify_command(app, verify_options);
  if (const std::optional<int> usage = reject_unknown_subcommand(app, argc, argv)) return *usage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (*record_cmd) return record(record_args);
  if (*info_cmd) return h5rec::tools::run_info(info_args.paths, info_args.timeout_s);
  if (*recover_cmd) return h5rec::tools::run_recover(recover_args.path, recover_args.verbose);
  if (*verify_cmd) return h5rec::tools::run_verify(verify_options);
  if (*tail_cmd) {
    return h5rec::tools::run_tail(tail_options, h5rec::platform::stop_requested_by_signal());
  }
  return kExitUsage;
}
