// `h5rec verify PATH...`: whether recordings (and logger files) are sound, for a field engineer
// with an SD card pulled from a board. Each file is checked in a child process with a time
// limit (tools/verify_file.hpp: what is checked), so that a file damaged enough to crash or hang
// the HDF5 library is reported "unreadable" instead of taking verify down; then the dropped-row
// accounting is checked across each recording's segments (tools/verify_accounting.hpp).
//
// Prints one line per file (`PATH: ok (...)` or `PATH: PROBLEMS: N (...)`), or with `json` one
// JSON document: {"files": [{"path", "sound", "kind", "state", "groups": [...], "problems":
// [...]}...], "files_checked", "files_with_problems", "sound"}.
#pragma once

#include <string>
#include <vector>

namespace h5rec::tools {

struct VerifyOptions {
  // Files, and directories: every *.h5 / *.hdf5 below them (symbolic links such as the
  // recorder's <device>_live.h5 skipped), in name order, so each device's segments come
  // oldest first; a journal whose file is gone counts as that file (unclean).
  std::vector<std::string> paths;
  bool json = false;
  double timeout_s = 30;  // per file: longer, and the file is reported unreadable
};

// Must be called while the process has one thread (it forks). Returns the exit code: 0 every
// file sound, kExitNotSound, or kExitNoInput (then nothing was checked).
int run_verify(const VerifyOptions& options);

}  // namespace h5rec::tools
