#include "platform/sim/sim_storage.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace h5rec::platform {
namespace {

std::string quoted(const std::string& what, const std::string& path) {
  return what + " '" + path + "': ";
}

Error injected_error(const std::string& what, const std::string& path, int err, FaultOp op,
                     uint64_t index) {
  return Error{quoted(what, path) + std::strerror(err) + " (injected: " + fault_op_name(op) + " #" +
                   std::to_string(index) + ")",
               err};
}

// Reads a whole file through an open handle (the crash model's baseline).
Result<std::vector<std::byte>> read_all(File& file) {
  auto size = file.size();
  if (!size) return size.error();
  std::vector<std::byte> content(size.value());
  auto got = file.pread(content, 0);
  if (!got) return got.error();
  content.resize(got.value());
  return content;
}

}  // namespace

class SimStorage::SimFile final : public File {
 public:
  SimFile(std::unique_ptr<File> base, SimStorage& storage)
      : base_(std::move(base)), storage_(storage) {}

  Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
    return storage_.file_pwrite(*base_, data, offset);
  }
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    return storage_.file_pread(*base_, out, offset);
  }
  Status fsync() override { return storage_.file_fsync(*base_); }
  Status truncate(uint64_t size) override { return storage_.file_truncate(*base_, size); }
  Result<bool> try_lock() override { return storage_.file_try_lock(*base_); }
  Result<uint64_t> size() override { return storage_.file_size(*base_); }
  const std::string& path() const override { return base_->path(); }

 private:
  std::unique_ptr<File> base_;
  SimStorage& storage_;
};

SimStorage::SimStorage(Storage& base, Clock& clock) : base_(base), clock_(clock) {}

SimStorage::~SimStorage() = default;

// --- configuration -------------------------------------------------------------------------------

void SimStorage::inject(const Fault& fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(ActiveFault{fault, 0});
}

void SimStorage::clear_faults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

void SimStorage::inject(const PowerCut& cut) {
  std::lock_guard lock(mutex_);
  cut_ = cut;
  model_.emplace();
  writes_since_cut_armed_ = 0;
}

bool SimStorage::powered_off() const {
  std::lock_guard lock(mutex_);
  return powered_off_;
}

void SimStorage::set_capacity(uint64_t bytes) {
  std::lock_guard lock(mutex_);
  capacity_ = bytes;
}

void SimStorage::clear_capacity() {
  std::lock_guard lock(mutex_);
  capacity_.reset();
}

uint64_t SimStorage::used_bytes() const {
  std::lock_guard lock(mutex_);
  return used_;
}

StorageCounts SimStorage::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void SimStorage::start_trace() {
  std::lock_guard lock(mutex_);
  trace_.clear();
  traced_paths_.clear();
  tracing_ = true;
}

void SimStorage::mark(std::string label) {
  std::lock_guard lock(mutex_);
  if (!tracing_) return;
  TraceOp op;
  op.kind = TraceOp::kMark;
  op.label = std::move(label);
  trace_.push_back(std::move(op));
}

const std::vector<TraceOp>& SimStorage::trace() const { return trace_; }

// --- helpers (mutex_ held) -----------------------------------------------------------------------

SimStorage::FaultHit SimStorage::match_faults(FaultOp op, const std::string& path,
                                              const std::string& other_path) {
  FaultHit hit;
  for (ActiveFault& active : faults_) {
    const Fault& fault = active.fault;
    if (fault.op != op) continue;
    if (!fault.path_contains.empty() && path.find(fault.path_contains) == std::string::npos &&
        (other_path.empty() || other_path.find(fault.path_contains) == std::string::npos)) {
      continue;
    }
    ++active.seen;
    if (fault.nth == 0) continue;
    const bool fires = active.seen == fault.nth || (fault.persistent && active.seen > fault.nth);
    if (!fires) continue;
    if (fault.effect == FaultEffect::kStall) {
      hit.stall_ns += fault.stall_ns;
    } else if (!hit.failure) {
      hit.failure = active;
    }
  }
  return hit;
}

std::optional<SimStorage::ActiveFault> SimStorage::pass_faults(std::unique_lock<std::mutex>& lock,
                                                               FaultOp op, const std::string& path,
                                                               const std::string& other_path) {
  FaultHit hit = match_faults(op, path, other_path);
  if (hit.stall_ns > 0) {
    // Never sleep holding the mutex: other threads (status readers) keep using the storage.
    lock.unlock();
    clock_.sleep_until(clock_.monotonic_ns() + hit.stall_ns);
    lock.lock();
  }
  return hit.failure;
}

