#include "recorder/journal/recovery.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "platform/path.hpp"
#include "recorder/hdf5/h5_handle.hpp"
#include "recorder/hdf5/journal_driver.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "recorder/journal/superblock.hpp"

namespace h5rec::journal {
namespace {

struct Visit {
  hid_t file;
  std::vector<DatasetRows>* rows;
};

// Opens the file as any reader would (read-only, no locks, no journal) and counts the rows of
// every dataset. Through platform storage (h5rec's file driver without crash safety), so
// recovery runs on the sim platform too; the driver stores nothing of its own in files, so a
// file that opens here opens with HDF5's default driver.
Result<std::vector<DatasetRows>> count_rows(platform::Storage& storage, const std::string& path) {
  h5::silence_errors();
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS));
  if (Status s = h5::use_journal_driver(fapl.get(), {&storage, false}); !s) return s.error();
  h5::Handle file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) return h5::error("open read-only", path);
  std::vector<DatasetRows> rows;
  Visit visit{file.get(), &rows};
  // A generic lambda converts to the link-visit callback of HDF5 1.10 and 1.12+ alike.
  H5L_iterate_t each = [](hid_t, const char* name, const auto*, void* data) -> herr_t {
    auto* v = static_cast<Visit*>(data);
    h5::Handle object = {H5Oopen(v->file, name, H5P_DEFAULT), H5Oclose};
    if (!object.valid()) return -1;
    if (H5Iget_type(object.get()) != H5I_DATASET) return 0;
    h5::Handle space = h5::dataspace(H5Dget_space(object.get()));
    hsize_t dims[H5S_MAX_RANK]{};
    const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    if (rank < 0) return -1;
    v->rows->push_back({name, rank == 0 ? 1 : static_cast<uint64_t>(dims[0])});
    return 0;
  };
  if (H5Lvisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, each, &visit) < 0) {
    return h5::error("read every dataset", path);
  }
  if (!file.close()) return h5::error("close", path);
  return rows;
}

RecoveryReport unrecoverable(RecoveryReport r, const std::string& why) {
  r.outcome = RecoveryOutcome::kUnrecoverable;
  r.detail = why;
  return r;
}

// One run of recover_file: the journal found beside the file, what was done so far, and the
// report. Each phase returns the final report when recovery stops there, nothing to go on.
class FileRecovery {
 public:
  FileRecovery(platform::Storage& storage, const std::string& path)
      : storage_(storage),
        path_(path),
        journal_name_(journal_path(path)),
        report_{path, RecoveryOutcome::kClean, {}, {}} {}

  RecoveryReport run() {
    if (auto stop = open_journal()) return *stop;
    if (!storage_.exists(path_)) return without_data_file();
    if (auto stop = repair_data_file()) return *stop;
    return count_rows_and_remove_journal();
  }

 private:
  // Reads the journal if there is one; a journal locked by a running writer stops recovery.
  std::optional<RecoveryReport> open_journal() {
    if (!storage_.exists(journal_name_)) return std::nullopt;
    auto opened = storage_.open(journal_name_, platform::OpenMode::kReadWrite);
    if (!opened) return unrecoverable(report_, opened.message());
    journal_ = std::move(opened.value());
    auto locked = journal_->try_lock();
    if (!locked) return unrecoverable(report_, locked.message());
    if (!locked.value()) {
      report_.outcome = RecoveryOutcome::kLive;
      report_.detail = "a running writer holds its journal; not touched";
      return report_;
    }
    auto read = read_journal(*journal_);
    if (!read) return unrecoverable(report_, read.message());
    contents_ = std::move(read.value());
    return std::nullopt;
  }

  RecoveryReport without_data_file() {
    if (journal_ && contents_.recognised) {
      return discard("a journal without its data file: removed");
    }
    return unrecoverable(report_, journal_ ? "no such file, and '" + journal_name_ +
                                                 "' is not an h5rec journal: left alone"
                                           : "no such file");
  }

  // Rolls back, clears the open-for-writing flags and cuts what was appended after the last
  // checkpoint, then makes that durable; the data file is closed when this returns.
  std::optional<RecoveryReport> repair_data_file() {
    auto opened = storage_.open(path_, platform::OpenMode::kReadWrite);
    if (!opened) return unrecoverable(report_, opened.message());
    platform::File& data = *opened.value();
    if (contents_.active) {
      if (Status s = roll_back(data, contents_); !s) return unrecoverable(report_, s.message());
      done_.push_back("rolled back " + std::to_string(contents_.records.size()) +
                      " overwritten ranges to the last checkpoint");
      changed_ = true;
    }
    auto size = data.size();
    if (!size) return unrecoverable(report_, size.message());
    if (size.value() == 0) {
      if (!journal_) {
        return unrecoverable(report_, "empty file, not HDF5 (and no journal: not h5rec's)");
      }
      opened.value().reset();
      return discard("stopped before its first checkpoint, so it held no rows: removed");
    }
    auto sb = read_superblock(data);
    if (!sb) return unrecoverable(report_, sb.message());
    if (!sb.value()) return unrecoverable(report_, "no HDF5 superblock");
    if (Status s = repair_superblock_and_tail(data, *sb.value(), size.value()); !s) {
      return unrecoverable(report_, s.message());
    }
    if (changed_) {
      if (Status s = data.fsync(); !s) return unrecoverable(report_, s.message());
    }
    return std::nullopt;
  }

