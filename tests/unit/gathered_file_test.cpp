// GatheredFile (platform/gathered_file.hpp) against an oracle: seeded random writes, reads,
// truncates and syncs on a real file (posix storage, so streamed writes really are written back
// and dropped), the file on disk compared byte for byte with a std::vector after every flush; the
// order in which bytes reach storage; failed sends keeping their bytes; and that the posix
// storage leaves little of a stream in the page cache.
#include "platform/gathered_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "disk_bytes.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "resident_pages.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

using h5rec::testing::page_bytes;
using h5rec::testing::read_disk;
using h5rec::testing::resident_pages;
using h5rec::testing::TempDirectory;
using Bytes = std::vector<std::byte>;

constexpr size_t kCapacity = 16 * kStreamBlockBytes;  // small: sends happen often

Bytes random_bytes(std::mt19937_64& rng, size_t size) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = rng() | 0x0101010101010101;  // no zero bytes
    std::memcpy(bytes.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return bytes;
}

// The oracle: what the file must hold.
void write_oracle(Bytes& file, const Bytes& data, uint64_t offset) {
  if (offset + data.size() > file.size()) file.resize(offset + data.size());
  std::copy(data.begin(), data.end(), file.begin() + static_cast<ptrdiff_t>(offset));
}

std::unique_ptr<GatheredFile> gathered(Storage& storage, const std::string& path, size_t capacity) {
  auto inner = storage.open(path, OpenMode::kCreateTruncate);
  EXPECT_TRUE(inner) << inner.message();
  auto file = GatheredFile::wrap(std::move(inner.value()), capacity);
  EXPECT_TRUE(file) << file.message();
  return std::move(file.value());
}

class GatheredFileSeeds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(GatheredFileSeeds, MatchesAnOracleAndTheDiskAfterEveryFlush) {
  const uint64_t seed = GetParam();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  TempDirectory dir;
  PosixStorage storage;
  const std::string path = dir.file("data.bin");
  auto file = gathered(storage, path, kCapacity);
  Bytes oracle;
  for (int step = 0; step < 2000; ++step) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", step " + std::to_string(step));
    const unsigned op = static_cast<unsigned>(rng() % 100);
    if (op < 45) {  // append at the end, as chunk writes do, sometimes past a gap (a block
                    // allocated and written later)
      const uint64_t gap = rng() % 4 != 0 ? 0 : rng() % 2 == 0 ? rng() % 8 : rng() % 3000;
      const size_t size = rng() % 3 == 0 ? rng() % (3 * kCapacity) + 1 : rng() % 5000 + 1;
      const Bytes data = random_bytes(rng, size);
      ASSERT_TRUE(file->pwrite(data, oracle.size() + gap));
      write_oracle(oracle, data, oracle.size() + gap);
    } else if (op < 70 && !oracle.empty()) {  // rewrite in place (metadata), maybe past the end
      const uint64_t offset = rng() % oracle.size();
      const Bytes data = random_bytes(rng, rng() % 600 + 1);
      ASSERT_TRUE(file->pwrite(data, offset));
      write_oracle(oracle, data, offset);
    } else if (op < 85) {  // read anywhere, often around the end (the gathered bytes' edges)
      const uint64_t near_end = oracle.size() - std::min<uint64_t>(oracle.size(), rng() % 16);
      const uint64_t offset = rng() % 2 == 0 ? near_end : rng() % (oracle.size() + 100);
      Bytes out(rng() % 2 == 0 ? rng() % 16 + 1 : rng() % 9000 + 1, std::byte{0xEE});
      auto got = file->pread(out, offset);
      ASSERT_TRUE(got) << got.message();
      const size_t expected =
          offset >= oracle.size() ? 0 : std::min<size_t>(out.size(), oracle.size() - offset);
      ASSERT_EQ(got.value(), expected);
      ASSERT_TRUE(std::equal(out.begin(), out.begin() + static_cast<ptrdiff_t>(expected),
                             oracle.begin() + static_cast<ptrdiff_t>(offset)));
    } else if (op < 90) {
      auto size = file->size();
      ASSERT_TRUE(size);
      ASSERT_EQ(size.value(), oracle.size());
    } else if (op < 93) {  // cut or extend (HDF5's truncate to its end of allocation)
      const uint64_t size = rng() % (oracle.size() + 5000);
      ASSERT_TRUE(file->truncate(size));
      oracle.resize(size);
      ASSERT_EQ(read_disk(path), oracle);
    } else {
      ASSERT_TRUE(rng() % 2 == 0 ? file->flush() : file->fsync());
      ASSERT_EQ(file->gathered_bytes(), 0u);
      ASSERT_EQ(read_disk(path), oracle);
    }
  }
  ASSERT_TRUE(file->fsync());
  EXPECT_EQ(read_disk(path), oracle);
}

