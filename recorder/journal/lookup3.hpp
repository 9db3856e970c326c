// Bob Jenkins' lookup3 hash ("hashlittle"), the checksum HDF5 stores in its version 2/3
// superblocks and other metadata. The rollback journal uses it too, so one checksum covers both.
#pragma once

#include <cstdint>
#include <span>

namespace h5rec::journal {

uint32_t lookup3(std::span<const std::byte> data, uint32_t initial = 0);

}  // namespace h5rec::journal
