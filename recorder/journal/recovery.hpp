// Recovery after a crash: brings a recording (or logger) file back to its last completed
// checkpoint so that stock HDF5 tools open it, and says what it did.
//
// For one file: a running writer's file (its journal is locked) is left alone. An active
// journal is rolled back; a file that never reached its first checkpoint (empty after the
// rollback) is removed; the superblock's "open for writing" flags are cleared and bytes past
// its end-of-file address cut off; then the file is opened read-only through storage (h5rec's
// file driver, recorder/hdf5/journal_driver.hpp, without crash safety) to prove it opens and to
// count the rows of every dataset; last the journal is removed. Each step is idempotent, so a
// crash during recovery is recovered by running it again.
// The format, for readers and independent tools: docs/FORMAT.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "platform/storage.hpp"

namespace h5rec::journal {

enum class RecoveryOutcome {
  kClean,          // closed cleanly, nothing to do
  kRecovered,      // brought back to its last checkpoint
  kDiscarded,      // held no checkpoint (crashed while being created): removed
  kLive,           // a running writer holds it: not touched
  kUnrecoverable,  // could not be brought back (see detail). Left as it is when the journal
                   // cannot restore it (unreadable, or the file cut below its checkpointed
                   // size); a file rolled back that still does not open (damaged outside the
                   // failure model) keeps the rollback, and its journal
};
const char* describe(RecoveryOutcome outcome);

struct DatasetRows {
  std::string name;  // path inside the file, e.g. "fast/time"
  uint64_t rows = 0;
};

struct RecoveryReport {
  std::string path;
  RecoveryOutcome outcome = RecoveryOutcome::kClean;
  std::vector<DatasetRows> datasets;  // rows kept, for clean and recovered files
  std::string detail;                 // what was done, or why it failed
};

// Uses HDF5: where other threads may too, call with h5::api_mutex() held.
RecoveryReport recover_file(platform::Storage& storage, const std::string& path);

// Whether a file needs recovery: it has a journal, or its superblock says it is open for
// writing. Cheap (reads 48 bytes); symbolic links are never candidates.
bool needs_recovery(platform::Storage& storage, const std::string& path);

// A file, or every HDF5 file (*.h5, *.hdf5) and orphaned journal in a directory, in name order.
// Symbolic links (the recorder's live link) are skipped. With `only_unclean`, clean files are
// not opened or reported; with `selects`, only data files whose names (without the directory)
// it accepts count.
using FileNameFilter = std::function<bool(std::string_view file_name)>;
Result<std::vector<RecoveryReport>> recover_path(platform::Storage& storage,
                                                 const std::string& path, bool only_unclean = false,
                                                 const FileNameFilter& selects = {});

}  // namespace h5rec::journal
