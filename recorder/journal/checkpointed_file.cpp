#include "recorder/journal/checkpointed_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <utility>

#include "platform/path.hpp"
#include "recorder/journal/changed_runs.hpp"

namespace h5rec::journal {

Result<std::unique_ptr<CheckpointedFile>> CheckpointedFile::open(
    platform::Storage& storage, const std::string& path, const CheckpointedFileOptions& options) {
  const bool writable = options.writable;
  const bool create = options.create;
  if (create && options.exclusive && storage.exists(path)) {
    return Error{"create '" + path + "': the file exists", EEXIST};
  }
  std::unique_ptr<platform::File> data;
  std::unique_ptr<JournalWriter> journal;
  const auto open_journal = [&]() -> Status {
    if (!writable || !options.crash_safe) return {};
    // A data file being created starts "rolled back to empty" until its first checkpoint.
    auto j = JournalWriter::create(storage, path, create);
    if (!j) return j.error();
    journal = std::move(j.value());
    return {};
  };
  if (create) {
    // Journal first: a crash between the two leaves no data file without its journal.
    if (Status s = open_journal(); !s) return s.error();
    auto d = storage.open(path, platform::OpenMode::kCreateTruncate);
    if (!d) return d.error();
    data = std::move(d.value());
    if (Status s = storage.sync_directory(platform::directory_of(path)); !s) return s.error();
  } else {
    auto d = storage.open(path, writable ? platform::OpenMode::kReadWrite
                                         : platform::OpenMode::kRead);
    if (!d) return d.error();
    data = std::move(d.value());
    if (Status s = open_journal(); !s) return s.error();
  }
  auto gathered = platform::GatheredFile::wrap(std::move(data), writable ? options.gather_bytes : 0);
  if (!gathered) return gathered.error();
  auto size = gathered.value()->size();
  if (!size) return size.error();
  return std::unique_ptr<CheckpointedFile>(new CheckpointedFile(
      path, std::move(gathered.value()), std::move(journal), size.value(), writable));
}

uint64_t CheckpointedFile::allocated_size() const {
  std::lock_guard guard(mutex_);
  return allocated_size_;
}

void CheckpointedFile::set_allocated_size(uint64_t size) {
  std::lock_guard guard(mutex_);
  allocated_size_ = size;
}

uint64_t CheckpointedFile::size() const {
  std::lock_guard guard(mutex_);
  return size_;
}

uint64_t CheckpointedFile::committed_size() const {
  std::lock_guard guard(mutex_);
  return committed_size_;
}

Status CheckpointedFile::pending_failure() const {
  std::lock_guard guard(mutex_);
  return failure_;
}

uint64_t CheckpointedFile::take_failed_operations() {
  std::lock_guard guard(mutex_);
  return std::exchange(failed_operations_, 0);
}

Status CheckpointedFile::read(uint64_t offset, std::span<std::byte> out) {
  std::lock_guard guard(mutex_);
  auto got = data_->pread(out, offset);
  if (!got) return got.error();
  std::memset(out.data() + got.value(), 0, out.size() - got.value());  // past the end: zeros
  held_.copy_over(offset, out);
  return {};
}

Status CheckpointedFile::write(uint64_t offset, std::span<const std::byte> in) {
  std::lock_guard guard(mutex_);
  if (abandoned_) return {};  // the file is given up: nothing more reaches storage
  if (!writable_) return Error{"write '" + path_ + "': opened read-only"};
  dirty_ = true;
  const uint64_t end = offset + in.size();
  size_ = std::max(size_, end);
  if (journal_ && offset < committed_size_) {
    const size_t held = static_cast<size_t>(std::min(end, committed_size_) - offset);
    held_.hold(offset, in.first(held));
    in = in.subspan(held);
    offset += held;
  }
  if (in.empty()) return {};
  // A write over bytes still held (an earlier failed write) joins them; the newest bytes win.
  if (!held_.overlaps(offset, end)) {
    const Status s = write_through(offset, in);
    if (s) return {};
    // Storage failed: the caller is told the write succeeded (see Failures in the header), the
    // bytes are held and retried by the next commit, which reports the failure if it persists.
    failure_ = s;
    ++failed_operations_;
  }
  held_.hold(offset, in);
  if (held_.bytes() > kMaxHeldBytes) {
    give_up(Error{"'" + path_ + "': more than " + std::to_string(kMaxHeldBytes >> 20) +
                      " MiB of writes could not reach storage (" + failure_.message() + ")",
                  failure_.code()});
  }
  return {};
}

size_t CheckpointedFile::stored_length(uint64_t offset, std::span<const std::byte> in) const {
  const uint64_t inside = physical_size_ > offset ? physical_size_ - offset : 0;
  size_t n = in.size();
  while (n > inside && in[n - 1] == std::byte{0}) --n;
  return n;
}

Status CheckpointedFile::write_through(uint64_t offset, std::span<const std::byte> in) {
  in = in.first(stored_length(offset, in));
  if (in.empty()) return {};
  // Over bytes the file holds (a metadata block or partial chunk written again), only those
  // that change are written. If they cannot be read, everything is.
  const size_t inside = physical_size_ > offset ? static_cast<size_t>(std::min<uint64_t>(
                                                      in.size(), physical_size_ - offset))
                                                : 0;
  size_t known = 0;
  if (inside > 0) {
    compare_.resize(inside);
    if (auto got = data_->pread(compare_, offset)) known = got.value();
  }
  Status s;
  if (known == 0) {
    s = data_->pwrite(in, offset);
  } else {
    for_each_changed_run(std::span(compare_).first(known), in, [&](size_t from, size_t to) {
      if (s) s = data_->pwrite(in.subspan(from, to - from), offset + from);
    });
  }
  if (!s) return s;
  physical_size_ = std::max<uint64_t>(physical_size_, offset + in.size());
  return {};
}

void CheckpointedFile::give_up(const Status& why) {
  abandoned_ = true;
  failure_ = why;
  held_.clear();
}

Status CheckpointedFile::truncate() {
  std::lock_guard guard(mutex_);
  if (abandoned_ || !writable_ || allocated_size_ == size_) return {};
  // Checkpointed bytes are never cut off between checkpoints (that would need journaling them).
  const uint64_t target = journal_ ? std::max(allocated_size_, committed_size_) : allocated_size_;
  if (target != physical_size_) {
    // A failed truncate changes nothing the format above reads back: noted for the commit, not
    // fatal.
    if (Status s = data_->truncate(target); !s) {
      failure_ = s;
      ++failed_operations_;
    } else {
      physical_size_ = target;
      dirty_ = true;
    }
  }
  size_ = allocated_size_;
  return {};
}

Status CheckpointedFile::commit() {
  std::lock_guard guard(mutex_);
  if (abandoned_) {
    return Error{"commit '" + path_ + "': the file was given up (" + failure_.message() + ")",
                 failure_.code()};
  }
  if (!writable_) return {};
  // What was appended since the last commit reaches storage first: before the overwrites that
  // make it reachable (SWMR readers follow them at once) and before the fsync. A failure here is
  // a failed write: the bytes stay gathered and the next commit retries.
  if (Status s = data_->flush(); !s) return s;
  // The file must reach the allocated size (stock HDF5 calls a shorter file truncated):
  // extended with zeros before the overwrites, so nothing a reader sees points past its end.
  if (physical_size_ < allocated_size_) {
    if (Status s = data_->truncate(allocated_size_); !s) return s;
    physical_size_ = allocated_size_;
    dirty_ = true;
  }
  if (Status s = apply_held(); !s) return s;
  if (dirty_) {
    // After a failed fsync Linux may have dropped the dirty pages and a second fsync succeeds:
    // nothing written since the last checkpoint can be trusted any more. Given up, so that
    // recovery goes back to that checkpoint.
    if (Status s = data_->fsync(); !s) {
      give_up(s);
      return s;
    }
    dirty_ = false;
  }
  committed_size_ = physical_size_;
  failure_ = Status();
  // Step 3. If it fails, the journal still says "roll back to the previous checkpoint" while
  // the writer would count this one: given up, so that both agree on the previous one.
  if (journal_ && journal_->active()) {
    if (Status s = journal_->write_idle(); !s) {
      give_up(s);
      return s;
    }
  }
  return {};
}

// Writes the held bytes: steps 1 and 2 of the protocol for those in the checkpointed part of
// the file (journal the old value of every range that really changes, then overwrite it, in
// the order they were written, which SWMR readers rely on), and a retry for writes that failed
// past it (first: new blocks before what points at them).
Status CheckpointedFile::apply_held() {
  if (held_.empty()) return {};
  records_.clear();
  std::vector<std::pair<uint64_t, std::span<const std::byte>>> appends;
  std::vector<std::tuple<uint64_t, uint64_t, std::span<const std::byte>>> overwrites;  // seq first
  std::vector<std::byte> old;
  for (const auto& [offset, range] : held_.ranges()) {
    const std::vector<std::byte>& bytes = range.bytes;
    const size_t below = offset >= committed_size_
                             ? 0
                             : static_cast<size_t>(std::min<uint64_t>(bytes.size(),
                                                                      committed_size_ - offset));
    if (below < bytes.size()) appends.emplace_back(offset + below, std::span(bytes).subspan(below));
    if (below == 0) continue;
    if (!journal_) {
      overwrites.emplace_back(range.sequence, offset, std::span(bytes).first(below));
      continue;
    }
    old.resize(below);
    auto got = data_->pread(old, offset);
    if (!got) return got.error();
    std::memset(old.data() + got.value(), 0, old.size() - got.value());
    // Copies of the structured bindings: clang before 16 cannot capture those in a lambda.
    const uint64_t at = offset, sequence = range.sequence;
    for_each_changed_run(old, std::span(bytes).first(below), [&](size_t from, size_t to) {
      records_.push_back({at + from, std::vector<std::byte>(old.begin() + static_cast<ptrdiff_t>(from),
                                                            old.begin() + static_cast<ptrdiff_t>(to))});
      overwrites.emplace_back(sequence, at + from, std::span(bytes).subspan(from, to - from));
    });
  }
  // Nothing checkpointed is overwritten before its old bytes are durable in the journal: a
  // failure up to the overwrites leaves the checkpoint intact, and the next commit starts over.
  if (!records_.empty()) {
    if (Status s = journal_->write_active(committed_size_, records_); !s) return s;
  }
  for (const auto& [offset, bytes] : appends) {
    if (Status s = write_through(offset, bytes); !s) return s;
    dirty_ = true;
  }
  if (Status s = data_->flush(); !s) return s;  // new blocks before what points at them
  std::sort(overwrites.begin(), overwrites.end(),
            [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [sequence, offset, bytes] : overwrites) {
    dirty_ = true;
    if (Status s = data_->pwrite(bytes, offset); !s) {
      if (journal_) give_up(s);  // half-applied: only the journal can undo it
      return s;
    }
  }
  held_.clear();
  return {};
}

void CheckpointedFile::abandon() {
  std::lock_guard guard(mutex_);
  if (!abandoned_) {
    give_up(failure_ ? Status(Error{"given up by its writer after storage failures"}) : failure_);
  }
}

bool CheckpointedFile::abandoned() const {
  std::lock_guard guard(mutex_);
  return abandoned_;
}

Status CheckpointedFile::close() {
  // A given-up file keeps its journal for recovery; so does one whose last commit fails.
  Status s = abandoned() ? Status(Error{"close '" + path_ + "': given up after storage failures"})
                         : commit();
  std::lock_guard guard(mutex_);
  if (s && journal_) s = journal_->remove();
  journal_.reset();
  data_.reset();
  return s;
}

}  // namespace h5rec::journal
