// Makes the base states of the journal-recovery harness (tests/fuzz/journal_recovery/base/):
// a small recording (journal_seed.hpp) written through the journal driver, checkpointed
// kCheckpoints times, then cut during the next checkpoint's commit: right after its journal
// turned active and before the `before_overwrite`-th write into the checkpointed part of the
// file. The cut keeps every write issued before it (nothing lost or torn: the harness does the
// damage). Deterministic: one thread, fixed values and attributes.
//
// Usage: make_journal_seed OUT_DIR BEFORE_OVERWRITE   (writes OUT_DIR/segment.h5 and its journal;
//        prints how many overwrites the cut checkpoint makes in all)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "journal_seed.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/hdf5/recording_file.hpp"
#include "recorder/journal/little_endian.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::fuzz {
namespace {

namespace fs = std::filesystem;
using namespace journal_seed;

// Storage that watches the journal's header state and copies the data file and its journal
// aside just before a chosen overwrite of checkpointed bytes.
class CuttingStorage final : public platform::Storage {
 public:
  CuttingStorage(std::string data_path, uint64_t cut_before, std::string out_dir)
      : data_path_(std::move(data_path)), cut_before_(cut_before), out_dir_(std::move(out_dir)) {}

  uint64_t overwrites_in_last_active() const { return last_overwrites_; }
  bool cut_done() const { return cut_done_; }
  void arm() { armed_ = true; }

  Result<std::unique_ptr<platform::File>> open(const std::string& path,
                                               platform::OpenMode mode) override {
    auto file = base_.open(path, mode);
    if (!file) return file.error();
    return std::unique_ptr<platform::File>(new Watched(*this, std::move(file.value())));
  }
  Status rename(const std::string& a, const std::string& b) override { return base_.rename(a, b); }
  Status unlink(const std::string& p) override { return base_.unlink(p); }
  Status replace_symlink(const std::string& t, const std::string& l) override {
    return base_.replace_symlink(t, l);
  }
  Status make_directories(const std::string& p) override { return base_.make_directories(p); }
  Status sync_directory(const std::string& p) override { return base_.sync_directory(p); }
  Result<uint64_t> free_bytes(const std::string& p) override { return base_.free_bytes(p); }
  bool exists(const std::string& p) override { return base_.exists(p); }
  Result<std::vector<std::string>> list_directory(const std::string& p) override {
    return base_.list_directory(p);
  }
  Result<double> seconds_since_modified(const std::string& p) override {
    return base_.seconds_since_modified(p);
  }

 private:
  class Watched final : public platform::File {
   public:
    Watched(CuttingStorage& owner, std::unique_ptr<platform::File> base)
        : owner_(owner), base_(std::move(base)) {}
    Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
      owner_.before_write(path(), data, offset);
      return base_->pwrite(data, offset);
    }
    Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
      return base_->pread(out, offset);
    }
    Status fsync() override { return base_->fsync(); }
    Status truncate(uint64_t size) override { return base_->truncate(size); }
    Result<bool> try_lock() override { return base_->try_lock(); }
    Result<uint64_t> size() override { return base_->size(); }
    const std::string& path() const override { return base_->path(); }

