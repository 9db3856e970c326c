#include "platform/posix/posix_storage.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <optional>
#include <utility>

static_assert(sizeof(off_t) == 8, "files past 2 GiB need a 64-bit off_t (_FILE_OFFSET_BITS=64)");

namespace h5rec::platform {
namespace {

Error os_error(const char* what, const std::string& path, int err) {
  return Error{std::string(what) + " '" + path + "': " + std::strerror(err), err};
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
    while (!data.empty()) {
      const ssize_t n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return os_error("pwrite", path_, errno);
      }
      if (n == 0) return Error{"pwrite '" + path_ + "': wrote 0 bytes"};
      data = data.subspan(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
    return {};
  }

  // Writeback of the new pages starts at once (it does not wait), and the pages streamed
  // kStreamBehindBytes before are waited for and dropped from the page cache: the cache holds at
  // most that much of a recording, and its pages are recycled rather than taken fresh.
  Status pwrite_streamed(std::span<const std::byte> data, uint64_t offset) override {
    assert(offset % kStreamBlockBytes == 0 && data.size() % kStreamBlockBytes == 0);
    if (Status s = pwrite(data, offset); !s) return s;
    const auto start = static_cast<off_t>(offset);
    const auto length = static_cast<off_t>(data.size());
    if (::sync_file_range(fd_, start, length, SYNC_FILE_RANGE_WRITE) != 0) note_writeback_failure();
    streamed_.push_back({offset, data.size()});
    streamed_bytes_ += data.size();
    while (streamed_bytes_ - streamed_.front().size >= kStreamBehindBytes) {
      const Range oldest = streamed_.front();
      streamed_.pop_front();
      streamed_bytes_ -= oldest.size;
      const auto from = static_cast<off_t>(oldest.offset);
      const auto size = static_cast<off_t>(oldest.size);
      if (::sync_file_range(fd_, from, size,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
        note_writeback_failure();
      }
      ::posix_fadvise(fd_, from, size, POSIX_FADV_DONTNEED);
    }
    return {};
  }

  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    size_t total = 0;
    while (total < out.size()) {
      const ssize_t n =
          ::pread(fd_, out.data() + total, out.size() - total, static_cast<off_t>(offset + total));
      if (n < 0) {
        if (errno == EINTR) continue;
        return os_error("pread", path_, errno);
      }
      if (n == 0) break;
      total += static_cast<size_t>(n);
    }
    return total;
  }

  Status fsync() override {
    if (::fsync(fd_) != 0) return os_error("fsync", path_, errno);
    // Waiting for streamed pages took their writeback error (the kernel reports one once per
    // descriptor): it fails this fsync, as it would have without streaming.
    if (writeback_failure_) return *std::exchange(writeback_failure_, std::nullopt);
    return {};
  }

  Status truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return os_error("ftruncate", path_, errno);
    return {};
  }

  Result<bool> try_lock() override {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK) return false;
    return os_error("flock", path_, errno);
  }

  Result<uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return os_error("fstat", path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  struct Range {
    uint64_t offset;
    size_t size;
  };
  // Streamed bytes left in the page cache (written back or being written back).
  static constexpr size_t kStreamBehindBytes = size_t{8} << 20;

  void note_writeback_failure() {
    if (!writeback_failure_) writeback_failure_ = os_error("write back", path_, errno);
  }

  int fd_;
  std::string path_;
  std::deque<Range> streamed_;  // oldest first
  size_t streamed_bytes_ = 0;
  std::optional<Error> writeback_failure_;  // for the next fsync()
};

}  // namespace

Result<std::unique_ptr<File>> PosixStorage::open(const std::string& path, OpenMode mode) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::kRead:
      flags |= O_RDONLY;
      break;
    case OpenMode::kReadWrite:
      flags |= O_RDWR;
      break;
    case OpenMode::kCreateTruncate:
      flags |= O_RDWR | O_CREAT | O_TRUNC;
      break;
  }
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return os_error("open", path, errno);
  return std::unique_ptr<File>(std::make_unique<PosixFile>(fd, path));
}

Status PosixStorage::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return os_error("rename", from + "' to '" + to, errno);
  return {};
}

Status PosixStorage::unlink(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return os_error("unlink", path, errno);
  return {};
}

Status PosixStorage::replace_symlink(const std::string& target, const std::string& link) {
  const std::string temporary = link + ".new";
  ::unlink(temporary.c_str());
  if (::symlink(target.c_str(), temporary.c_str()) != 0)
    return os_error("symlink", temporary, errno);
  return rename(temporary, link);
}

Status PosixStorage::make_directories(const std::string& path) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return os_error("mkdir", partial, errno);
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return os_error("stat", path, errno);
  if (!S_ISDIR(st.st_mode)) return Error{"'" + path + "' exists and is not a directory"};
  return {};
}

Status PosixStorage::sync_directory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return os_error("open directory", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return os_error("fsync directory", path, err);
  return {};
}

Result<uint64_t> PosixStorage::free_bytes(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) return os_error("statvfs", path, errno);
  return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

bool PosixStorage::exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool PosixStorage::is_symlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

Result<std::string> PosixStorage::resolve(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return os_error("resolve", path, errno);
  std::string out(resolved);
  std::free(resolved);
  return out;
}

Result<std::vector<std::string>> PosixStorage::list_directory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return os_error("opendir", path, errno);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<double> PosixStorage::seconds_since_modified(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return os_error("stat", path, errno);
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec - st.st_mtim.tv_sec) +
         static_cast<double>(now.tv_nsec - st.st_mtim.tv_nsec) * 1e-9;
}

}  // namespace h5rec::platform
