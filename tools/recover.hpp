// `h5rec recover PATH`: recovers a recording file, or every unclean file in a directory, to its
// last checkpoint and reports per file what it found and did (recorder/journal/recovery.hpp).
#pragma once

#include <string>

namespace h5rec::tools {

// Exit codes: 0 every file clean, recovered or discarded (or live: left to its writer);
// 2 some file unrecoverable; 66 PATH does not exist.
int run_recover(const std::string& path);

}  // namespace h5rec::tools
