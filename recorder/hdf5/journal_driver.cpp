#include "recorder/hdf5/journal_driver.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

#include "platform/gathered_file.hpp"
#include "platform/path.hpp"
#include "recorder/journal/rollback_journal.hpp"

namespace h5rec::h5 {
namespace {

// Unchanged runs shorter than this inside a changed range are journaled and rewritten with it:
// fewer, larger records.
constexpr size_t kMergeGap = 64;
// Writes that failed are held for the next commit up to this much; beyond, the file is given up.
constexpr uint64_t kMaxHeldBytes = uint64_t{64} << 20;
// Bytes appended to a writable file are gathered and streamed to storage in aligned pieces of
// this size (platform/gathered_file.hpp).
constexpr size_t kGatherBytes = size_t{1} << 20;

// Calls run(begin, end) for every run of bytes where `now` differs from `old` (bytes past the
// end of `old` differ), joining runs less than kMergeGap apart.
template <class Run>
void for_each_changed_run(std::span<const std::byte> old, std::span<const std::byte> now, Run run) {
  const auto differs = [&](size_t i) { return i >= old.size() || old[i] != now[i]; };
  for (size_t i = 0; i < now.size();) {
    if (!differs(i)) {
      ++i;
      continue;
    }
    size_t last = i;
    for (size_t j = i + 1; j < now.size() && j - last <= kMergeGap; ++j) {
      if (differs(j)) last = j;
    }
    run(i, last + 1);
    i = last + 1;
  }
}

class DriverFile final : public JournaledFile {
 public:
  static Result<std::unique_ptr<DriverFile>> open(const DriverOptions& options,
                                                  const std::string& path, unsigned flags);
  ~DriverFile() = default;

  Status read(uint64_t addr, std::span<std::byte> out);
  Status write(uint64_t addr, std::span<const std::byte> in);
  Status truncate();
  Status commit() override;
  void abandon() override;
  bool abandoned() const override;
  Status pending_failure() const override {
    std::lock_guard guard(mutex_);
    return failure_;
  }
  uint64_t take_failed_operations() override {
    std::lock_guard guard(mutex_);
    return std::exchange(failed_operations_, 0);
  }
  // Commits, then removes the journal (kept if anything failed, for recovery).
  Status close();

  const std::string& path() const { return path_; }
  uint64_t eoa() const { return eoa_; }
  void set_eoa(uint64_t eoa) { eoa_ = eoa; }
  uint64_t eof() const;

 private:
  DriverFile(std::string path, std::unique_ptr<platform::GatheredFile> data,
             std::unique_ptr<journal::JournalWriter> journal, uint64_t size, bool writable)
      : path_(std::move(path)),
        data_(std::move(data)),
        journal_(std::move(journal)),
        committed_size_(journal_ && journal_->active() ? 0 : size),
        physical_size_(size),
        eof_(size),
        writable_(writable) {}

  // Keeps bytes in memory until the next commit writes them.
  void hold(uint64_t addr, std::span<const std::byte> in);
  // Marks the file given up (see abandon()), remembering why for later commits' errors.
  void give_up(const Status& why);
  bool overlaps_held(uint64_t addr, uint64_t end) const;
  Status apply_held();
  // How much of a write at `addr` must reach storage: zeros at its end that lie past the
  // file's end are left out (unwritten padding of a partial chunk, space HDF5 allocated ahead),
  // since the file reads as zeros there once it is extended to HDF5's end of allocation.
  size_t stored_length(uint64_t addr, std::span<const std::byte> in) const;
  // Writes past the checkpointed part (or everything without crash safety), but for those zeros
  // and for bytes the file already holds.
  Status write_through(uint64_t addr, std::span<const std::byte> in);

