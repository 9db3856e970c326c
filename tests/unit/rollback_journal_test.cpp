// The rollback journal's records (recorder/journal/rollback_journal.hpp): what the writer stores
// is what recovery reads back and restores, zero records included, and format 1 journals (no
// zero records) are still read. Files in a temporary directory under /tmp.
#include "recorder/journal/rollback_journal.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/little_endian.hpp"
#include "recorder/journal/lookup3.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::journal {
namespace {

using h5rec::testing::TempDirectory;

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::vector<std::byte> read_all(platform::Storage& storage, const std::string& path) {
  auto file = storage.open(path, platform::OpenMode::kRead);
  EXPECT_TRUE(file.ok());
  std::vector<std::byte> out(static_cast<size_t>(file.value()->size().value()));
  EXPECT_EQ(file.value()->pread(out, 0).value(), out.size());
  return out;
}

TEST(RollbackJournal, ZeroRecordsStoreNoBytesAndRestoreZeros) {
  TempDirectory dir;
  platform::PosixStorage storage;
  const std::string data_path = dir.file("data.h5");
  auto writer = JournalWriter::create(storage, data_path, false);
  ASSERT_TRUE(writer.ok()) << writer.message();
  const std::vector<Record> records = {
      {100, bytes_of({1, 2, 3, 0})},
      {200, std::vector<std::byte>(4000)},  // all zeros: a partial chunk's padding
      {5000, bytes_of({0, 0, 9})},
  };
  ASSERT_TRUE(writer.value()->write_active(8192, records).ok());
  // Header, then three record heads and only the 4 + 3 bytes that are not all zeros.
  EXPECT_EQ(read_all(storage, journal_path(data_path)).size(), 512u + 3 * 16 + 4 + 3);

  auto journal = storage.open(journal_path(data_path), platform::OpenMode::kRead);
  ASSERT_TRUE(journal.ok());
  auto contents = read_journal(*journal.value());
  ASSERT_TRUE(contents.ok()) << contents.message();
  ASSERT_TRUE(contents->active) << contents->note;
  EXPECT_EQ(contents->data_size, 8192u);
  ASSERT_EQ(contents->records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(contents->records[i].offset, records[i].offset);
    EXPECT_EQ(contents->records[i].old_bytes, records[i].old_bytes);
  }

  // Roll back a data file whose recorded ranges were overwritten and which grew past 8192.
  {
    auto data = storage.open(data_path, platform::OpenMode::kCreateTruncate);
    ASSERT_TRUE(data.ok());
    ASSERT_TRUE(data.value()->pwrite(std::vector<std::byte>(10000, std::byte{0x5a}), 0).ok());
    ASSERT_TRUE(roll_back(*data.value(), contents.value()).ok());
  }
  const std::vector<std::byte> restored = read_all(storage, data_path);
  ASSERT_EQ(restored.size(), 8192u);
  std::vector<std::byte> expected(8192, std::byte{0x5a});
  for (const Record& r : records) {
    std::memcpy(expected.data() + r.offset, r.old_bytes.data(), r.old_bytes.size());
  }
  EXPECT_EQ(restored, expected);
}

TEST(RollbackJournal, ReadsFormatOneJournals) {
  TempDirectory dir;
  platform::PosixStorage storage;
  // A format 1 journal as earlier h5rec versions wrote it: one record, stored bytes only.
  std::vector<std::byte> journal(512 + 16 + 2);
  std::byte* h = journal.data();
  std::memcpy(h, "H5RECJNL", 8);
  store_le(h + 8, 1, 4);        // format
  store_le(h + 12, 1, 4);       // active
  store_le(h + 16, 7, 8);       // sequence
  store_le(h + 24, 4096, 8);    // data size
  store_le(h + 32, 1, 8);       // records
  store_le(h + 40, 16 + 2, 8);  // record bytes
  std::byte* r = h + 512;
  store_le(r, 64, 8);
  store_le(r + 8, 2, 8);
  r[16] = std::byte{0xab};
  r[17] = std::byte{0xcd};
  store_le(h + 48, lookup3(std::span<const std::byte>(r, 18)), 4);
  store_le(h + 52, lookup3(std::span<const std::byte>(h, 52)), 4);
  {
    auto file = storage.open(dir.file("old.h5-journal"), platform::OpenMode::kCreateTruncate);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file.value()->pwrite(journal, 0).ok());
  }
  auto file = storage.open(dir.file("old.h5-journal"), platform::OpenMode::kRead);
  ASSERT_TRUE(file.ok());
  auto contents = read_journal(*file.value());
  ASSERT_TRUE(contents.ok()) << contents.message();
  ASSERT_TRUE(contents->active) << contents->note;
  ASSERT_EQ(contents->records.size(), 1u);
  EXPECT_EQ(contents->records[0].offset, 64u);
  EXPECT_EQ(contents->records[0].old_bytes, bytes_of({0xab, 0xcd}));
}

