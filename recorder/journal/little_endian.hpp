// Little-endian integers in byte buffers: the byte order of the HDF5 superblock, of lookup3's
// input words and of the rollback journal, whatever the host's order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace h5rec::journal {

// The n (<= 8) bytes at p as an unsigned integer, least significant first.
inline uint64_t load_le(const std::byte* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// The low n (<= 8) bytes of v at p, least significant first.
inline void store_le(std::byte* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>(v >> (8 * i));
}

}  // namespace h5rec::journal
