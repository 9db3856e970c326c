// Saving and loading a SimStorage trace, so that a failing power-cut image can be rebuilt
// exactly: the recording's writes depend on thread timing (which rows a writer poll sees at one
// instant of virtual time), so recording again need not give the same trace, while the same
// trace, seed and TearOptions always give the same crash image.
//
// Format (host byte order, not meant to travel between machines): "h5rec-trace 1\n", the
// recording directory and t0 as length-prefixed strings / u64, then per operation its kind (u32),
// path, to, offset (u64), size (u64), data and label (each u64 length + bytes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "platform/sim/crash_model.hpp"

namespace h5rec::fault {

struct SavedTrace {
  std::string recording_dir;  // the directory the traced paths are in
  int64_t t0_ns = 0;          // UTC of row 0 of every group
  std::vector<platform::TraceOp> ops;
};

Status save_trace(const std::string& path, const SavedTrace& trace);
Result<SavedTrace> load_trace(const std::string& path);

}  // namespace h5rec::fault