  std::string path_;
  std::unique_ptr<platform::GatheredFile> data_;
  std::unique_ptr<journal::JournalWriter> journal_;  // null without crash safety
  mutable std::mutex mutex_;
  // Bytes not on storage yet, as disjoint ranges: writes to the checkpointed part of the file
  // (they wait for the commit's journal) and writes that failed (the commit retries them).
  struct HeldRange {
    std::vector<std::byte> bytes;
    uint64_t sequence;  // when HDF5 last wrote into it: overwrites are applied in this order
  };
  std::map<uint64_t, HeldRange> held_;
  uint64_t held_bytes_ = 0;
  uint64_t writes_ = 0;  // sequence numbers
  Status failure_;  // the last write that failed since the last commit
  uint64_t failed_operations_ = 0;
  uint64_t committed_size_;  // the file's size at the last checkpoint
  uint64_t physical_size_;   // the file's size on storage now
  uint64_t eof_;             // the size HDF5 sees
  uint64_t eoa_ = 0;
  bool writable_;
  bool dirty_ = false;  // written since the last commit
  bool abandoned_ = false;
  std::vector<journal::Record> records_;  // reused by commits
  std::vector<std::byte> compare_;        // reused by write_through: the bytes it overwrites
};

Result<std::unique_ptr<DriverFile>> DriverFile::open(const DriverOptions& options,
                                                     const std::string& path, unsigned flags) {
  platform::Storage& storage = *options.storage;
  const bool writable = (flags & H5F_ACC_RDWR) != 0;
  const bool create = (flags & H5F_ACC_CREAT) != 0;
  if (create && (flags & H5F_ACC_EXCL) != 0 && storage.exists(path)) {
    return Error{"create '" + path + "': the file exists", EEXIST};
  }
  std::unique_ptr<platform::File> data;
  std::unique_ptr<journal::JournalWriter> journal;
  const auto open_journal = [&]() -> Status {
    if (!writable || !options.crash_safe) return {};
    // A data file being created starts "rolled back to empty" until its first checkpoint.
    auto j = journal::JournalWriter::create(storage, path, create);
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
  auto gathered = platform::GatheredFile::wrap(std::move(data), writable ? kGatherBytes : 0);
  if (!gathered) return gathered.error();
  auto size = gathered.value()->size();
  if (!size) return size.error();
  return std::unique_ptr<DriverFile>(new DriverFile(path, std::move(gathered.value()),
                                                    std::move(journal), size.value(), writable));
}

uint64_t DriverFile::eof() const {
  std::lock_guard guard(mutex_);
  return eof_;
}

Status DriverFile::read(uint64_t addr, std::span<std::byte> out) {
  std::lock_guard guard(mutex_);
  auto got = data_->pread(out, addr);
  if (!got) return got.error();
  std::memset(out.data() + got.value(), 0, out.size() - got.value());  // past the end: zeros
  const uint64_t end = addr + out.size();
  auto it = held_.upper_bound(addr);
  if (it != held_.begin()) --it;
  for (; it != held_.end() && it->first < end; ++it) {
    const uint64_t from = std::max(addr, it->first);
    const uint64_t to = std::min(end, it->first + it->second.bytes.size());
    if (from >= to) continue;
    std::memcpy(out.data() + (from - addr), it->second.bytes.data() + (from - it->first), to - from);
  }
  return {};
}

void DriverFile::hold(uint64_t addr, std::span<const std::byte> in) {
  const uint64_t end = addr + in.size();
  auto first = held_.upper_bound(addr);
  if (first != held_.begin() && std::prev(first)->first + std::prev(first)->second.bytes.size() > addr) {
    --first;
  }
  auto last = first;
  uint64_t begin = addr;
  uint64_t stop = end;
  for (; last != held_.end() && last->first < end; ++last) {
    begin = std::min(begin, last->first);
    stop = std::max(stop, last->first + last->second.bytes.size());
  }
  if (first == last) {  // overlaps nothing held
    held_.emplace(addr, HeldRange{std::vector<std::byte>(in.begin(), in.end()), ++writes_});
    held_bytes_ += in.size();
    return;
  }
  if (std::next(first) == last && first->first == addr &&
      first->second.bytes.size() == in.size()) {  // rewrites one range exactly
    std::memcpy(first->second.bytes.data(), in.data(), in.size());
    first->second.sequence = ++writes_;
    return;
  }
  std::vector<std::byte> merged(stop - begin);
  for (auto it = first; it != last; ++it) {
    std::memcpy(merged.data() + (it->first - begin), it->second.bytes.data(), it->second.bytes.size());
    held_bytes_ -= it->second.bytes.size();
  }
  std::memcpy(merged.data() + (addr - begin), in.data(), in.size());
  held_.erase(first, last);
  held_bytes_ += merged.size();
  held_.emplace(begin, HeldRange{std::move(merged), ++writes_});
}

bool DriverFile::overlaps_held(uint64_t addr, uint64_t end) const {
  auto it = held_.lower_bound(end);
  if (it == held_.begin()) return false;
  --it;
  return it->first + it->second.bytes.size() > addr;
}

Status DriverFile::write(uint64_t addr, std::span<const std::byte> in) {
  std::lock_guard guard(mutex_);
  if (abandoned_) return {};  // the file is given up: nothing more reaches storage
  if (!writable_) return Error{"write '" + path_ + "': opened read-only"};
  dirty_ = true;
  const uint64_t end = addr + in.size();
  eof_ = std::max(eof_, end);
  if (journal_ && addr < committed_size_) {
    const size_t held = static_cast<size_t>(std::min(end, committed_size_) - addr);
    hold(addr, in.first(held));
    in = in.subspan(held);
    addr += held;
  }
  if (in.empty()) return {};
  // A write over bytes still held (an earlier failed write) joins them; the newest bytes win.
  if (!overlaps_held(addr, end)) {
    const Status s = write_through(addr, in);
    if (s) return {};
    // Storage failed: HDF5 is told the write succeeded (a failed write leaves HDF5's caches in
    // states it cannot recover from), the bytes are held and retried by the next commit, which
    // reports the failure if it persists.
    failure_ = s;
    ++failed_operations_;
  }
  hold(addr, in);
  if (held_bytes_ > kMaxHeldBytes) {
    give_up(Error{"'" + path_ + "': more than " + std::to_string(kMaxHeldBytes >> 20) +
                      " MiB of writes could not reach storage (" + failure_.message() + ")",
                  failure_.code()});
  }
  return {};
}

size_t DriverFile::stored_length(uint64_t addr, std::span<const std::byte> in) const {
  const uint64_t inside = physical_size_ > addr ? physical_size_ - addr : 0;
  size_t n = in.size();
  while (n > inside && in[n - 1] == std::byte{0}) --n;
  return n;
}

Status DriverFile::write_through(uint64_t addr, std::span<const std::byte> in) {
  in = in.first(stored_length(addr, in));
  if (in.empty()) return {};
  // Over bytes the file holds (a metadata block or partial chunk written again), only those
  // that change are written. If they cannot be read, everything is.
  const size_t inside = physical_size_ > addr ? static_cast<size_t>(std::min<uint64_t>(
                                                    in.size(), physical_size_ - addr))
                                              : 0;
  size_t known = 0;
  if (inside > 0) {
    compare_.resize(inside);
    if (auto got = data_->pread(compare_, addr)) known = got.value();
  }
  Status s;
  if (known == 0) {
    s = data_->pwrite(in, addr);
  } else {
    for_each_changed_run(std::span(compare_).first(known), in, [&](size_t from, size_t to) {
      if (s) s = data_->pwrite(in.subspan(from, to - from), addr + from);
    });
  }
  if (!s) return s;
  physical_size_ = std::max<uint64_t>(physical_size_, addr + in.size());
  return {};
}

void DriverFile::give_up(const Status& why) {
  abandoned_ = true;
  failure_ = why;
  held_.clear();
  held_bytes_ = 0;
}

Status DriverFile::truncate() {
  std::lock_guard guard(mutex_);
  if (abandoned_ || !writable_ || eoa_ == eof_) return {};
  // Checkpointed bytes are never cut off between checkpoints (that would need journaling
  // them); HDF5 never reads past its end of allocation anyway.
  const uint64_t target = journal_ ? std::max(eoa_, committed_size_) : eoa_;
  if (target != physical_size_) {
    // A failed truncate changes nothing HDF5 reads back: noted for the commit, not fatal.
    if (Status s = data_->truncate(target); !s) {
      failure_ = s;
      ++failed_operations_;
    } else {
      physical_size_ = target;
      dirty_ = true;
    }
  }
  eof_ = eoa_;
  return {};
}

Status DriverFile::commit() {
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
  // The file must reach HDF5's end of allocation, or stock HDF5 calls it truncated: extended
  // (with zeros) before the overwrites, so no metadata a SWMR reader sees points past its end.
  if (physical_size_ < eoa_) {
    if (Status s = data_->truncate(eoa_); !s) return s;
    physical_size_ = eoa_;
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
// the order HDF5 wrote them, which SWMR readers rely on), and a retry for writes that failed
// past it (first: new blocks before what points at them).
Status DriverFile::apply_held() {
  if (held_.empty()) return {};
  records_.clear();
  std::vector<std::pair<uint64_t, std::span<const std::byte>>> appends;
  std::vector<std::tuple<uint64_t, uint64_t, std::span<const std::byte>>> overwrites;  // seq first
  std::vector<std::byte> old;
  for (const auto& [offset, range] : held_) {
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
  held_bytes_ = 0;
  return {};
}

void DriverFile::abandon() {
  std::lock_guard guard(mutex_);
  if (!abandoned_) {
    give_up(failure_ ? Status(Error{"given up by its writer after storage failures"}) : failure_);
  }
}

bool DriverFile::abandoned() const {
  std::lock_guard guard(mutex_);
  return abandoned_;
}

Status DriverFile::close() {
  // A given-up file keeps its journal for recovery; so does one whose last commit fails.
  Status s = abandoned() ? Status(Error{"close '" + path_ + "': given up after storage failures"})
                         : commit();
  std::lock_guard guard(mutex_);
  if (s && journal_) s = journal_->remove();
  journal_.reset();
  data_.reset();
  return s;
}

// ---- The HDF5 file driver class ----

struct DriverHandle {
  H5FD_t base;  // first: HDF5 sees a pointer to this
  DriverFile* file;
};

DriverFile* file_of(const H5FD_t* f) { return reinterpret_cast<const DriverHandle*>(f)->file; }

herr_t fail(const Status& s, hid_t minor) {
  note_storage_failure(s);
  H5Epush2(H5E_DEFAULT, __FILE__, "h5rec journal driver", __LINE__, H5E_ERR_CLS, H5E_VFL, minor,
           "%s", s.message().c_str());
  return -1;
}

void* fapl_copy(const void* info) {
  return new DriverOptions(*static_cast<const DriverOptions*>(info));
}
herr_t fapl_free(void* info) {
  delete static_cast<DriverOptions*>(info);
  return 0;
}

H5FD_t* driver_open(const char* name, unsigned flags, hid_t fapl, haddr_t) {
  const auto* options = static_cast<const DriverOptions*>(H5Pget_driver_info(fapl));
  if (options == nullptr || options->storage == nullptr) {
    (void)fail(Error{std::string("open '") + name + "': no storage given to the driver"},
               H5E_CANTOPENFILE);
    return nullptr;
  }
  try {  // nothing may be thrown through HDF5's C frames
    auto file = DriverFile::open(*options, name, flags);
    if (!file) {
      (void)fail(file.error(), H5E_CANTOPENFILE);
      return nullptr;
    }
    auto* handle = new DriverHandle{};
    handle->file = file.value().release();
    return &handle->base;
  } catch (const std::bad_alloc&) {
    (void)fail(Error{std::string("open '") + name + "': out of memory"}, H5E_CANTOPENFILE);
    return nullptr;
  }
}

herr_t driver_close(H5FD_t* f) {
  auto* handle = reinterpret_cast<DriverHandle*>(f);
  const Status s = handle->file->close();
  delete handle->file;
  delete handle;
  // HDF5 must let go of the file whatever happened (a failed close leaves it half-closed until
  // the process exits); h5::File::close() reports the failure.
  if (!s) note_storage_failure(s);
  return 0;
}

int driver_cmp(const H5FD_t* a, const H5FD_t* b) {
  return file_of(a)->path().compare(file_of(b)->path());
}

herr_t driver_query(const H5FD_t*, unsigned long* flags) {
  *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
           H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_SUPPORTS_SWMR_IO;
#ifdef H5FD_FEAT_DEFAULT_VFD_COMPATIBLE
  *flags |= H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
#endif
  return 0;
}

haddr_t driver_get_eoa(const H5FD_t* f, H5FD_mem_t) { return file_of(f)->eoa(); }
herr_t driver_set_eoa(H5FD_t* f, H5FD_mem_t, haddr_t addr) {
  file_of(f)->set_eoa(addr);
  return 0;
}
haddr_t driver_get_eof(const H5FD_t* f, H5FD_mem_t) { return file_of(f)->eof(); }

herr_t driver_get_handle(H5FD_t* f, hid_t, void** handle) {
  *handle = static_cast<JournaledFile*>(file_of(f));
  return 0;
}

herr_t driver_read(H5FD_t* f, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buffer) {
  const Status s = file_of(f)->read(addr, {static_cast<std::byte*>(buffer), size});
  return s ? 0 : fail(s, H5E_READERROR);
}

herr_t driver_write(H5FD_t* f, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buffer) {
  try {  // held writes allocate; nothing may be thrown through HDF5's C frames
    const Status s = file_of(f)->write(addr, {static_cast<const std::byte*>(buffer), size});
    return s ? 0 : fail(s, H5E_WRITEERROR);
  } catch (const std::bad_alloc&) {
    return fail(Error{file_of(f)->path() + ": write: out of memory"}, H5E_WRITEERROR);
  }
}

herr_t driver_truncate(H5FD_t* f, hid_t, hbool_t) {
  const Status s = file_of(f)->truncate();
  return s ? 0 : fail(s, H5E_SEEKERROR);
}

// HDF5's own file locks are not used: a writer holds its journal's lock instead, and SWMR
// readers must be able to open the file while it is written.
herr_t driver_lock(H5FD_t*, hbool_t) { return 0; }
herr_t driver_unlock(H5FD_t*) { return 0; }

H5FD_class_t driver_class() {
  H5FD_class_t c{};
#if H5_VERSION_GE(1, 13, 2)
  c.version = H5FD_CLASS_VERSION;
  c.value = static_cast<H5FD_class_value_t>(0x1f5);  // user driver values are 256..511
#endif
  c.name = "h5rec_journal";
  c.maxaddr = static_cast<haddr_t>(INT64_MAX);
  c.fc_degree = H5F_CLOSE_WEAK;
  c.fapl_size = sizeof(DriverOptions);
  c.fapl_copy = fapl_copy;
  c.fapl_free = fapl_free;
  c.open = driver_open;
  c.close = driver_close;
  c.cmp = driver_cmp;
  c.query = driver_query;
  c.get_eoa = driver_get_eoa;
  c.set_eoa = driver_set_eoa;
  c.get_eof = driver_get_eof;
  c.get_handle = driver_get_handle;
  c.read = driver_read;
  c.write = driver_write;
  c.truncate = driver_truncate;
  c.lock = driver_lock;
  c.unlock = driver_unlock;
  const H5FD_mem_t free_lists[H5FD_MEM_NTYPES] = H5FD_FLMAP_DICHOTOMY;  // as sec2
  std::copy(std::begin(free_lists), std::end(free_lists), std::begin(c.fl_map));
  return c;
}

hid_t driver_id() {
  static const H5FD_class_t cls = driver_class();
  static const hid_t id = H5FDregister(&cls);
  return id;
}

}  // namespace

Status use_journal_driver(hid_t fapl, const DriverOptions& options) {
  const hid_t id = driver_id();
  if (id < 0) return error("register the h5rec file driver", "HDF5");
  if (H5Pset_driver(fapl, id, &options) < 0) return error("select the h5rec file driver", "HDF5");
  return {};
}

JournaledFile* journaled_file(hid_t file_id) {
  Handle fapl = plist(H5Fget_access_plist(file_id));
  if (!fapl.valid() || H5Pget_driver(fapl.get()) != driver_id()) return nullptr;
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file_id, fapl.get(), &handle) < 0) return nullptr;
  return static_cast<JournaledFile*>(handle);
}

}  // namespace h5rec::h5
