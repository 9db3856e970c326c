#include "platform/posix/heap_reserve.hpp"

#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <vector>

namespace h5rec::platform {

void reserve_heap(size_t bytes) {
  // One arena: the writer thread's allocations come from the heap reserved here, not from an
  // arena of its own. A fixed trim threshold also fixes the mmap threshold (glibc stops moving
  // it), so small and mid-sized blocks keep coming from the heap.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  // No untouched padding past the reserve, where later blocks would land on new pages.
  mallopt(M_TOP_PAD, 0);
  // Pieces below the mmap threshold come from the heap; freed, they merge into its free top.
  constexpr size_t kPiece = 64 << 10;
  constexpr size_t kPageBytes = 4096;  // the smallest page size of the boards h5rec runs on
  std::vector<void*> pieces;
  pieces.reserve(bytes / kPiece + 1);
  for (size_t taken = 0; taken < bytes; taken += kPiece) {
    void* piece = std::malloc(kPiece);
    if (piece == nullptr) break;
    // One write per page makes it resident (volatile: neither turned into calloc, which leaves
    // fresh pages untouched, nor dropped as a store to memory about to be freed).
    for (size_t at = 0; at < kPiece; at += kPageBytes) static_cast<volatile char*>(piece)[at] = 1;
    pieces.push_back(piece);
  }
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) std::free(*it);
}

}  // namespace h5rec::platform
