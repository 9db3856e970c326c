// Storage for throwaway crash images: PosixStorage with fsync and sync_directory turned into
// no-ops. Recovery of an image calls both; on a real disk they would make the sweep I/O-bound
// for no benefit (an image is deleted once verified, and nothing here simulates a further cut).
// Threads: as PosixStorage.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "platform/posix/posix_storage.hpp"

namespace h5rec::fault {

class ScratchStorage final : public platform::Storage {
 public:
  Result<std::unique_ptr<platform::File>> open(const std::string& path,
                                               platform::OpenMode mode) override {
    auto opened = base_.open(path, mode);
    if (!opened) return opened.error();
    return std::unique_ptr<platform::File>(new NoSyncFile(std::move(opened.value())));
  }
  Status rename(const std::string& from, const std::string& to) override {
    return base_.rename(from, to);
  }
  Status unlink(const std::string& path) override { return base_.unlink(path); }
  Status replace_symlink(const std::string& target, const std::string& link) override {
    return base_.replace_symlink(target, link);
  }
  Status make_directories(const std::string& path) override { return base_.make_directories(path); }
  Status sync_directory(const std::string& /*path*/) override { return {}; }
  Result<uint64_t> free_bytes(const std::string& path) override { return base_.free_bytes(path); }
  bool exists(const std::string& path) override { return base_.exists(path); }
  bool is_symlink(const std::string& path) override { return base_.is_symlink(path); }
  Result<std::string> resolve(const std::string& path) override { return base_.resolve(path); }
  Result<std::vector<std::string>> list_directory(const std::string& path) override {
    return base_.list_directory(path);
  }
  Result<double> seconds_since_modified(const std::string& path) override {
    return base_.seconds_since_modified(path);
  }

 private:
  class NoSyncFile final : public platform::File {
   public:
    explicit NoSyncFile(std::unique_ptr<platform::File> base) : base_(std::move(base)) {}
    Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
      return base_->pwrite(data, offset);
    }
    Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
      return base_->pread(out, offset);
    }
    Status fsync() override { return {}; }
    Status truncate(uint64_t size) override { return base_->truncate(size); }
    Result<bool> try_lock() override { return base_->try_lock(); }
    Result<uint64_t> size() override { return base_->size(); }
    const std::string& path() const override { return base_->path(); }

   private:
    std::unique_ptr<platform::File> base_;
  };

  platform::PosixStorage base_;
};

}  // namespace h5rec::fault