Status SimStorage::ensure_known(const std::string& path, File& base_file) {
  const bool model_needs = model_.has_value() && !model_->tracks(path);
  const bool trace_needs = tracing_ && !traced_paths_.contains(path);
  if (!model_needs && !trace_needs) return {};
  auto content = read_all(base_file);
  if (!content) return content.error();
  if (trace_needs) {
    TraceOp op;
    op.kind = TraceOp::kCreate;
    op.path = path;
    op.data = content.value();
    traced(std::move(op));
  }
  if (model_needs) model_->track(path, std::move(content.value()));
  return {};
}

void SimStorage::traced(TraceOp op) {
  switch (op.kind) {
    case TraceOp::kCreate:
      traced_paths_.insert(op.path);
      break;
    case TraceOp::kRename:
      if (op.path == op.to) break;
      if (traced_paths_.erase(op.path) != 0) {
        traced_paths_.insert(op.to);
      } else {
        traced_paths_.erase(op.to);
      }
      break;
    case TraceOp::kUnlink:
      traced_paths_.erase(op.path);
      break;
    case TraceOp::kWrite:
    case TraceOp::kTruncate:
    case TraceOp::kFsync:
    case TraceOp::kMark:
      break;
  }
  trace_.push_back(std::move(op));
}

void SimStorage::set_known_size(const std::string& path, uint64_t size) {
  auto [entry, inserted] = sizes_.try_emplace(path, 0);
  used_ = used_ - entry->second + size;
  entry->second = size;
}

Result<uint64_t> SimStorage::known_size(const std::string& path, File& base_file) {
  if (auto known = sizes_.find(path); known != sizes_.end()) return known->second;
  auto size = base_file.size();
  if (!size) return size.error();
  set_known_size(path, size.value());
  return size.value();
}

Status SimStorage::check_room(const char* what, const std::string& path, uint64_t growth) const {
  if (!capacity_ || growth == 0 || used_ + growth <= *capacity_) return {};
  return Error{quoted(what, path) + std::strerror(ENOSPC) + " (capacity " +
                   std::to_string(*capacity_) + " bytes, " + std::to_string(used_) + " used)",
               ENOSPC};
}

Error SimStorage::powered_off_error(const std::string& what, const std::string& path) const {
  return Error{quoted(what, path) + std::strerror(EIO) +
                   ": device powered off (simulated power cut after write #" +
                   std::to_string(cut_ ? cut_->after_writes : 0) + ")",
               EIO};
}

Status SimStorage::power_cut() {
  powered_off_ = true;
  const auto image = model_->crash_image(cut_->seed);
  for (const auto& [path, content] : image) {
    auto file = base_.open(path, OpenMode::kCreateTruncate);
    Status written = file ? file.value()->pwrite(content, 0) : Status(file.error());
    if (!written) {
      return Error{"simulated power cut after write #" + std::to_string(cut_->after_writes) +
                       ": writing the crash image failed: " + written.message(),
                   written.code()};
    }
  }
  return {};
}

// --- files ---------------------------------------------------------------------------------------

Status SimStorage::file_pwrite(File& base_file, std::span<const std::byte> data, uint64_t offset) {
  const std::string& path = base_file.path();
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("pwrite", path);
  const auto failure = pass_faults(lock, FaultOp::kWrite, path);
  if (powered_off_) return powered_off_error("pwrite", path);
  if (failure && failure->fault.effect != FaultEffect::kShortWrite) {
    return injected_error("pwrite", path, failure->fault.error, FaultOp::kWrite, failure->seen);
  }
  uint64_t length = failure ? short_write_prefix(data.size()) : data.size();

  auto known = known_size(path, base_file);
  if (!known) return known.error();
  const uint64_t old_size = known.value();
  const uint64_t new_size = length == 0 ? old_size : std::max(old_size, offset + length);
  if (Status room = check_room("pwrite", path, new_size - old_size); !room) {
    if (!failure) return room;
    length = 0;  // not even the short write's prefix fits
  }

  if (length > 0) {
    const auto written_part = data.first(static_cast<size_t>(length));
    if (Status known_status = ensure_known(path, base_file); !known_status) return known_status;
    if (Status written = base_file.pwrite(written_part, offset); !written) return written;
    set_known_size(path, std::max(old_size, offset + length));
    ++counts_.writes;
    counts_.bytes_written += length;
    if (model_) model_->write(path, offset, written_part);
    if (tracing_) {
      TraceOp op;
      op.kind = TraceOp::kWrite;
      op.path = path;
      op.offset = offset;
      op.size = length;
      op.data.assign(written_part.begin(), written_part.end());
      traced(std::move(op));
    }
  }
  if (failure) {
    const int err = failure->fault.error;
    return Error{quoted("pwrite", path) + std::strerror(err) + " (injected: short write #" +
                     std::to_string(failure->seen) + ", " + std::to_string(length) + " of " +
                     std::to_string(data.size()) + " bytes written)",
                 err};
  }
  if (cut_ && ++writes_since_cut_armed_ == cut_->after_writes) return power_cut();
  return {};
}

