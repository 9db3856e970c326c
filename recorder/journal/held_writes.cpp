#include "recorder/journal/held_writes.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

namespace h5rec::journal {

void HeldWrites::hold(uint64_t offset, std::span<const std::byte> in) {
  const uint64_t end = offset + in.size();
  auto first = ranges_.upper_bound(offset);
  if (first != ranges_.begin() &&
      std::prev(first)->first + std::prev(first)->second.bytes.size() > offset) {
    --first;
  }
  auto last = first;
  uint64_t begin = offset;
  uint64_t stop = end;
  for (; last != ranges_.end() && last->first < end; ++last) {
    begin = std::min(begin, last->first);
    stop = std::max(stop, last->first + last->second.bytes.size());
  }
  if (first == last) {  // overlaps nothing held
    ranges_.emplace(offset, Range{std::vector<std::byte>(in.begin(), in.end()), ++writes_});
    bytes_ += in.size();
    return;
  }
  if (std::next(first) == last && first->first == offset &&
      first->second.bytes.size() == in.size()) {  // rewrites one range exactly: no allocation
    std::memcpy(first->second.bytes.data(), in.data(), in.size());
    first->second.sequence = ++writes_;
    return;
  }
  std::vector<std::byte> merged(stop - begin);
  for (auto it = first; it != last; ++it) {
    std::memcpy(merged.data() + (it->first - begin), it->second.bytes.data(), it->second.bytes.size());
    bytes_ -= it->second.bytes.size();
  }
  std::memcpy(merged.data() + (offset - begin), in.data(), in.size());
  ranges_.erase(first, last);
  bytes_ += merged.size();
  ranges_.emplace(begin, Range{std::move(merged), ++writes_});
}

bool HeldWrites::overlaps(uint64_t begin, uint64_t end) const {
  auto it = ranges_.lower_bound(end);
  if (it == ranges_.begin()) return false;
  --it;
  return it->first + it->second.bytes.size() > begin;
}

void HeldWrites::copy_over(uint64_t offset, std::span<std::byte> out) const {
  const uint64_t end = offset + out.size();
  auto it = ranges_.upper_bound(offset);
  if (it != ranges_.begin()) --it;
  for (; it != ranges_.end() && it->first < end; ++it) {
    const uint64_t from = std::max(offset, it->first);
    const uint64_t to = std::min(end, it->first + it->second.bytes.size());
    if (from >= to) continue;
    std::memcpy(out.data() + (from - offset), it->second.bytes.data() + (from - it->first), to - from);
  }
}

void HeldWrites::clear() {
  ranges_.clear();
  bytes_ = 0;
}

}  // namespace h5rec::journal
