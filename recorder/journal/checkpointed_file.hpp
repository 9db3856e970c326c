// The commit protocol of one data file (SQLite's pager, with HDF5's file driver as the thin
// adapter above it, recorder/hdf5/journal_driver.hpp): between two commits the file's bytes as
// of the last commit, its checkpoint, are never overwritten in place, so a crash at any moment
// leaves the last checkpoint or, with a valid rollback journal, the means to restore it.
// Knows nothing of the format above: it sees offsets, bytes and an allocated size.
//
// With crash safety, a write to a byte that existed at the last checkpoint is held in memory
// (recorder/journal/held_writes.hpp) until the next commit(); writes past the checkpointed size
// go straight to the file. commit() then journals the old values of the bytes that really change
// (old zeros, such as a partial chunk's padding, as their length only), overwrites them and
// marks the journal idle: steps 1 to 3 of recorder/journal/rollback_journal.hpp. So the file on
// disk always holds the last checkpoint's bytes (plus appended bytes nothing refers to yet) or a
// valid journal to restore them from. Readers of the file itself (SWMR) see the new bytes once
// commit() has applied the overwrites. Nothing of the protocol is stored in the data file.
//
// To spare the card, a write that goes straight to the file (any write without crash safety)
// stores only the bytes that differ from what the file holds, and leaves out zeros at its end
// that lie past the file's end (a partial chunk's padding): the commit extends the file over
// them. Appends are gathered and streamed in aligned pieces (platform/gathered_file.hpp).
//
// Failures: a failed write or truncate is not reported to the caller (the format above cannot
// recover from a failed write: HDF5's caches break); its bytes are held and the next commit
// retries them, reporting the failure if it persists. A failure that leaves the checkpoint only
// restorable through the journal gives the file up (abandoned(): later writes are dropped and
// commits fail, and the journal stays behind for recovery).
//
// Ownership: owns the data file and its journal (locked while open). Threads: any; a mutex
// serialises every call (the format's callbacks and the writer's commits may come from different
// threads). Offsets and sizes are in bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "platform/error.hpp"
#include "platform/gathered_file.hpp"
#include "platform/storage.hpp"
#include "recorder/journal/held_writes.hpp"
#include "recorder/journal/rollback_journal.hpp"

namespace h5rec::journal {

// Bytes appended to a writable file are gathered and streamed to storage in aligned pieces of
// this size by default.
inline constexpr size_t kDefaultGatherBytes = size_t{1} << 20;
// Writes that failed are held for the next commit up to this much; beyond, the file is given up.
inline constexpr uint64_t kMaxHeldBytes = uint64_t{64} << 20;

struct CheckpointedFileOptions {
  bool writable = false;   // false: reads only, writes fail and commit() does nothing
  bool create = false;     // create the file, or truncate it to empty; its journal starts active
                           // for size 0, so a crash before the first commit rolls it back to empty
  bool exclusive = false;  // with `create`: fail (EEXIST) if the file exists
  bool crash_safe = true;  // writable files: journal every commit; false: writes go straight to
                           // the file and commit() only fsyncs (no journal file)
  size_t gather_bytes = kDefaultGatherBytes;  // writable files: appends gathered before they are
                                              // sent, a multiple of platform::kStreamBlockBytes;
                                              // 0 gathers nothing
};

class CheckpointedFile {
 public:
  // Opens (or creates) `path` on `storage`, which must outlive the file. With crash safety the
  // journal is created or reused and locked first (failing if another writer holds it, or if it
  // is active: the file needs recovery), so no data file exists without its journal.
  static Result<std::unique_ptr<CheckpointedFile>> open(platform::Storage& storage,
                                                        const std::string& path,
                                                        const CheckpointedFileOptions& options);
  CheckpointedFile(const CheckpointedFile&) = delete;
  CheckpointedFile& operator=(const CheckpointedFile&) = delete;
  ~CheckpointedFile() = default;  // without close(): drops what is held, keeps the journal

  // Fills `out` with the bytes at `offset` as written so far (held ones included); zeros past
  // the end.
  Status read(uint64_t offset, std::span<std::byte> out);
  // Always succeeds on a writable file (see Failures above); fails on a read-only one. Dropped
  // once the file is given up.
  Status write(uint64_t offset, std::span<const std::byte> in);

  // The size the format above has allocated (HDF5's end of allocation): the file reaches it at
  // every commit (extended with zeros), and truncate() cuts or extends it to that.
  uint64_t allocated_size() const;
  void set_allocated_size(uint64_t size);
  // The size as written so far: the end of the furthest write, or the allocated size after
  // truncate().
  uint64_t size() const;
  // Makes the file the allocated size; with crash safety never below the checkpointed size
  // (that would need journaling the bytes cut off; the format never reads past its allocation).
  Status truncate();

  // Makes everything written so far durable: the checkpoint. With crash safety: three fsyncs
  // (journal, file, journal) when checkpointed bytes change, else one. A failure before the file
  // was touched may be retried; a later one abandons the file.
  Status commit();
  // Gives the file up after storage failures (see Failures above).
  void abandon();
  bool abandoned() const;
  // Storage operations that failed since the last call (held and retried by the next commit).
  uint64_t take_failed_operations();
  // The last storage failure held for the next commit (ok when none): commit early to retry it.
  Status pending_failure() const;
  // Commits, then removes the journal; both are kept if anything failed, or the file was given
  // up, for recovery. The file is closed either way.
  Status close();

  const std::string& path() const { return path_; }
  // The file's size at the last checkpoint (0 until the first commit of a created file).
  uint64_t committed_size() const;

 private:
  CheckpointedFile(std::string path, std::unique_ptr<platform::GatheredFile> data,
                   std::unique_ptr<JournalWriter> journal, uint64_t size, bool writable)
      : path_(std::move(path)),
        data_(std::move(data)),
        journal_(std::move(journal)),
        committed_size_(journal_ && journal_->active() ? 0 : size),
        physical_size_(size),
        size_(size),
        writable_(writable) {}

  // Marks the file given up (see abandon()), remembering why for later commits' errors.
  void give_up(const Status& why);
  Status apply_held();
  // How much of a write at `offset` must reach storage: zeros at its end that lie past the
  // file's end are left out (unwritten padding of a partial chunk, space allocated ahead),
  // since the file reads as zeros there once it is extended to the allocated size.
  size_t stored_length(uint64_t offset, std::span<const std::byte> in) const;
  // Writes past the checkpointed part (or everything without crash safety), but for those zeros
  // and for bytes the file already holds.
  Status write_through(uint64_t offset, std::span<const std::byte> in);

  std::string path_;
  std::unique_ptr<platform::GatheredFile> data_;
  std::unique_ptr<JournalWriter> journal_;  // null without crash safety
  mutable std::mutex mutex_;
  HeldWrites held_;  // bytes not on storage yet
  Status failure_;   // the last write that failed since the last commit
  uint64_t failed_operations_ = 0;
  uint64_t committed_size_;  // the file's size at the last checkpoint
  uint64_t physical_size_;   // the file's size on storage now
  uint64_t size_;            // the size the format above sees
  uint64_t allocated_size_ = 0;
  bool writable_;
  bool dirty_ = false;  // written since the last commit
  bool abandoned_ = false;
  std::vector<Record> records_;     // reused by commits
  std::vector<std::byte> compare_;  // reused by write_through: the bytes it overwrites
};

}  // namespace h5rec::journal
