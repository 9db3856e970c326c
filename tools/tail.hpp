// `h5rec tail PATH... [--channel C] [-n N] [--follow]`: prints the last rows of recordings, one
// line per row: "<UTC time> <group> <channel>=<value> ..." (with --channel only
// "<UTC time> <value>"); for a logger file, which has no time column, "<row> <name>=<value>"
// (with --channel "<row> <value>"). Rows are read and printed in blocks, so memory does not grow
// with N.
//
// Several files are printed one after the other, each under a header "==> PATH <==" (as
// coreutils tail does). A directory stands for the newest segment holding rows of each recording
// chain in it (tools/recording_paths.hpp); a live link for the segment it points to. Each file is
// read in a child process (tools/guarded_read.hpp): one that crashes HDF5, or hangs it longer
// than timeout_s without --follow, is reported unreadable (exit 2) and the next file is read.
//
// With --follow (one recording: a file, a live link, or a directory holding one chain, followed
// through its live link when it has one) it keeps polling the file through SWMR like `tail -f`
// and prints rows as checkpoints make them visible, until the recording is closed (exit 0),
// `interrupt` is set (exit 0), or the writer is found gone without closing the file: then it
// says so ("unclean: ...; run h5rec recover") and exits 1. Through a live link it goes on with
// each next segment.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace h5rec::tools {

struct TailOptions {
  std::vector<std::string> paths;
  std::string channel;  // "name" or "group/name"; empty = every channel of every group
  bool follow = false;
  uint64_t lines = 10;  // rows printed per group (logger file: per dataset) before following
  double poll_s = 0.2;
  // Without --follow, the time one file may take (its last rows are printed in seconds at most:
  // longer means HDF5 loops on a damaged file); following has no limit.
  double timeout_s = 120;
};

// One file (a recording, a logger file, or a link to one), in this process: what run_tail does
// for each file in a child. Returns the exit code as run_tail does.
int tail_file(const std::string& path, const TailOptions& options,
              const std::atomic<bool>& interrupt);

// Returns the process exit code: 0; 1 when a followed recording's writer stopped without closing
// it, or reading failed while following; 2 for a missing/bad file or unknown channel; 64 for
// --follow with more than one recording.
int run_tail(const TailOptions& options, const std::atomic<bool>& interrupt);

}  // namespace h5rec::tools
