#include "memory_storage.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace h5rec::fuzz {
namespace {

Error read_only(const char* what, const std::string& path) {
  return Error{std::string(what) + " '" + path + "': " + std::strerror(EROFS), EROFS};
}

class MemoryFile final : public platform::File {
 public:
  MemoryFile(std::string path, const std::string& bytes) : path_(std::move(path)), bytes_(bytes) {}

  Status pwrite(std::span<const std::byte>, uint64_t) override {
    return read_only("pwrite", path_);
  }
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    if (offset >= bytes_.size()) return size_t{0};
    const size_t n = std::min<uint64_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }
  Status fsync() override { return {}; }
  Status truncate(uint64_t) override { return read_only("truncate", path_); }
  Result<bool> try_lock() override { return true; }
  Result<uint64_t> size() override { return uint64_t{bytes_.size()}; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  const std::string& bytes_;
};

}  // namespace

void MemoryStorage::put(const std::string& path, std::string_view bytes) {
  files_[path].assign(bytes.data(), bytes.size());
}

Result<std::unique_ptr<platform::File>> MemoryStorage::open(const std::string& path,
                                                            platform::OpenMode mode) {
  if (mode != platform::OpenMode::kRead) return read_only("open", path);
  const auto it = files_.find(path);
  if (it == files_.end()) {
    return Error{"open '" + path + "': " + std::strerror(ENOENT), ENOENT};
  }
  return std::unique_ptr<platform::File>(new MemoryFile(path, it->second));
}

Status MemoryStorage::rename(const std::string& from, const std::string&) {
  return read_only("rename", from);
}
Status MemoryStorage::unlink(const std::string& path) { return read_only("unlink", path); }
Status MemoryStorage::replace_symlink(const std::string&, const std::string& link) {
  return read_only("symlink", link);
}
Status MemoryStorage::make_directories(const std::string& path) { return read_only("mkdir", path); }
Status MemoryStorage::sync_directory(const std::string&) { return {}; }
Result<uint64_t> MemoryStorage::free_bytes(const std::string&) { return uint64_t{0}; }
bool MemoryStorage::exists(const std::string& path) { return files_.contains(path); }

Result<std::vector<std::string>> MemoryStorage::list_directory(const std::string& path) {
  const std::string prefix = path + "/";
  std::vector<std::string> names;
  for (const auto& [name, bytes] : files_) {
    if (name.starts_with(prefix) && name.find('/', prefix.size()) == std::string::npos) {
      names.push_back(name.substr(prefix.size()));
    }
  }
  if (names.empty()) return Error{"opendir '" + path + "': " + std::strerror(ENOENT), ENOENT};
  return names;
}

Result<double> MemoryStorage::seconds_since_modified(const std::string& path) {
  if (!exists(path)) return Error{"stat '" + path + "': " + std::strerror(ENOENT), ENOENT};
  return 0.0;
}

}  // namespace h5rec::fuzz
