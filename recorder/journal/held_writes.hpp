// Writes held in memory until the next commit (recorder/journal/checkpointed_file.hpp): writes
// to the checkpointed part of a file, which wait for the commit's journal, and writes that
// storage refused, which the commit retries. Kept as disjoint byte ranges of the file; a write
// over held bytes joins them and the newest bytes win. Each range remembers when it was last
// written into, so the commit can apply overwrites in the order they were made.
//
// Ownership: the bytes are copied in and owned here. Threads: one at a time (the owner's mutex).
// Offsets and sizes are in bytes of the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace h5rec::journal {

class HeldWrites {
 public:
  struct Range {
    std::vector<std::byte> bytes;
    uint64_t sequence;  // when the last write into it was held: overwrites are applied in this order
  };

  // Holds a copy of `bytes` at `offset`, merged with the ranges it overlaps.
  void hold(uint64_t offset, std::span<const std::byte> bytes);
  // Whether any held byte lies in [begin, end).
  bool overlaps(uint64_t begin, uint64_t end) const;
  // Copies the held bytes that fall into `out` (which holds the file's bytes from `offset`) over it.
  void copy_over(uint64_t offset, std::span<std::byte> out) const;
  void clear();

  bool empty() const { return ranges_.empty(); }
  // The sum of the ranges' sizes.
  uint64_t bytes() const { return bytes_; }
  // By offset.
  const std::map<uint64_t, Range>& ranges() const { return ranges_; }

 private:
  std::map<uint64_t, Range> ranges_;
  uint64_t bytes_ = 0;
  uint64_t writes_ = 0;  // sequence numbers; never reset, so they only grow
};

}  // namespace h5rec::journal
