// Typed, deterministic storage faults for the sim platform (SimStorage::inject), in the manner of
// LittleFS's emulated block device and SQLite's test VFS: a countdown to the n-th operation of a
// kind, once or from then on, with an errno, a partial write or a stall; and a power cut after
// the n-th write (platform/sim/crash_model.hpp says what a cut leaves on disk).
#pragma once

#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

namespace h5rec::platform {

// The storage operation a Fault applies to. kOpen counts opens in every mode; kRename also counts
// replace_symlink (which replaces the link by a rename). make_directories is never faulted.
enum class FaultOp { kOpen, kWrite, kRead, kFsync, kTruncate, kSyncDirectory, kRename, kUnlink };

enum class FaultEffect {
  kError,       // the operation fails with `error` and changes nothing
  kShortWrite,  // kWrite: short_write_prefix(size) bytes reach the file, then it fails with
                // `error`. On any other operation it acts as kError.
  kStall,       // the calling thread sleeps stall_ns on the storage's clock, then the operation
                // proceeds (and may still meet another fault or the capacity limit)
};

// Name of an operation kind in messages ("write", "sync_directory", ...).
constexpr const char* fault_op_name(FaultOp op) {
  switch (op) {
    case FaultOp::kOpen:
      return "open";
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kRead:
      return "read";
    case FaultOp::kFsync:
      return "fsync";
    case FaultOp::kTruncate:
      return "truncate";
    case FaultOp::kSyncDirectory:
      return "sync_directory";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kUnlink:
      return "unlink";
  }
  return "?";
}

// Bytes a kShortWrite of `size` bytes leaves in the file: half of it rounded down to a whole
// 512-byte sector (0 for writes under 1 KiB), always < size.
constexpr uint64_t short_write_prefix(uint64_t size) { return size / 2 / 512 * 512; }

// One injected fault. Each Fault counts, from the moment it is injected, the operations of its
// kind (over all files) whose path contains path_contains, and fires on the nth of them (and, when
// persistent, on every later one) until SimStorage::clear_faults(). Several faults may be active;
// all count every operation. When several fire on one operation their stalls add up, and then
// the first injected kError/kShortWrite among them decides the failure.
//
// GCC 12 warns (-Wmissing-field-initializers) on designated initializers that leave members out,
// so build them with the named constructors below, e.g.
//   Fault::failing(FaultOp::kWrite, 12, ENOSPC).from_then_on().on_path(".h5")
struct Fault {
  FaultOp op = FaultOp::kWrite;
  uint64_t nth = 0;         // 1-based index among matching operations since inject; 0 = never
  bool persistent = false;  // also every later matching operation (until clear_faults)
  FaultEffect effect = FaultEffect::kError;
  int error = EIO;            // errno for kError/kShortWrite (EIO or ENOSPC)
  int64_t stall_ns = 0;       // kStall: how long the operation blocks on the clock, ns
  std::string path_contains;  // only operations on paths containing this text count ("" = all);
                              // a rename counts when either of its paths contains it

  static Fault failing(FaultOp fault_op, uint64_t at, int errno_value = EIO) {
    Fault fault;
    fault.op = fault_op;
    fault.nth = at;
    fault.error = errno_value;
    return fault;
  }
  static Fault short_write(uint64_t at, int errno_value = EIO) {
    Fault fault = failing(FaultOp::kWrite, at, errno_value);
    fault.effect = FaultEffect::kShortWrite;
    return fault;
  }
  static Fault stall(FaultOp fault_op, uint64_t at, int64_t duration_ns) {
    Fault fault;
    fault.op = fault_op;
    fault.nth = at;
    fault.effect = FaultEffect::kStall;
    fault.stall_ns = duration_ns;
    return fault;
  }
  Fault from_then_on() const {
    Fault fault = *this;
    fault.persistent = true;
    return fault;
  }
  Fault on_path(std::string text) const {
    Fault fault = *this;
    fault.path_contains = std::move(text);
    return fault;
  }
};

// A simulated power cut: see SimStorage::inject(const PowerCut&).
struct PowerCut {
  uint64_t after_writes = 0;  // the cut happens right after the N-th successful pwrite (1-based,
                              // all files, counted since inject); 0 = never
  uint64_t seed = 0;          // chooses which unsynced pages survive or tear (CrashModel)
};

}  // namespace h5rec::platform
