// A harness's scratch directory: made once, in memory where the machine has /dev/shm (recovery
// fsyncs, and fsyncs on a disk would make each run take tens of milliseconds), under $TMPDIR when
// that is set; removed when the process exits. Aborts if it cannot be made.
#pragma once

#include <string>

namespace h5rec::fuzz {

// `name` goes into the directory's name (h5rec-fuzz-<name>-XXXXXX). Call once, at initialisation.
std::string make_scratch_dir(const std::string& name);

}  // namespace h5rec::fuzz
