// What a power cut leaves on storage: the failure model SQLite (test6.c) and LittleFS test
// against. Pure and in memory: SimStorage feeds it live (SimStorage::inject(PowerCut)), and the
// power-cut sweep replays a recorded trace into it op by op (replay()).
//
// The model:
//  - Data a file held at its last successful fsync is durable; so is a file's baseline (its
//    content when the model first saw it).
//  - Writes and truncates issued after the file's last fsync are pending. At a cut each pending
//    write, split at 4 KiB page boundaries (of the file offset) into pieces, has each piece kept,
//    lost, or torn: a random subset of its 512-byte sectors (aligned to file offsets) reaches the
//    medium. Pieces are applied in issue order, each decided independently, so a later page can
//    survive while an earlier one is lost ("reordered"); where two pending writes overlap and both
//    survive, the later one wins. A lost piece does not extend the file. A pending truncate is
//    kept or lost whole.
//  - ASSUMPTION: directory operations (create, rename, unlink, symlink) are durable when they
//    return; a renamed file carries its durable and pending data with it. Creating a file with
//    truncation (OpenMode::kCreateTruncate) is modelled as track(path, {}): the empty file is
//    durable at once, whatever the path held before. Real file systems need sync_directory for
//    this; the recorder calls it, and this model does not check that it does.
//
// Not thread-safe: the owner serialises calls (SimStorage holds its mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace h5rec::platform {

constexpr uint64_t kCrashPageBytes = 4096;   // granularity of loss and reordering
constexpr uint64_t kCrashSectorBytes = 512;  // granularity of tearing (atomic sector writes)

// Per pending piece: probability that it is lost, and that it is torn; kept otherwise.
// lose + tear must be <= 1. A torn piece keeps each of its sectors with probability 1/2. A
// pending truncate is lost with probability `lose`.
struct TearOptions {
  double lose = 0.3;
  double tear = 0.3;
};

class CrashModel {
 public:
  // Starts tracking a file. `baseline` is its durable content when the model first sees it (empty
  // for a new file). Tracking an already tracked path starts it afresh from `baseline`.
  void track(const std::string& path, std::vector<std::byte> baseline);
  bool tracks(const std::string& path) const;
  // write/truncate/fsync on a path that is not tracked first track it with an empty baseline.
  // A write extends the file (zero-filled gap) if it ends beyond the end; empty writes do nothing.
  void write(const std::string& path, uint64_t offset, std::span<const std::byte> data);
  void truncate(const std::string& path, uint64_t size);
  // Pending writes and truncates of that file become durable.
  void fsync(const std::string& path);
  // Durable at once. `to` is replaced; renaming an untracked file stops tracking `to` (the model
  // no longer knows what is there). Renaming a path onto itself does nothing.
  void rename(const std::string& from, const std::string& to);
  // Durable at once; the file is no longer tracked. Unlinking an untracked path does nothing.
  void unlink(const std::string& path);

  // The content of every tracked file as a power cut now could leave it (see the model above).
  // Deterministic: a splitmix64 stream seeded from `seed` (no standard-library distributions),
  // files taken in path order. Same seed and options => same image.
  std::map<std::string, std::vector<std::byte>> crash_image(uint64_t seed,
                                                            const TearOptions& options = {}) const;

  // Current (not crashed) content: what a read sees now. The path must be tracked.
  const std::vector<std::byte>& current(const std::string& path) const;
  // Durable content: what every crash image holds before pending operations. Must be tracked.
  const std::vector<std::byte>& durable(const std::string& path) const;
  // Pending operations (writes and truncates) since the file's last fsync; 0 if not tracked.
  size_t pending_writes(const std::string& path) const;
  // Tracked paths, sorted.
  std::vector<std::string> paths() const;

 private:
  struct PendingOp {
    bool is_truncate = false;
    uint64_t offset = 0;  // write: file offset; truncate: the new size
    std::vector<std::byte> data;
  };
  struct FileState {
    std::vector<std::byte> durable;
    std::vector<std::byte> current;
    std::vector<PendingOp> pending;
  };

  FileState& state_of(const std::string& path);

  std::map<std::string, FileState> files_;
};

// One mutating operation that reached the base storage under SimStorage::start_trace(), in order.
struct TraceOp {
  enum Kind {
    kCreate,    // the file enters the trace: `data` is its durable baseline. Emitted for an open
                // with OpenMode::kCreateTruncate (data empty), and for a file that existed before
                // the trace, at its first write/truncate/fsync (data = its content then)
    kWrite,     // pwrite of `data` at `offset` (size = data.size()); also a short write's prefix
    kTruncate,  // truncate to `size`
    kFsync,     // successful fsync of `path`
    kRename,    // rename `path` to `to`
    kUnlink,    // unlink `path`
    kMark,      // SimStorage::mark(label): a point the test cares about (no storage effect)
  };
  Kind kind = kMark;
  std::string path;
  std::string to;
  uint64_t offset = 0;
  uint64_t size = 0;
  std::vector<std::byte> data;
  std::string label;
};

// Applies one traced operation to a model (kMark does nothing).
void replay(const TraceOp& op, CrashModel& model);

}  // namespace h5rec::platform
