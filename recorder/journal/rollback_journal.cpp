#include "recorder/journal/rollback_journal.hpp"

#include <algorithm>
#include <cstring>

#include "platform/path.hpp"
#include "recorder/journal/little_endian.hpp"
#include "recorder/journal/lookup3.hpp"

namespace h5rec::journal {
namespace {

constexpr char kMagic[8] = {'H', '5', 'R', 'E', 'C', 'J', 'N', 'L'};
// Format 2 adds zero records (kZeroRecord); format 1 journals are still read.
constexpr uint32_t kFormat = 2;
constexpr uint32_t kFormatWithoutZeroRecords = 1;
// Set in a record's length: its old bytes are all zeros and are not stored.
constexpr uint64_t kZeroRecord = uint64_t{1} << 63;
constexpr size_t kHeaderBytes = 512;
constexpr size_t kRecordHeadBytes = 16;
// Header fields (offsets).
constexpr size_t kFormatAt = 8, kStateAt = 12, kSequenceAt = 16, kDataSizeAt = 24, kCountAt = 32,
                 kRecordBytesAt = 40, kRecordSumAt = 48, kHeaderSumAt = 52;
constexpr uint32_t kIdle = 0, kActive = 1;

// Fills the header at the front of `out` (kHeaderBytes long).
void encode_header(std::byte* out, uint32_t state, uint64_t sequence, uint64_t data_size,
                   uint64_t count, std::span<const std::byte> records) {
  std::memset(out, 0, kHeaderBytes);
  std::memcpy(out, kMagic, sizeof kMagic);
  store_le(out + kFormatAt, kFormat, 4);
  store_le(out + kStateAt, state, 4);
  store_le(out + kSequenceAt, sequence, 8);
  store_le(out + kDataSizeAt, data_size, 8);
  store_le(out + kCountAt, count, 8);
  store_le(out + kRecordBytesAt, records.size(), 8);
  store_le(out + kRecordSumAt, lookup3(records), 4);
  store_le(out + kHeaderSumAt, lookup3(std::span<const std::byte>(out, kHeaderSumAt)), 4);
}

}  // namespace

Result<JournalContents> read_journal(platform::File& journal) {
  JournalContents out;
  std::byte header[kHeaderBytes]{};
  auto got = journal.pread(header, 0);
  if (!got) return got.error();
  // A header torn before its first write completed is zeros (or short): still one of ours.
  out.recognised =
      got.value() < sizeof kMagic || std::memcmp(header, kMagic, sizeof kMagic) == 0 ||
      std::all_of(header, header + sizeof kMagic, [](std::byte b) { return b == std::byte{0}; });
  if (got.value() < kHeaderBytes || std::memcmp(header, kMagic, sizeof kMagic) != 0 ||
      load_le(header + kHeaderSumAt, 4) !=
          lookup3(std::span<const std::byte>(header, kHeaderSumAt))) {
    out.note = "journal header missing or torn (the checkpoint had not started)";
    return out;
  }
  const uint64_t format = load_le(header + kFormatAt, 4);
  if (format != kFormat && format != kFormatWithoutZeroRecords) {
    return Error{"'" + journal.path() + "': journal format " +
                 std::to_string(load_le(header + kFormatAt, 4)) + " is not supported"};
  }
  if (load_le(header + kStateAt, 4) != kActive) {
    out.note = "journal idle (the last checkpoint completed)";
    return out;
  }
  const uint64_t count = load_le(header + kCountAt, 8);
  const uint64_t data_size = load_le(header + kDataSizeAt, 8);
  const uint64_t bytes = load_le(header + kRecordBytesAt, 8);
  auto size = journal.size();
  if (!size) return size.error();
  if (bytes > size.value() - kHeaderBytes) {
    out.note = "journal records torn (the checkpoint had not started overwriting)";
    return out;
  }
  std::vector<std::byte> records(bytes);
  got = journal.pread(records, kHeaderBytes);
  if (!got) return got.error();
  if (got.value() != bytes || lookup3(records) != load_le(header + kRecordSumAt, 4)) {
    out.note = "journal records torn (the checkpoint had not started overwriting)";
    return out;
  }
  size_t at = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (bytes - at < kRecordHeadBytes) return Error{"'" + journal.path() + "': record list short"};
    Record r;
    r.offset = load_le(&records[at], 8);
    const uint64_t length = load_le(&records[at + 8], 8);
    at += kRecordHeadBytes;
    if (format != kFormatWithoutZeroRecords && (length & kZeroRecord) != 0) {
      const uint64_t zeros = length & ~kZeroRecord;
      // Old bytes lie in the checkpointed part of the data file.
      if (r.offset > data_size || zeros > data_size - r.offset) {
        return Error{"'" + journal.path() + "': record overruns the data file's checkpointed size"};
      }
      r.old_bytes.assign(zeros, std::byte{0});
    } else {
      if (length > bytes - at)
        return Error{"'" + journal.path() + "': record overruns the journal"};
      r.old_bytes.assign(records.begin() + static_cast<ptrdiff_t>(at),
                         records.begin() + static_cast<ptrdiff_t>(at + length));
      at += length;
    }
    out.records.push_back(std::move(r));
  }
  out.active = true;
  out.data_size = data_size;
  return out;
}

