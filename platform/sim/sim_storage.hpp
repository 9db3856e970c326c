// Storage for host tests: a real directory underneath (so h5py and h5dump can read the result)
// with deterministic faults layered on top. A stall sleeps on the clock, so with a SimClock it
// costs no wall time and the samplers keep running while the writer is blocked.
#pragma once

#include <cstdint>
#include <memory>

#include "platform/clock.hpp"
#include "platform/storage.hpp"

namespace h5rec::platform {

struct StallFault {
  uint64_t at_fsync = 0;     // 1-based index of the fsync (over all files) that stalls; 0 = never
  int64_t duration_ns = 0;   // how long that fsync blocks
};

class SimStorage final : public Storage {
 public:
  SimStorage(Storage& base, Clock& clock) : base_(base), clock_(clock) {}

  void inject(const StallFault& stall) { stall_ = stall; }
  uint64_t fsync_count() const { return fsyncs_; }

  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override {
    return base_.rename(from, to);
  }
  Status unlink(const std::string& path) override { return base_.unlink(path); }
  Status replace_symlink(const std::string& target, const std::string& link) override {
    return base_.replace_symlink(target, link);
  }
  Status make_directories(const std::string& path) override { return base_.make_directories(path); }
  Status sync_directory(const std::string& path) override { return base_.sync_directory(path); }
  Result<uint64_t> free_bytes(const std::string& path) override { return base_.free_bytes(path); }
  bool exists(const std::string& path) override { return base_.exists(path); }
  Result<std::vector<std::string>> list_directory(const std::string& path) override {
    return base_.list_directory(path);
  }
  Result<double> seconds_since_modified(const std::string& path) override {
    return base_.seconds_since_modified(path);
  }

  // Called by SimFile before each fsync: counts it and applies an injected stall.
  void before_fsync();

 private:
  Storage& base_;
  Clock& clock_;
  StallFault stall_;
  uint64_t fsyncs_ = 0;
};

}  // namespace h5rec::platform
