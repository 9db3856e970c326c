#include "platform/gathered_file.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace h5rec::platform {
namespace {

constexpr size_t kBlock = kStreamBlockBytes;

}  // namespace

Result<std::unique_ptr<GatheredFile>> GatheredFile::wrap(std::unique_ptr<File> inner,
                                                         size_t capacity) {
  assert(capacity % kBlock == 0);
  auto size = inner->size();
  if (!size) return size.error();
  return std::unique_ptr<GatheredFile>(new GatheredFile(std::move(inner), capacity, size.value()));
}

GatheredFile::GatheredFile(std::unique_ptr<File> inner, size_t capacity, uint64_t stored_size)
    : inner_(std::move(inner)), capacity_(capacity), stored_size_(stored_size) {
  if (capacity_ == 0) return;
  buffer_.reset(static_cast<std::byte*>(::operator new (capacity_, std::align_val_t{kBlock})));
  std::memset(buffer_.get(), 0, capacity_);  // resident from the start, not at the first write
}

Status GatheredFile::pwrite(std::span<const std::byte> data, uint64_t offset) {
  if (capacity_ == 0) return inner_->pwrite(data, offset);
  while (!data.empty()) {
    if (!open_ || offset < base_ || offset >= base_ + capacity_) {
      if (Status s = flush(); !s) return s;
      if (offset + data.size() <= stored_size_) return inner_->pwrite(data, offset);
      // The write extends the file: gathering starts at its block.
      open_ = true;
      base_ = offset / kBlock * kBlock;
      length_ = 0;
    }
    auto taken = gather(data, offset);
    if (!taken) return taken.error();
    data = data.subspan(taken.value());
    offset += taken.value();
  }
  return {};
}

Result<size_t> GatheredFile::gather(std::span<const std::byte> data, uint64_t offset) {
  // Bytes between what is gathered and this write are the file's own (a block HDF5 allocated
  // and writes later, or the start of the first block).
  if (offset > base_ + length_) {
    if (Status s = fill(base_ + length_, offset); !s) return s.error();
  }
  const size_t at = static_cast<size_t>(offset - base_);
  const size_t n = std::min(data.size(), capacity_ - at);
  std::memcpy(buffer_.get() + at, data.data(), n);
  length_ = std::max(length_, at + n);
  if (length_ == capacity_) {
    if (Status s = send_blocks(); !s) return s.error();
  }
  return n;
}

Status GatheredFile::fill(uint64_t from, uint64_t to) {
  std::span<std::byte> out(buffer_.get() + (from - base_), static_cast<size_t>(to - from));
  size_t got = 0;
  if (from < stored_size_) {
    auto read = inner_->pread(
        out.first(static_cast<size_t>(std::min<uint64_t>(out.size(), stored_size_ - from))), from);
    if (!read) return read.error();
    got = read.value();
  }
  std::memset(out.data() + got, 0, out.size() - got);
  length_ = static_cast<size_t>(to - base_);
  return {};
}

Status GatheredFile::send_blocks() {
  const size_t whole = length_ / kBlock * kBlock;
  if (whole == 0) return {};
  if (Status s = inner_->pwrite_streamed({buffer_.get(), whole}, base_); !s) return s;
  stored_size_ = std::max(stored_size_, base_ + whole);
  std::memmove(buffer_.get(), buffer_.get() + whole, length_ - whole);
  base_ += whole;
  length_ -= whole;
  return {};
}

Status GatheredFile::flush() {
  if (!open_) return {};
  if (Status s = send_blocks(); !s) return s;
  if (length_ > 0) {
    // The last, partial block goes through the cache; the next append gathers from its start.
    if (Status s = inner_->pwrite({buffer_.get(), length_}, base_); !s) return s;
    stored_size_ = std::max(stored_size_, base_ + length_);
  }
  open_ = false;
  length_ = 0;
  return {};
}

Result<size_t> GatheredFile::pread(std::span<std::byte> out, uint64_t offset) {
  auto read = inner_->pread(out, offset);
  if (!read || !open_ || length_ == 0 || offset >= base_ + length_) return read;
  const size_t got = read.value();
  // The file reaches at least the end of the gathered bytes; what storage does not hold before
  // them is a hole (zeros), and the gathered bytes are newer than what storage holds.
  const uint64_t end = std::min<uint64_t>(offset + out.size(), base_ + length_);
  const auto n = static_cast<size_t>(end - offset);
  if (n > got) std::memset(out.data() + got, 0, n - got);
  const uint64_t from = std::max(offset, base_);
  if (from < end) {
    std::memcpy(out.data() + (from - offset), buffer_.get() + (from - base_),
                static_cast<size_t>(end - from));
  }
  return std::max(got, n);
}

Result<uint64_t> GatheredFile::size() {
  auto stored = inner_->size();
  if (!stored || !open_) return stored;
  return std::max<uint64_t>(stored.value(), base_ + length_);
}

Status GatheredFile::truncate(uint64_t size) {
  if (Status s = flush(); !s) return s;
  if (Status s = inner_->truncate(size); !s) return s;
  stored_size_ = size;
  return {};
}

Status GatheredFile::fsync() {
  if (Status s = flush(); !s) return s;
  return inner_->fsync();
}

}  // namespace h5rec::platform
