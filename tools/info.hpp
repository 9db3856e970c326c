// `h5rec info FILE`: what a recording holds (groups, channels, rows, time span, rates, dropped
// rows) and whether it is live, closed cleanly or unclean.
#pragma once

#include <string>

namespace h5rec::tools {

// Prints to stdout; errors to stderr. Returns the process exit code (0, or 2 for a bad file).
int run_info(const std::string& path);

}  // namespace h5rec::tools
