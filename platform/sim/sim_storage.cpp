#include "platform/sim/sim_storage.hpp"

namespace h5rec::platform {
namespace {

class SimFile final : public File {
 public:
  SimFile(std::unique_ptr<File> base, SimStorage& storage)
      : base_(std::move(base)), storage_(storage) {}

  Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
    return base_->pwrite(data, offset);
  }
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    return base_->pread(out, offset);
  }
  Status fsync() override {
    storage_.before_fsync();
    return base_->fsync();
  }
  Status truncate(uint64_t size) override { return base_->truncate(size); }
  Result<bool> try_lock() override { return base_->try_lock(); }
  Result<uint64_t> size() override { return base_->size(); }
  const std::string& path() const override { return base_->path(); }

 private:
  std::unique_ptr<File> base_;
  SimStorage& storage_;
};

}  // namespace

Result<std::unique_ptr<File>> SimStorage::open(const std::string& path, OpenMode mode) {
  auto file = base_.open(path, mode);
  if (!file) return file.error();
  return std::unique_ptr<File>(std::make_unique<SimFile>(std::move(file.value()), *this));
}

void SimStorage::before_fsync() {
  ++fsyncs_;
  if (stall_.at_fsync != 0 && fsyncs_ == stall_.at_fsync) {
    clock_.sleep_until(clock_.monotonic_ns() + stall_.duration_ns);
  }
}

}  // namespace h5rec::platform