  Status repair_superblock_and_tail(platform::File& data, const Superblock& superblock,
                                    uint64_t size) {
    if (superblock.status_flags != 0) {
      if (Status s = clear_status_flags(data, superblock); !s) return s;
      done_.push_back("cleared the superblock's open-for-writing flags");
      changed_ = true;
    }
    // Bytes past the end-of-file address are what a crashed writer appended after its last
    // checkpoint; a file closed cleanly is never cut.
    const bool crashed = journal_ != nullptr || superblock.status_flags != 0;
    if (crashed && superblock.version >= 2 && size > superblock.end_of_file_address) {
      if (Status s = data.truncate(superblock.end_of_file_address); !s) return s;
      done_.push_back("cut " + std::to_string(size - superblock.end_of_file_address) +
                      " bytes written after the checkpoint");
      changed_ = true;
    }
    return {};
  }

  RecoveryReport count_rows_and_remove_journal() {
    auto rows = count_rows(storage_, path_);
    if (!rows) return unrecoverable(report_, rows.message());
    report_.datasets = std::move(rows.value());
    if (journal_ && !contents_.active) {
      done_.push_back("removed a stale journal (" + contents_.note + ")");
    }
    if (Status s = remove_journal(); !s) return unrecoverable(report_, s.message());
    report_.outcome = changed_ ? RecoveryOutcome::kRecovered : RecoveryOutcome::kClean;
    for (const std::string& d : done_) report_.detail += (report_.detail.empty() ? "" : "; ") + d;
    return report_;
  }

  // Unlinks the journal (if it is h5rec's) and makes the directory durable (with whatever else
  // was unlinked beside it).
  Status remove_journal() {
    if (!journal_) return {};
    if (contents_.recognised) {  // not ours: never deleted
      if (Status s = storage_.unlink(journal_name_); !s) return s;
      journal_.reset();
    }
    return storage_.sync_directory(platform::directory_of(path_));
  }

  RecoveryReport discard(const std::string& why) {
    if (storage_.exists(path_)) {
      if (Status s = storage_.unlink(path_); !s) return unrecoverable(report_, s.message());
    }
    if (Status s = remove_journal(); !s) return unrecoverable(report_, s.message());
    report_.outcome = RecoveryOutcome::kDiscarded;
    report_.detail = why;
    return report_;
  }

  platform::Storage& storage_;
  const std::string path_;
  const std::string journal_name_;
  std::unique_ptr<platform::File> journal_;
  JournalContents contents_;
  RecoveryReport report_;
  std::vector<std::string> done_;  // what was done, joined into the report's detail
  bool changed_ = false;           // the data file was modified (and must be fsynced)
};

}  // namespace

const char* describe(RecoveryOutcome outcome) {
  switch (outcome) {
    case RecoveryOutcome::kClean:
      return "clean";
    case RecoveryOutcome::kRecovered:
      return "recovered";
    case RecoveryOutcome::kDiscarded:
      return "discarded";
    case RecoveryOutcome::kLive:
      return "live";
    case RecoveryOutcome::kUnrecoverable:
      return "unrecoverable";
  }
  return "";
}

bool needs_recovery(platform::Storage& storage, const std::string& path) {
  if (storage.is_symlink(path)) return false;
  if (storage.exists(journal_path(path))) return true;
  auto file = storage.open(path, platform::OpenMode::kRead);
  if (!file) return false;
  auto sb = read_superblock(*file.value());
  return sb && sb.value() && sb.value()->status_flags != 0;
}

RecoveryReport recover_file(platform::Storage& storage, const std::string& path) {
  return FileRecovery(storage, path).run();
}

Result<std::vector<RecoveryReport>> recover_path(platform::Storage& storage,
                                                 const std::string& path, bool only_unclean,
                                                 const FileNameFilter& selects) {
  auto names = storage.list_directory(path);
  if (!names) {
    if (!storage.exists(path)) return Error{"'" + path + "': no such file or directory"};
    if (only_unclean && !needs_recovery(storage, path)) return std::vector<RecoveryReport>{};
    return std::vector<RecoveryReport>{recover_file(storage, path)};
  }
  std::vector<RecoveryReport> out;
  for (const std::string& name : names.value()) {
    const std::string full = path + "/" + name;
    if (!storage.exists(full)) continue;  // removed with a file recovered before it
    std::string data_file;
    if (name.ends_with(".h5") || name.ends_with(".hdf5")) {
      data_file = full;
    } else if (name.ends_with(std::string(".h5") + kJournalSuffix) ||
               name.ends_with(std::string(".hdf5") + kJournalSuffix)) {
      data_file = full.substr(0, full.size() - std::string(kJournalSuffix).size());
      if (storage.exists(data_file)) continue;  // reached through its data file
    } else {
      continue;
    }
    if (selects && !selects(platform::file_name_of(data_file))) continue;
    if (storage.is_symlink(data_file)) continue;
    if (only_unclean && !needs_recovery(storage, data_file)) continue;
    out.push_back(recover_file(storage, data_file));
  }
  return out;
}

}  // namespace h5rec::journal
