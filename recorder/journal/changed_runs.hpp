// Which bytes of a rewrite really change: the runs where new bytes differ from the old ones.
// A commit journals and rewrites only those (less journal, less wear on the card), and a write
// through to the file sends only those.
//
// Header-only (a template over the callback); no state, any thread.
#pragma once

#include <cstddef>
#include <span>

namespace h5rec::journal {

// Unchanged runs shorter than this inside a changed range are journaled and rewritten with it:
// fewer, larger records.
inline constexpr size_t kMergeGap = 64;

// Calls run(begin, end) (indexes into `now`) for every run of bytes where `now` differs from
// `old` (bytes past the end of `old` differ), joining runs less than kMergeGap apart.
template <class Run>
void for_each_changed_run(std::span<const std::byte> old, std::span<const std::byte> now, Run run) {
  const auto differs = [&](size_t i) { return i >= old.size() || old[i] != now[i]; };
  for (size_t i = 0; i < now.size();) {
    if (!differs(i)) {
      ++i;
      continue;
    }
    size_t last = i;
    for (size_t j = i + 1; j < now.size() && j - last <= kMergeGap; ++j) {
      if (differs(j)) last = j;
    }
    run(i, last + 1);
    i = last + 1;
  }
}

}  // namespace h5rec::journal