TEST(RollbackJournal, RejectsAZeroRecordPastTheCheckpointedSize) {
  TempDirectory dir;
  platform::PosixStorage storage;
  const std::string data_path = dir.file("data.h5");
  auto writer = JournalWriter::create(storage, data_path, false);
  ASSERT_TRUE(writer.ok()) << writer.message();
  const std::vector<Record> records = {{4000, std::vector<std::byte>(200)}};
  ASSERT_TRUE(writer.value()->write_active(4096, records).ok());
  auto journal = storage.open(journal_path(data_path), platform::OpenMode::kRead);
  ASSERT_TRUE(journal.ok());
  auto contents = read_journal(*journal.value());
  ASSERT_FALSE(contents.ok());
  EXPECT_NE(contents.message().find("checkpointed size"), std::string::npos) << contents.message();
}

// A file cut shorter than at its last checkpoint, where the journal does not hold the missing
// bytes, cannot be restored: roll_back refuses and writes nothing. Where the journal does hold
// them (a shrink it recorded), it restores them.
TEST(RollbackJournal, RefusesAFileCutBelowItsCheckpointUnlessTheJournalHoldsTheBytes) {
  TempDirectory dir;
  platform::PosixStorage storage;
  const std::string data_path = dir.file("data.h5");
  const auto write_data = [&](size_t size) {
    auto data = storage.open(data_path, platform::OpenMode::kCreateTruncate);
    ASSERT_TRUE(data.ok());
    ASSERT_TRUE(data.value()->pwrite(std::vector<std::byte>(size, std::byte{7}), 0).ok());
  };
  const auto roll_back_with = [&](std::vector<Record> records) {
    auto data = storage.open(data_path, platform::OpenMode::kReadWrite);
    EXPECT_TRUE(data.ok());
    return roll_back(*data.value(), JournalContents{true, true, 8192, std::move(records), ""});
  };
  write_data(4096);  // cut: the checkpoint had 8192 bytes
  const Status refused = roll_back_with({{100, bytes_of({1, 2})}, {5000, bytes_of({3})}});
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("shorter (4096 bytes) than at its last checkpoint (8192"),
            std::string::npos)
      << refused.message();
  EXPECT_EQ(read_all(storage, data_path), std::vector<std::byte>(4096, std::byte{7}));

  const Status restored = roll_back_with({{100, bytes_of({1, 2})},
                                          {4096, std::vector<std::byte>(3000, std::byte{9})},
                                          {7000, std::vector<std::byte>(1192, std::byte{9})}});
  ASSERT_TRUE(restored.ok()) << restored.message();
  const std::vector<std::byte> after = read_all(storage, data_path);
  ASSERT_EQ(after.size(), 8192u);
  EXPECT_EQ(after[100], std::byte{1});
  EXPECT_EQ(after[4096], std::byte{9});
  EXPECT_EQ(after[8191], std::byte{9});
}

}  // namespace
}  // namespace h5rec::journal