INSTANTIATE_TEST_SUITE_P(Seeds, GatheredFileSeeds, ::testing::Range<uint64_t>(1, 9));

// A File that records what reaches it, in order, over an in-memory file.
class RecordingFile final : public File {
 public:
  struct Call {
    bool streamed;
    uint64_t offset;
    size_t size;
  };
  Status pwrite(std::span<const std::byte> data, uint64_t offset) override {
    calls.push_back({false, offset, data.size()});
    write_oracle(bytes, Bytes(data.begin(), data.end()), offset);
    return {};
  }
  Status pwrite_streamed(std::span<const std::byte> data, uint64_t offset) override {
    EXPECT_EQ(offset % kStreamBlockBytes, 0u);
    EXPECT_EQ(data.size() % kStreamBlockBytes, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data.data()) % kStreamBlockBytes, 0u);
    calls.push_back({true, offset, data.size()});
    write_oracle(bytes, Bytes(data.begin(), data.end()), offset);
    return {};
  }
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override {
    if (offset >= bytes.size()) return size_t{0};
    const size_t n = std::min<size_t>(out.size(), bytes.size() - offset);
    std::memcpy(out.data(), bytes.data() + offset, n);
    return n;
  }
  Status fsync() override { return {}; }
  Status truncate(uint64_t size) override {
    bytes.resize(size);
    return {};
  }
  Result<bool> try_lock() override { return true; }
  Result<uint64_t> size() override { return uint64_t{bytes.size()}; }
  const std::string& path() const override { return path_; }

  Bytes bytes;
  std::vector<Call> calls;

 private:
  std::string path_ = "recorded";
};

TEST(GatheredFile, AppendsReachStorageAsWholeAlignedBlocksAndTheTailAtFlush) {
  auto inner = std::make_unique<RecordingFile>();
  RecordingFile& recorded = *inner;
  auto file = GatheredFile::wrap(std::move(inner), kCapacity);
  ASSERT_TRUE(file);
  // 100 bytes of metadata, then chunks of 5000 bytes: nothing reaches storage until the buffer
  // is full, then one streamed write of the whole buffer.
  std::mt19937_64 rng(7);
  Bytes oracle;
  const auto append = [&](size_t size) {
    const Bytes data = random_bytes(rng, size);
    ASSERT_TRUE(file.value()->pwrite(data, oracle.size()));
    write_oracle(oracle, data, oracle.size());
  };
  append(100);
  for (int i = 0; i < 13; ++i) append(5000);  // 65,100 bytes < 65,536
  EXPECT_TRUE(recorded.calls.empty());
  EXPECT_EQ(file.value()->gathered_bytes(), oracle.size());
  append(3000);  // 68,100 bytes: the buffer is full, 2,564 bytes go on into the next
  ASSERT_EQ(recorded.calls.size(), 1u);
  EXPECT_TRUE(recorded.calls[0].streamed);
  EXPECT_EQ(recorded.calls[0].offset, 0u);
  EXPECT_EQ(recorded.calls[0].size, kCapacity);
  ASSERT_TRUE(file.value()->flush());
  ASSERT_EQ(recorded.calls.size(), 2u);
  EXPECT_FALSE(recorded.calls[1].streamed);  // 2,564 bytes: less than a block
  EXPECT_EQ(recorded.calls[1].offset, kCapacity);
  EXPECT_EQ(recorded.bytes, oracle);
}

