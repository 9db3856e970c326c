#include "recorder/journal/superblock.hpp"

#include <array>
#include <cstring>

#include "recorder/journal/little_endian.hpp"
#include "recorder/journal/lookup3.hpp"

namespace h5rec::journal {
namespace {

constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
// Versions 2/3 with 8-byte addresses: signature, version, offset size, length size, flags,
// four addresses (base, extension, end of file, root object header), checksum.
constexpr size_t kFlagsAt = 11;
constexpr size_t kBaseAt = 12;
constexpr size_t kEndOfFileAt = 28;
constexpr size_t kChecksumAt = 44;
constexpr size_t kSize = 48;

}  // namespace

Result<std::optional<Superblock>> read_superblock(platform::File& file) {
  auto size = file.size();
  if (!size) return size.error();
  for (uint64_t offset = 0; offset + sizeof kSignature <= size.value();
       offset = offset == 0 ? 512 : offset * 2) {
    std::array<std::byte, kSize> head{};
    auto got = file.pread(head, offset);
    if (!got) return got.error();
    if (got.value() < sizeof kSignature || std::memcmp(head.data(), kSignature, 8) != 0) continue;
    Superblock sb;
    sb.offset = offset;
    sb.version = static_cast<unsigned>(head[8]);
    if (sb.version >= 2) {
      if (got.value() < kSize || head[9] != std::byte{8}) {
        return Error{"'" + file.path() + "': superblock version " + std::to_string(sb.version) +
                     " is truncated or uses addresses other than 8 bytes"};
      }
      sb.status_flags = static_cast<uint8_t>(head[kFlagsAt]);
      sb.end_of_file_address = load_le(&head[kBaseAt], 8) + load_le(&head[kEndOfFileAt], 8);
      const uint32_t stored = static_cast<uint32_t>(load_le(&head[kChecksumAt], 4));
      if (stored != lookup3(std::span(head).first(kChecksumAt))) {
        return Error{"'" + file.path() + "': superblock checksum mismatch"};
      }
    }
    return std::optional<Superblock>(sb);
  }
  return std::optional<Superblock>();
}

Status clear_status_flags(platform::File& file, const Superblock& superblock) {
  if (superblock.version < 2) {
    return Error{"'" + file.path() + "': superblock version " + std::to_string(superblock.version) +
                 " has no status flags to clear"};
  }
  std::array<std::byte, kSize> head{};
  auto got = file.pread(head, superblock.offset);
  if (!got) return got.error();
  if (got.value() < kSize) return Error{"'" + file.path() + "': superblock truncated"};
  head[kFlagsAt] = std::byte{0};
  const uint32_t sum = lookup3(std::span(head).first(kChecksumAt));
  store_le(&head[kChecksumAt], sum, 4);
  return file.pwrite(head, superblock.offset);
}

}  // namespace h5rec::journal
