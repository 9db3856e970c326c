// The rollback journal that makes checkpoints crash-safe (SQLite's idea, applied to a file HDF5
// writes). Between two checkpoints the data file's bytes as of the last checkpoint are never
// overwritten in place; at the next checkpoint their old values go to the journal first:
//
//   1. write the journal (header "active" + the old bytes of every range about to change), fsync;
//   2. overwrite those ranges in the data file, fsync;
//   3. write the journal header "idle", fsync: the checkpoint is complete.
//
// A crash before 1 completes leaves no valid journal and the data file's checkpointed bytes
// untouched; between 1 and 3, recovery copies the old bytes back and truncates the data file to
// its checkpointed size. Bytes appended after the checkpoint are cut off either way.
//
// Layout (format 2): a 512-byte header (one sector, so it is written whole or not at all)
// followed by the records, each {offset u64, length u64, bytes}; a record whose old bytes are all
// zeros (the unwritten part of a partial chunk) has bit 63 of its length set and no bytes.
// Format 1 (no zero records) is still read. All integers little-endian. The header holds a
// checksum of itself and one of the records; a torn journal fails them and is ignored, which is
// safe because step 2 starts only after step 1's fsync.
// The format, for readers and independent tools: docs/FORMAT.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "platform/storage.hpp"

namespace h5rec::journal {

// The journal of data file `path` is `path` + this suffix.
inline constexpr const char* kJournalSuffix = "-journal";
inline std::string journal_path(const std::string& data_path) { return data_path + kJournalSuffix; }

struct Record {
  uint64_t offset = 0;
  std::vector<std::byte> old_bytes;
};

// What a journal file says, as recovery reads it.
struct JournalContents {
  bool recognised = false;  // h5rec's magic is there (torn or not)
  bool active = false;      // a valid header says "active": roll back
  uint64_t data_size = 0;   // the data file's size at its last checkpoint
  std::vector<Record> records;
  std::string note;  // why it is not active (missing, idle, torn), for reports
};

Result<JournalContents> read_journal(platform::File& journal);

// Restores the checkpointed state of `data` from an active journal: old bytes back, size cut to
// the checkpointed size, fsync. Idempotent: a crash during it is recovered by running it again.
// Refuses, writing nothing, when `data` is shorter than at its last checkpoint and the journal
// does not hold the missing bytes (the file was cut outside the failure model: no rollback can
// restore it).
Status roll_back(platform::File& data, const JournalContents& journal);

// The writer's side: one open journal file, locked for the life of the writer.
class JournalWriter {
 public:
  // Creates (or reuses) the journal of `data_path` and takes its lock (failing if another
  // writer holds it). With `active_for_empty_file` (the data file is about to be created or
  // truncated) it starts active for size 0, so a crash before the first checkpoint rolls the
  // data file back to empty; otherwise it starts idle. Durable (journal fsynced, directory synced)
  // when this returns.
  static Result<std::unique_ptr<JournalWriter>> create(platform::Storage& storage,
                                                       const std::string& data_path,
                                                       bool active_for_empty_file);

  // Step 1: records the old bytes of every range about to change, durably.
  Status write_active(uint64_t data_size, std::span<const Record> records);
  // Step 3: marks the journal idle, durably.
  Status write_idle();
  bool active() const { return active_; }
  // Removes the journal (after a clean close). The lock is released.
  Status remove();

 private:
  JournalWriter(platform::Storage& storage, std::string path, std::unique_ptr<platform::File> file)
      : storage_(storage), path_(std::move(path)), file_(std::move(file)) {}

  platform::Storage& storage_;
  std::string path_;
  std::unique_ptr<platform::File> file_;
  bool active_ = false;
  uint64_t sequence_ = 0;          // counts header writes; in the header for diagnosis only
  std::vector<std::byte> buffer_;  // reused: header + records
};

}  // namespace h5rec::journal
