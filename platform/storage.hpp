// Storage seam: every file operation of the recorder core goes through this interface, so the
// posix implementation serves boards and the sim one can inject faults (issue: fault injection).
// Paths are plain strings; errors name the operation, the path and the errno text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"

namespace h5rec::platform {

// The block of pwrite_streamed(): a page.
inline constexpr size_t kStreamBlockBytes = 4096;

class File {
 public:
  virtual ~File() = default;
  // Writes all of data at offset or fails; a short write is retried until complete or an error.
  virtual Status pwrite(std::span<const std::byte> data, uint64_t offset) = 0;
  // Writes whole blocks of a stream (chunk data appended to a recording, gathered by
  // platform/gathered_file.hpp) that will not be read back soon: offset and size are multiples of
  // kStreamBlockBytes. Storage that can starts writing them to the device at once and, a few MiB
  // later, drops them from its cache (posix: sync_file_range, POSIX_FADV_DONTNEED), so the cache
  // holds little of a recording and a checkpoint's fsync has little left to write. A failure to
  // write them back that shows only later fails the next fsync(). Elsewhere this is pwrite().
  virtual Status pwrite_streamed(std::span<const std::byte> data, uint64_t offset) {
    return pwrite(data, offset);
  }
  // Reads up to out.size() bytes; returns the count read (less at end of file).
  virtual Result<size_t> pread(std::span<std::byte> out, uint64_t offset) = 0;
  virtual Status fsync() = 0;
  virtual Status truncate(uint64_t size) = 0;
  // Takes an exclusive advisory lock on the file, held until the File is destroyed; false if
  // another open file (in any process) holds it. A running writer holds its journal's lock, so
  // recovery never touches a live file.
  virtual Result<bool> try_lock() = 0;
  virtual Result<uint64_t> size() = 0;
  virtual const std::string& path() const = 0;
};

enum class OpenMode { kRead, kReadWrite, kCreateTruncate };

class Storage {
 public:
  virtual ~Storage() = default;
  virtual Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status unlink(const std::string& path) = 0;
  // Points `link` at `target` (a name relative to the link's directory), atomically replacing
  // an existing link. Fails on file systems without symbolic links (FAT).
  virtual Status replace_symlink(const std::string& target, const std::string& link) = 0;
  // Creates the directory and its parents if missing.
  virtual Status make_directories(const std::string& path) = 0;
  // Makes a directory's entries (new files, renames) durable.
  virtual Status sync_directory(const std::string& path) = 0;
  // Bytes available to an unprivileged writer on the file system holding path.
  virtual Result<uint64_t> free_bytes(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  // Whether path is a symbolic link (not followed). Storage without links says false.
  virtual bool is_symlink(const std::string& /*path*/) { return false; }
  // The path with every symbolic link resolved (the file a link points to now).
  virtual Result<std::string> resolve(const std::string& path) { return path; }
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> list_directory(const std::string& path) = 0;
  // Seconds since the file was last modified (realtime clock of the storage).
  virtual Result<double> seconds_since_modified(const std::string& path) = 0;
};

}  // namespace h5rec::platform
