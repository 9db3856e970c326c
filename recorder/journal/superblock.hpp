// The few superblock fields recovery needs, read and patched directly (HDF5 file format
// specification, superblock versions 2 and 3): where it is, its status flags (set while a writer
// has the file open, so stock tools refuse a crashed file) and the end-of-file address.
#pragma once

#include <cstdint>
#include <optional>

#include "base/error.hpp"
#include "platform/storage.hpp"

namespace h5rec::journal {

struct Superblock {
  uint64_t offset = 0;  // 0, 512, 1024, ... (after a user block)
  unsigned version = 0;
  uint8_t status_flags = 0;          // versions 2 and 3 only
  uint64_t end_of_file_address = 0;  // absolute: base address + stored end-of-file address
};

// Finds and parses the superblock; nullopt when the file has no HDF5 signature.
Result<std::optional<Superblock>> read_superblock(platform::File& file);

// Clears the status flags of a version 2/3 superblock and rewrites its checksum (one 48-byte
// write, inside one sector). Does not fsync.
Status clear_status_flags(platform::File& file, const Superblock& superblock);

}  // namespace h5rec::journal