Result<size_t> SimStorage::file_pread(File& base_file, std::span<std::byte> out, uint64_t offset) {
  const std::string& path = base_file.path();
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("pread", path);
  const auto failure = pass_faults(lock, FaultOp::kRead, path);
  if (powered_off_) return powered_off_error("pread", path);
  if (failure) {
    return injected_error("pread", path, failure->fault.error, FaultOp::kRead, failure->seen);
  }
  auto got = base_file.pread(out, offset);
  if (!got) return got;
  ++counts_.reads;
  counts_.bytes_read += got.value();
  return got;
}

Status SimStorage::file_fsync(File& base_file) {
  const std::string& path = base_file.path();
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("fsync", path);
  const auto failure = pass_faults(lock, FaultOp::kFsync, path);
  if (powered_off_) return powered_off_error("fsync", path);
  if (failure) {
    return injected_error("fsync", path, failure->fault.error, FaultOp::kFsync, failure->seen);
  }
  if (Status synced = base_file.fsync(); !synced) return synced;
  ++counts_.fsyncs;
  // A file the model or trace has not seen has nothing pending in their view: no baseline needed.
  if (model_ && model_->tracks(path)) model_->fsync(path);
  if (tracing_ && traced_paths_.contains(path)) {
    TraceOp op;
    op.kind = TraceOp::kFsync;
    op.path = path;
    traced(std::move(op));
  }
  return {};
}

Status SimStorage::file_truncate(File& base_file, uint64_t size) {
  const std::string& path = base_file.path();
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("ftruncate", path);
  const auto failure = pass_faults(lock, FaultOp::kTruncate, path);
  if (powered_off_) return powered_off_error("ftruncate", path);
  if (failure) {
    return injected_error("ftruncate", path, failure->fault.error, FaultOp::kTruncate,
                          failure->seen);
  }
  auto old_size = known_size(path, base_file);
  if (!old_size) return old_size.error();
  // Extending allocates, as on the FAT and exFAT of most SD cards: it counts against the card.
  const uint64_t growth = size > old_size.value() ? size - old_size.value() : 0;
  if (Status room = check_room("ftruncate", path, growth); !room) return room;
  if (Status known = ensure_known(path, base_file); !known) return known;
  if (Status truncated = base_file.truncate(size); !truncated) return truncated;
  set_known_size(path, size);
  if (model_) model_->truncate(path, size);
  if (tracing_) {
    TraceOp op;
    op.kind = TraceOp::kTruncate;
    op.path = path;
    op.size = size;
    traced(std::move(op));
  }
  return {};
}

Result<bool> SimStorage::file_try_lock(File& base_file) {
  std::lock_guard lock(mutex_);
  if (powered_off_) return powered_off_error("flock", base_file.path());
  return base_file.try_lock();
}

Result<uint64_t> SimStorage::file_size(File& base_file) {
  std::lock_guard lock(mutex_);
  if (powered_off_) return powered_off_error("fstat", base_file.path());
  return base_file.size();
}

// --- storage -------------------------------------------------------------------------------------

Result<std::unique_ptr<File>> SimStorage::open(const std::string& path, OpenMode mode) {
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("open", path);
  const auto failure = pass_faults(lock, FaultOp::kOpen, path);
  if (powered_off_) return powered_off_error("open", path);
  if (failure) {
    return injected_error("open", path, failure->fault.error, FaultOp::kOpen, failure->seen);
  }
  auto file = base_.open(path, mode);
  if (!file) return file.error();
  if (mode == OpenMode::kCreateTruncate) {
    set_known_size(path, 0);
    if (model_) model_->track(path, {});
    if (tracing_) {
      TraceOp op;
      op.kind = TraceOp::kCreate;
      op.path = path;
      traced(std::move(op));
    }
  } else if (mode == OpenMode::kReadWrite && !sizes_.contains(path)) {
    auto size = file.value()->size();
    if (!size) return size.error();
    set_known_size(path, size.value());
  }
  return std::unique_ptr<File>(std::make_unique<SimFile>(std::move(file.value()), *this));
}

