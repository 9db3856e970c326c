// A File that gathers the writes that extend a file (chunk data appended at its end) in one
// page-aligned buffer, taken when it is made, and sends them to storage as whole aligned blocks
// through File::pwrite_streamed(): large sequential writes, which an SD card takes best, copied
// into the OS's cache from one buffer that stays in the CPU's cache (not from a ring of many MiB),
// written back at once and dropped from the cache soon after. Writes inside the file's stored
// bytes (metadata rewritten in place) pass straight through.
//
// Order: writes reach storage in the order they were made, but for the gathered ones, which are
// held back together. A write that is not gathered first sends everything gathered, so a block
// written in place never reaches storage before the new data it points to (SWMR readers rely on
// it). flush(), fsync() and truncate() send everything gathered; pread() and size() see gathered
// bytes at once.
//
// Failures: a send that fails keeps its bytes gathered for the next one and fails the call that
// made it. Writes are idempotent, so the caller retrying its write (the journal driver holds
// failed writes and retries them at its commit) loses nothing.
//
// One thread at a time (the journal driver serialises its calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>

#include "base/error.hpp"
#include "platform/storage.hpp"

namespace h5rec::platform {

class GatheredFile final : public File {
 public:
  // `capacity`: bytes gathered before they are sent, a multiple of kStreamBlockBytes; 0 gathers
  // nothing (every call passes through). The buffer is allocated and touched here.
  static Result<std::unique_ptr<GatheredFile>> wrap(std::unique_ptr<File> inner, size_t capacity);
  ~GatheredFile() override = default;  // what is still gathered is dropped (a given-up file)

  Status pwrite(std::span<const std::byte> data, uint64_t offset) override;
  Result<size_t> pread(std::span<std::byte> out, uint64_t offset) override;
  Status fsync() override;
  Status truncate(uint64_t size) override;
  Result<bool> try_lock() override { return inner_->try_lock(); }
  Result<uint64_t> size() override;
  const std::string& path() const override { return inner_->path(); }

  // Sends everything gathered to storage (durable only after fsync()).
  Status flush();
  // Bytes gathered and not yet sent.
  size_t gathered_bytes() const { return open_ ? length_ : 0; }

 private:
  struct AlignedFree {
    void operator()(std::byte* p) const {
      ::operator delete (p, std::align_val_t{kStreamBlockBytes});
    }
  };

  GatheredFile(std::unique_ptr<File> inner, size_t capacity, uint64_t stored_size);
  // Gathers as much of a write at `offset` as fits (the buffer covers it); returns the bytes taken.
  Result<size_t> gather(std::span<const std::byte> data, uint64_t offset);
  // Fills buffer bytes [from, to) (file offsets) with what storage holds there (zeros past its
  // end).
  Status fill(uint64_t from, uint64_t to);
  // Sends the whole blocks gathered and keeps the rest at the buffer's start.
  Status send_blocks();

  std::unique_ptr<File> inner_;
  std::unique_ptr<std::byte, AlignedFree> buffer_;
  size_t capacity_;
  bool open_ = false;         // the buffer covers [base_, base_ + capacity_) of the file
  uint64_t base_ = 0;         // file offset of buffer_[0], a multiple of kStreamBlockBytes
  size_t length_ = 0;         // bytes [base_, base_ + length_) are gathered
  uint64_t stored_size_ = 0;  // the file's size on storage, as far as this File made it
};

}  // namespace h5rec::platform
