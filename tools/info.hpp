// `h5rec info PATH...`: what recordings hold (groups, channels, rows, time span, rates, dropped
// rows) and whether each is live, closed cleanly or unclean (tools/file_state.hpp); for a logger
// file, its datasets. A directory stands for the recording chains it holds
// (tools/recording_paths.hpp), each segment described oldest first under a line naming the
// chain; the recorder's live link is read as the segment it points to, and a file named twice
// (a live link and its segment) is described once. Each file is read in a child process with a
// time limit (tools/guarded_read.hpp): one that crashes or hangs HDF5 is reported unreadable.
#pragma once

#include <string>
#include <vector>

namespace h5rec::tools {

// One file (a recording, a logger file, or a link to one): prints its description to stdout,
// errors to stderr. Returns the exit code: 0, or 2 for a missing or bad file.
int info_file(const std::string& path);

// Every file `paths` name, in order, each given `timeout_s` (describing a file takes well under a
// second: one that takes this long has HDF5 looping). Returns 0 when every one was described,
// else 2.
int run_info(const std::vector<std::string>& paths, double timeout_s = 30);

}  // namespace h5rec::tools
