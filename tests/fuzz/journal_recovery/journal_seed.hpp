// The recording behind the journal-recovery harness's base states (make_journal_seed.cpp makes
// them, journal_recovery_fuzzer.cpp checks against this): one group of two int64 columns whose
// values are pure functions of the row, so a reader can check every checkpointed row bit-exact
// without trusting anything the recorder wrote.
#pragma once

#include <cstdint>

namespace h5rec::fuzz::journal_seed {

inline constexpr const char* kFileName = "segment.h5";
inline constexpr const char* kGroup = "g";
inline constexpr uint64_t kChunkRows = 16;
inline constexpr uint64_t kRowsPerCheckpoint = 20;  // not a whole chunk: partial chunks rewritten
inline constexpr uint64_t kCheckpoints = 3;         // completed before the crash
inline constexpr uint64_t kCheckpointedRows = kRowsPerCheckpoint * kCheckpoints;

inline int64_t time_of(uint64_t row) {
  return 1'800'000'000'000'000'000 + int64_t(row) * 10'000'000;
}
inline int64_t counter_of(uint64_t row) { return int64_t(row) * 7 - 3; }

}  // namespace h5rec::fuzz::journal_seed
