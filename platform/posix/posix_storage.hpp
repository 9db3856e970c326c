// Storage on a Linux file system through pwrite/pread/fsync (no mmap, so every write is visible
// to tracing and fault injection).
#pragma once

#include "platform/storage.hpp"

namespace h5rec::platform {

class PosixStorage final : public Storage {
 public:
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
};

}  // namespace h5rec::platform
