// Storage for host tests: a real directory underneath (so h5py and h5dump can read the result)
// with deterministic faults layered on top (platform/sim/fault.hpp): errors and short writes on
// the n-th operation of a kind, stalls, a capacity that fills like a full card, and a power cut
// after the n-th write that leaves the directory as a cut could (platform/sim/crash_model.hpp).
// A stall sleeps on the clock, so with a SimClock it costs no wall time and the samplers keep
// running while the writer is blocked.
//
// Threads: every method may be called from any thread (a mutex guards the counters, faults,
// crash model and trace; it is held during each base operation, so operations are serialised,
// but never during a stall's sleep). The calling thread of an operation that may stall must be
// attached to the clock. Files opened here must not outlive the SimStorage.
//
// Files are known by the path they were opened with (sizes, crash model, trace): writing through
// a File after renaming its path is attributed to the old name (the recorder renames no file).
//
// Errors name the operation and path, like PosixStorage's:
//   "pwrite '/x/y.h5': Input/output error (injected: write #12)"
//   "pwrite '/x/y.h5': No space left on device (capacity 1048576 bytes, 1048064 used)"
//   "fsync '/x/y.h5': Input/output error: device powered off (simulated power cut after write #7)"
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "platform/clock.hpp"
#include "platform/sim/crash_model.hpp"
#include "platform/sim/fault.hpp"
#include "platform/storage.hpp"

namespace h5rec::platform {

// Operations that reached the base storage and succeeded (a short write's prefix counts as a
// write of its prefix). bytes_written is what write-amplification figures divide by.
struct StorageCounts {
  uint64_t writes = 0;
  uint64_t bytes_written = 0;
  uint64_t fsyncs = 0;  // file fsyncs (not sync_directory)
  uint64_t reads = 0;
  uint64_t bytes_read = 0;
};

class SimStorage final : public Storage {
 public:
  // `base` and `clock` must outlive this object.
  SimStorage(Storage& base, Clock& clock);
  ~SimStorage() override;
  SimStorage(const SimStorage&) = delete;
  SimStorage& operator=(const SimStorage&) = delete;

  // Faults (fault.hpp): each call adds one; its counting starts now.
  void inject(const Fault& fault);
  // Removes every fault. A power cut that already happened stays in effect.
  void clear_faults();

  // Arms a power cut (replacing an armed one) and starts a fresh CrashModel: every file touched
  // from now on is tracked, its baseline read from disk at its first operation (an open with
  // kCreateTruncate tracks it empty). Right after the cut.after_writes-th successful pwrite, that
  // pwrite returns success, crash_image(cut.seed) of every tracked file is written to the base
  // storage (each file truncated to its image), and from then on every operation fails with EIO:
  // open, make_directories, rename, unlink, replace_symlink, sync_directory, and every method of
  // every File opened here, including those opened before the cut. The read-only views exists,
  // is_symlink, resolve, list_directory, free_bytes and seconds_since_modified keep working, so
  // a test can look at the directory through the same storage. If writing the image fails, that
  // pwrite returns the error instead. after_writes = 0: the model is fed but no cut happens.
  void inject(const PowerCut& cut);
  bool powered_off() const;

  // Simulated card size: used = the sum of the current sizes of the files this storage has
  // opened for writing (kReadWrite: its size at that open; kCreateTruncate: 0), following
  // pwrite, truncate, rename and unlink by path (spelled as given). A pwrite or an extending
  // truncate that would grow used beyond the capacity fails with ENOSPC and changes nothing.
  // free_bytes() returns capacity - used (0 when above), or the base's answer without capacity.
  void set_capacity(uint64_t bytes);
  void clear_capacity();
  uint64_t used_bytes() const;

  StorageCounts counts() const;
  uint64_t fsync_count() const { return counts().fsyncs; }

  // Trace of every mutating operation reaching the base storage (TraceOp in crash_model.hpp),
  // for replay() into a CrashModel. start_trace() clears the trace and starts recording; mark()
  // appends a kMark while recording (ignored otherwise). trace() must not be called while another
  // thread uses this storage. make_directories, replace_symlink and sync_directory are not traced
  // (directory operations are durable in the crash model; symlinks are not modelled), except that
  // a traced file which replace_symlink replaces is traced as unlinked.
  void start_trace();
  void mark(std::string label);
  const std::vector<TraceOp>& trace() const;

  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status unlink(const std::string& path) override;
  Status replace_symlink(const std::string& target, const std::string& link) override;
  Status make_directories(const std::string& path) override;
  Status sync_directory(const std::string& path) override;
  Result<uint64_t> free_bytes(const std::string& path) override;
  bool exists(const std::string& path) override;
  bool is_symlink(const std::string& path) override;
  Result<std::string> resolve(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& path) override;
  Result<double> seconds_since_modified(const std::string& path) override;

 private:
  class SimFile;
  struct ActiveFault {
    Fault fault;
    uint64_t seen = 0;  // matching operations since inject
  };
  // What the active faults do to one operation.
  struct FaultHit {
    int64_t stall_ns = 0;
    std::optional<ActiveFault> failure;  // the first firing kError/kShortWrite, `seen` = its index
  };

  FaultHit match_faults(FaultOp op, const std::string& path, const std::string& other_path = {});
  // Counts the operation against the faults and serves any stall (unlocking around the sleep).
  // Returns the failing fault, if any; the caller checks powered_off_ again afterwards.
  std::optional<ActiveFault> pass_faults(std::unique_lock<std::mutex>& lock, FaultOp op,
                                         const std::string& path,
                                         const std::string& other_path = {});
  // Before the first mutation of a file after inject(PowerCut)/start_trace: its baseline.
  Status ensure_known(const std::string& path, File& base_file);
  Status power_cut();
  Error powered_off_error(const std::string& what, const std::string& path) const;
  void traced(TraceOp op);
  void set_known_size(const std::string& path, uint64_t size);
  // The size used_ counts for the file (its size on disk when first seen).
  Result<uint64_t> known_size(const std::string& path, File& base_file);
  // ENOSPC when growing used_ by `growth` would pass the capacity.
  Status check_room(const char* what, const std::string& path, uint64_t growth) const;

  // Called by SimFile.
  Status file_pwrite(File& base_file, std::span<const std::byte> data, uint64_t offset);
  Result<size_t> file_pread(File& base_file, std::span<std::byte> out, uint64_t offset);
  Status file_fsync(File& base_file);
  Status file_truncate(File& base_file, uint64_t size);
  Result<bool> file_try_lock(File& base_file);
  Result<uint64_t> file_size(File& base_file);

  Storage& base_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<ActiveFault> faults_;
  StorageCounts counts_;
  std::optional<uint64_t> capacity_;
  std::unordered_map<std::string, uint64_t> sizes_;  // known files' current sizes
  uint64_t used_ = 0;                                // sum of sizes_
  std::optional<PowerCut> cut_;
  std::optional<CrashModel> model_;  // fed while a power cut is armed (or has happened)
  uint64_t writes_since_cut_armed_ = 0;
  bool powered_off_ = false;
  bool tracing_ = false;
  std::vector<TraceOp> trace_;
  std::set<std::string> traced_paths_;  // files the trace has a kCreate for
};

}  // namespace h5rec::platform
