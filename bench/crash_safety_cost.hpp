// What crash safety costs the recorder: the same recording (the field-station config on the
// virtual clock, real files) with journaled checkpoints and with plain fsync checkpoints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace h5rec::bench {

struct RecordingCost {
  double payload_mb_per_s = 0;           // payload bytes recorded per wall second
  double written_per_payload_byte = 0;   // bytes reaching storage per payload byte
  double fsyncs_per_checkpoint = 0;
  uint64_t payload_bytes = 0;
};

// Records `seconds` of virtual time of `config_path` into dir; nothing on error (printed).
std::optional<RecordingCost> recording_cost(const std::string& config_path, const std::string& dir,
                                            double seconds, bool crash_safe);

}  // namespace h5rec::bench
