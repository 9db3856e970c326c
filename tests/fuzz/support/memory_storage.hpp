// Read-only platform storage over files held in memory, so a fuzz harness can feed its input
// through the same Storage seam the recorder reads from, without touching the disk on every run.
// Files are put() by path; open() serves kRead only; every mutating operation fails (EROFS).
// Not thread-safe: one harness thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/storage.hpp"

namespace h5rec::fuzz {

class MemoryStorage final : public platform::Storage {
 public:
  // Makes `path` hold `bytes` (replacing what it held). Files opened before keep their view
  // only until the next put() of the same path.
  void put(const std::string& path, std::string_view bytes);

  Result<std::unique_ptr<platform::File>> open(const std::string& path,
                                               platform::OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status unlink(const std::string& path) override;
  Status replace_symlink(const std::string& target, const std::string& link) override;
  Status make_directories(const std::string& path) override;
  Status sync_directory(const std::string& path) override;
  Result<uint64_t> free_bytes(const std::string& path) override;
  bool exists(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& path) override;
  Result<double> seconds_since_modified(const std::string& path) override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace h5rec::fuzz
