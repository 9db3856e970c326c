// Human-readable events of the recorder (start, file created, checkpoint failures, stop) on
// stderr, which systemd's journal keeps on a board. Never called from sampler threads.
#pragma once

#include <string_view>

namespace h5rec {

enum class EventLevel { kInfo, kWarning, kError };

void log_event(EventLevel level, std::string_view message);

}  // namespace h5rec