namespace {

// Whether the records hold every byte of [from, to).
bool records_cover(const std::vector<Record>& records, uint64_t from, uint64_t to) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const Record& r : records) ranges.emplace_back(r.offset, r.offset + r.old_bytes.size());
  std::sort(ranges.begin(), ranges.end());
  for (const auto& [begin, end] : ranges) {
    if (from >= to) break;
    if (begin > from) return false;
    from = std::max(from, end);
  }
  return from >= to;
}

}  // namespace

Status roll_back(platform::File& data, const JournalContents& journal) {
  // Under the failure model a file never loses bytes its last checkpoint made durable, except
  // where the journal holds them (a shrink it recorded). A file cut shorter than that was damaged
  // otherwise: writing the journal's bytes into it would only change it without restoring it.
  auto size = data.size();
  if (!size) return size.error();
  if (size.value() < journal.data_size &&
      !records_cover(journal.records, size.value(), journal.data_size)) {
    return Error{"the file is shorter (" + std::to_string(size.value()) +
                 " bytes) than at its last checkpoint (" + std::to_string(journal.data_size) +
                 " bytes) and the journal does not hold the missing bytes: it was cut after the "
                 "checkpoint; not rolled back, left as it is"};
  }
  for (const Record& r : journal.records) {
    if (Status s = data.pwrite(r.old_bytes, r.offset); !s) return s;
  }
  if (Status s = data.truncate(journal.data_size); !s) return s;
  return data.fsync();
}

Result<std::unique_ptr<JournalWriter>> JournalWriter::create(platform::Storage& storage,
                                                             const std::string& data_path,
                                                             bool active_for_empty_file) {
  const std::string path = journal_path(data_path);
  auto file = storage.open(path, storage.exists(path) ? platform::OpenMode::kReadWrite
                                                      : platform::OpenMode::kCreateTruncate);
  if (!file) return file.error();
  auto locked = file.value()->try_lock();
  if (!locked) return locked.error();
  if (!locked.value()) {
    return Error{"'" + data_path + "' is being written by another process (its journal '" + path +
                 "' is locked)"};
  }
  if (!active_for_empty_file) {
    // An active journal is a crash's only way back to its last checkpoint: never overwrite it.
    auto left = read_journal(*file.value());
    if (!left) return left.error();
    if (left->active) {
      return Error{"'" + data_path + "' was not closed cleanly: recover it first (h5rec recover)"};
    }
  }
  std::unique_ptr<JournalWriter> w(new JournalWriter(storage, path, std::move(file.value())));
  Status s = active_for_empty_file ? w->write_active(0, {}) : w->write_idle();
  if (!s) return s.error();
  if (Status synced = storage.sync_directory(platform::directory_of(path)); !synced)
    return synced.error();
  return w;
}

Status JournalWriter::write_active(uint64_t data_size, std::span<const Record> records) {
  const auto zeros = [](const Record& r) {
    return std::all_of(r.old_bytes.begin(), r.old_bytes.end(),
                       [](std::byte b) { return b == std::byte{0}; });
  };
  size_t bytes = 0;
  for (const Record& r : records) bytes += kRecordHeadBytes + (zeros(r) ? 0 : r.old_bytes.size());
  buffer_.resize(kHeaderBytes + bytes);
  std::byte* at = buffer_.data() + kHeaderBytes;
  for (const Record& r : records) {
    store_le(at, r.offset, 8);
    if (zeros(r)) {  // e.g. the unwritten rows of a partial chunk: nothing to copy
      store_le(at + 8, r.old_bytes.size() | kZeroRecord, 8);
      at += kRecordHeadBytes;
      continue;
    }
    store_le(at + 8, r.old_bytes.size(), 8);
    std::memcpy(at + kRecordHeadBytes, r.old_bytes.data(), r.old_bytes.size());
    at += kRecordHeadBytes + r.old_bytes.size();
  }
  encode_header(buffer_.data(), kActive, ++sequence_, data_size, records.size(),
                std::span<const std::byte>(buffer_.data() + kHeaderBytes, bytes));
  if (Status s = file_->pwrite(buffer_, 0); !s) return s;
  if (Status s = file_->fsync(); !s) return s;
  active_ = true;
  return {};
}

Status JournalWriter::write_idle() {
  std::byte header[kHeaderBytes];
  encode_header(header, kIdle, ++sequence_, 0, 0, {});
  if (Status s = file_->pwrite(header, 0); !s) return s;
  if (Status s = file_->fsync(); !s) return s;
  active_ = false;
  return {};
}

Status JournalWriter::remove() {
  // Unlinked while still locked: a recovery that opens it meanwhile waits for nothing stale.
  Status s = storage_.unlink(path_);
  if (s) s = storage_.sync_directory(platform::directory_of(path_));
  file_.reset();
  return s;
}

}  // namespace h5rec::journal
