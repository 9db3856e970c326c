// `h5rec recover PATH [--verbose]`: recovers a recording file, or every unclean file in a
// directory, to its last checkpoint (recorder/journal/recovery.hpp) and reports one line per
// file: where it found it, what it did and what the file holds now, e.g.
//
//   rec/dev_20261121T040255Z.h5: recovered: fast 3000 rows, slow 30 rows, last row
//   2026-11-21T04:03:12.999000000Z (rolled back 3 overwritten ranges to the last checkpoint; ...)
//
// (one line). Rows are counted per group (`_status` left out); a file without groups of a
// recording (a logger file) lists its datasets. With `verbose`, each dataset's rows follow on
// lines of their own ("  fast/counter  3000 rows").
#pragma once

#include <string>

namespace h5rec::tools {

// Exit codes: 0 every file clean, recovered or discarded (or live: left to its writer);
// 2 some file unrecoverable; 66 PATH does not exist.
int run_recover(const std::string& path, bool verbose);

}  // namespace h5rec::tools
