// Process signals that end a recording: SIGINT and SIGTERM set a flag the recorder polls.
#pragma once

#include <atomic>

namespace h5rec::platform {

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>& stop_requested_by_signal();

}  // namespace h5rec::platform