   private:
    CuttingStorage& owner_;
    std::unique_ptr<platform::File> base_;
  };

  void before_write(const std::string& path, std::span<const std::byte> data, uint64_t offset) {
    if (path == journal::journal_path(data_path_) && offset == 0 && data.size() >= 512) {
      const bool active = journal::load_le(&data[12], 4) == 1;  // header: state at byte 12
      if (active) {
        active_size_ = journal::load_le(&data[24], 8);  // the checkpointed data size
        overwrites_ = 0;
      } else if (active_size_) {
        last_overwrites_ = overwrites_;
        active_size_ = 0;
      }
      active_ = active;
      return;
    }
    if (path != data_path_ || !active_ || offset >= active_size_) return;
    ++overwrites_;
    if (armed_ && !cut_done_ && overwrites_ == cut_before_) {
      fs::create_directories(out_dir_);
      const fs::path out(out_dir_);
      fs::copy_file(data_path_, out / kFileName, fs::copy_options::overwrite_existing);
      fs::copy_file(journal::journal_path(data_path_),
                    out / (std::string(kFileName) + journal::kJournalSuffix),
                    fs::copy_options::overwrite_existing);
      cut_done_ = true;
    }
  }

  platform::PosixStorage base_;
  std::string data_path_;
  uint64_t cut_before_;
  std::string out_dir_;
  bool armed_ = false;
  bool active_ = false;
  uint64_t active_size_ = 0;
  uint64_t overwrites_ = 0;
  uint64_t last_overwrites_ = 0;
  bool cut_done_ = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "make_journal_seed: %s\n", what.c_str());
  std::exit(1);
}

// Writes rows [written, end) (whole chunks, the last one partial) and checkpoints.
void checkpoint(RecordingFile& file, uint64_t written, uint64_t end) {
  auto datasets = file.datasets(0);
  for (h5::AppendableDataset* d : datasets) {
    if (Status s = d->set_rows(end); !s) die(s.message());
  }
  for (uint64_t chunk = written / kChunkRows; chunk * kChunkRows < end; ++chunk) {
    for (size_t column = 0; column < datasets.size(); ++column) {
      std::vector<int64_t> values(kChunkRows, 0);
      for (uint64_t i = 0; i < kChunkRows && chunk * kChunkRows + i < end; ++i) {
        const uint64_t row = chunk * kChunkRows + i;
        values[i] = column == 0 ? time_of(row) : counter_of(row);
      }
      if (Status s =
              datasets[column]->write_chunk(chunk, std::as_bytes(std::span(values)), written, end);
          !s) {
        die(s.message());
      }
    }
  }
  if (Status s = file.file().flush(); !s) die(s.message());
  if (Status s = file.file().commit(); !s) die(s.message());
}

int run(const std::string& out_dir, uint64_t before_overwrite) {
  const testing::TempDirectory work("h5rec-journal-seed");
  const std::string path = work.file(kFileName);
  CuttingStorage storage(path, before_overwrite, out_dir);
  FileAttributes attributes;
  attributes.device_id = "fuzz-seed";
  attributes.start_time_utc = "2027-01-15T08:00:00Z";
  attributes.config_text = "# made by make_journal_seed\n";
  attributes.segment = 1;
  attributes.checkpoint_interval_s = 0.2;
  GroupLayout group;
  group.name = kGroup;
  group.rate_hz = 100;
  group.chunk_rows = kChunkRows;
  group.columns.push_back({.name = "time", .dtype = DType::kInt64, .units = "ns"});
  group.columns.push_back({.name = "counter", .dtype = DType::kInt64, .units = "1"});
  auto file = RecordingFile::create(path, attributes, {group}, {.storage = &storage});
  if (!file) die(file.message());
  for (uint64_t c = 0; c < kCheckpoints; ++c) {
    checkpoint(file.value(), c * kRowsPerCheckpoint, (c + 1) * kRowsPerCheckpoint);
  }
  storage.arm();
  checkpoint(file.value(), kCheckpointedRows, kCheckpointedRows + kRowsPerCheckpoint);
  std::printf("the cut checkpoint overwrote checkpointed bytes %llu times; %s\n",
              static_cast<unsigned long long>(storage.overwrites_in_last_active()),
              storage.cut_done() ? ("cut before overwrite " + std::to_string(before_overwrite) +
                                    " into " + out_dir)
                                       .c_str()
                                 : "no cut made");
  (void)file.value().close();
  return storage.cut_done() ? 0 : 1;
}

}  // namespace
}  // namespace h5rec::fuzz

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_journal_seed OUT_DIR BEFORE_OVERWRITE\n");
    return 64;
  }
  return h5rec::fuzz::run(argv[1], std::strtoull(argv[2], nullptr, 10));
}