TEST(GatheredFile, AWriteBehindTheGatheredBytesSendsThemFirst) {
  auto inner = std::make_unique<RecordingFile>();
  RecordingFile& recorded = *inner;
  recorded.bytes.assign(10000, std::byte{1});  // a file with stored bytes
  auto file = GatheredFile::wrap(std::move(inner), kCapacity);
  ASSERT_TRUE(file);
  const Bytes chunk(20000, std::byte{2}), header(16, std::byte{3});
  ASSERT_TRUE(file.value()->pwrite(chunk, 10000));  // gathered from block 8192 on
  EXPECT_TRUE(recorded.calls.empty());
  // The header points at the chunk: it must not reach storage before the chunk does.
  ASSERT_TRUE(file.value()->pwrite(header, 0));
  ASSERT_EQ(recorded.calls.size(), 3u);
  EXPECT_TRUE(recorded.calls[0].streamed);  // blocks 8192 .. 28671
  EXPECT_EQ(recorded.calls[0].offset, 8192u);
  EXPECT_EQ(recorded.calls[0].size, 20480u);
  EXPECT_FALSE(recorded.calls[1].streamed);  // the tail 28672 .. 29999
  EXPECT_EQ(recorded.calls[1].offset, 28672u);
  EXPECT_EQ(recorded.calls[2].offset, 0u);  // then the header, straight through
  EXPECT_EQ(recorded.calls[2].size, 16u);
  EXPECT_EQ(std::count(recorded.bytes.begin(), recorded.bytes.end(), std::byte{2}), 20000);
  EXPECT_EQ(recorded.bytes.size(), 30000u);
}

TEST(GatheredFile, ReadsSeeZerosBetweenTheStoredEndAndGatheredBytes) {
  auto inner = std::make_unique<RecordingFile>();
  inner->bytes.assign(1000, std::byte{1});
  auto file = GatheredFile::wrap(std::move(inner), kCapacity);
  ASSERT_TRUE(file);
  const Bytes data(100, std::byte{2});
  ASSERT_TRUE(file.value()->pwrite(data, 10000));  // gathered from block 8192 on
  Bytes out(20000, std::byte{0xEE});
  auto got = file.value()->pread(out, 0);
  ASSERT_TRUE(got);
  ASSERT_EQ(got.value(), 10100u);
  Bytes expected(10100, std::byte{0});
  std::fill_n(expected.begin(), 1000, std::byte{1});
  std::fill_n(expected.begin() + 10000, 100, std::byte{2});
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out.begin()));
  EXPECT_EQ(file.value()->size().value(), 10100u);
}

TEST(GatheredFile, AFailedSendKeepsItsBytesForTheNextFlush) {
  TempDirectory dir;
  PosixStorage base;
  SimClock clock;
  SimStorage storage(base, clock);
  const std::string path = dir.file("data.bin");
  auto file = gathered(storage, path, kCapacity);
  std::mt19937_64 rng(11);
  const Bytes first = random_bytes(rng, kCapacity - 10);
  ASSERT_TRUE(file->pwrite(first, 0));
  storage.inject(Fault::failing(FaultOp::kWrite, 1, EIO));
  const Bytes second = random_bytes(rng, 100);
  const Status failed = file->pwrite(second, first.size());  // fills the buffer: the send fails
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.code(), EIO);
  EXPECT_TRUE(read_disk(path).empty());
  // The caller retries its write (idempotent), and the next flush sends everything.
  ASSERT_TRUE(file->pwrite(second, first.size()));
  ASSERT_TRUE(file->flush());
  Bytes oracle = first;
  oracle.insert(oracle.end(), second.begin(), second.end());
  EXPECT_EQ(read_disk(path), oracle);
}

// The posix storage writes streamed pages back at once and drops them from the page cache a few
// MiB later: after 64 MiB, the first 48 MiB are (almost) all out of the cache.
TEST(GatheredFile, PosixStreamedPagesLeaveThePageCache) {
  TempDirectory dir;
  struct statfs fs {};
  ASSERT_EQ(::statfs(dir.path().c_str(), &fs), 0);
  if (fs.f_type == TMPFS_MAGIC)
    GTEST_SKIP() << dir.path() << " is tmpfs: its pages are its storage";
  const std::string path = dir.file("stream.bin");
  PosixStorage storage;
  auto file = gathered(storage, path, size_t{1} << 20);
  const size_t total = size_t{64} << 20, piece = 65536 + 8;  // chunk-like, not block-aligned
  const Bytes chunk(piece, std::byte{9});
  for (size_t at = 0; at + piece <= total; at += piece) ASSERT_TRUE(file->pwrite(chunk, at));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const size_t checked = size_t{48} << 20;
  void* map = ::mmap(nullptr, checked, PROT_READ, MAP_SHARED, fd, 0);
  ASSERT_NE(map, MAP_FAILED);
  const size_t cached = resident_pages(map, checked);
  ::munmap(map, checked);
  ::close(fd);
  EXPECT_LT(cached * page_bytes(), size_t{1} << 20)
      << cached << " of the first " << checked / page_bytes()
      << " pages are still in the page cache";
  ASSERT_TRUE(file->fsync());
}

}  // namespace
}  // namespace h5rec::platform
