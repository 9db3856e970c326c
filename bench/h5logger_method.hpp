// The baseline: what Python's h5logger does for every log() call, written in C against HDF5:
// grow the dataset by one row, write that row, flush the file.
#pragma once

#include <cstdint>
#include <string>

namespace h5rec::bench {

// Appends `calls` scalar doubles to /number of a new file at `path` the h5logger way.
// Returns false (and prints why) on an HDF5 error.
bool h5logger_method(const std::string& path, uint64_t calls);

}  // namespace h5rec::bench