Status SimStorage::rename(const std::string& from, const std::string& to) {
  const std::string both = from + "' to '" + to;  // "rename 'a' to 'b': ..." like PosixStorage
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("rename", both);
  const auto failure = pass_faults(lock, FaultOp::kRename, from, to);
  if (powered_off_) return powered_off_error("rename", both);
  if (failure) {
    return injected_error("rename", both, failure->fault.error, FaultOp::kRename, failure->seen);
  }
  if (Status renamed = base_.rename(from, to); !renamed) return renamed;
  if (from == to) return {};
  if (auto target = sizes_.find(to); target != sizes_.end()) {
    used_ -= target->second;
    sizes_.erase(target);
  }
  if (auto source = sizes_.find(from); source != sizes_.end()) {
    const uint64_t size = source->second;
    sizes_.erase(source);
    sizes_.emplace(to, size);
  }
  if (model_) model_->rename(from, to);
  if (tracing_) {
    TraceOp op;
    op.kind = TraceOp::kRename;
    op.path = from;
    op.to = to;
    traced(std::move(op));
  }
  return {};
}

Status SimStorage::unlink(const std::string& path) {
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("unlink", path);
  const auto failure = pass_faults(lock, FaultOp::kUnlink, path);
  if (powered_off_) return powered_off_error("unlink", path);
  if (failure) {
    return injected_error("unlink", path, failure->fault.error, FaultOp::kUnlink, failure->seen);
  }
  if (Status unlinked = base_.unlink(path); !unlinked) return unlinked;
  if (auto known = sizes_.find(path); known != sizes_.end()) {
    used_ -= known->second;
    sizes_.erase(known);
  }
  if (model_) model_->unlink(path);
  if (tracing_) {
    TraceOp op;
    op.kind = TraceOp::kUnlink;
    op.path = path;
    traced(std::move(op));
  }
  return {};
}

Status SimStorage::replace_symlink(const std::string& target, const std::string& link) {
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("symlink", link);
  const auto failure = pass_faults(lock, FaultOp::kRename, link);
  if (powered_off_) return powered_off_error("symlink", link);
  if (failure) {
    return injected_error("symlink", link, failure->fault.error, FaultOp::kRename, failure->seen);
  }
  if (Status replaced = base_.replace_symlink(target, link); !replaced) return replaced;
  // Whatever file was at `link` is gone (rare: links replace links).
  if (auto known = sizes_.find(link); known != sizes_.end()) {
    used_ -= known->second;
    sizes_.erase(known);
  }
  if (model_) model_->unlink(link);
  if (tracing_ && traced_paths_.contains(link)) {
    TraceOp op;
    op.kind = TraceOp::kUnlink;
    op.path = link;
    traced(std::move(op));
  }
  return {};
}

Status SimStorage::make_directories(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (powered_off_) return powered_off_error("mkdir", path);
  return base_.make_directories(path);
}

Status SimStorage::sync_directory(const std::string& path) {
  std::unique_lock lock(mutex_);
  if (powered_off_) return powered_off_error("fsync directory", path);
  const auto failure = pass_faults(lock, FaultOp::kSyncDirectory, path);
  if (powered_off_) return powered_off_error("fsync directory", path);
  if (failure) {
    return injected_error("fsync directory", path, failure->fault.error, FaultOp::kSyncDirectory,
                          failure->seen);
  }
  return base_.sync_directory(path);
}

Result<uint64_t> SimStorage::free_bytes(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (capacity_) return *capacity_ > used_ ? *capacity_ - used_ : 0;
  return base_.free_bytes(path);
}

bool SimStorage::exists(const std::string& path) {
  std::lock_guard lock(mutex_);
  return base_.exists(path);
}

bool SimStorage::is_symlink(const std::string& path) {
  std::lock_guard lock(mutex_);
  return base_.is_symlink(path);
}

Result<std::string> SimStorage::resolve(const std::string& path) {
  std::lock_guard lock(mutex_);
  return base_.resolve(path);
}

Result<std::vector<std::string>> SimStorage::list_directory(const std::string& path) {
  std::lock_guard lock(mutex_);
  return base_.list_directory(path);
}

Result<double> SimStorage::seconds_since_modified(const std::string& path) {
  std::lock_guard lock(mutex_);
  return base_.seconds_since_modified(path);
}

}  // namespace h5rec::platform
