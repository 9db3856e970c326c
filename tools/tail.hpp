// `h5rec tail FILE [--channel C] [--follow]`: prints the last rows of a recording, one line per
// row ("<UTC time> <group> <channel>=<value> ..."; with --channel only "<UTC time> <value>").
// With --follow it keeps polling the file through SWMR like `tail -f` and prints rows as
// checkpoints make them visible, until the recording is closed or `interrupt` is set.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace h5rec::tools {

struct TailOptions {
  std::string path;
  std::string channel;  // "name" or "group/name"; empty = every channel of every group
  bool follow = false;
  uint64_t lines = 10;  // rows printed per group before following
  double poll_s = 0.2;
};

// Returns the process exit code: 0, or 2 for a missing/bad file or unknown channel.
int run_tail(const TailOptions& options, const std::atomic<bool>& interrupt);

}  // namespace h5rec::tools
