#include "recorder/event_log.hpp"

#include <cstdio>

namespace h5rec {

void log_event(EventLevel level, std::string_view message) {
  const char* tag = level == EventLevel::kInfo      ? "info"
                    : level == EventLevel::kWarning ? "warning"
                                                    : "error";
  std::fprintf(stderr, "h5rec: %s: %.*s\n", tag, static_cast<int>(message.size()), message.data());
}

}  // namespace h5rec
