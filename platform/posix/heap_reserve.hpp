// Memory taken once at start-up, for the heap too: HDF5's metadata cache fills to its fixed size
// during a file's first half hour or so, and a heap that grows with it makes resident memory
// creep up long after the recording started. reserve_heap() takes that headroom at start, so the
// process's resident memory is what it will stay at.
//
// Process-wide (malloc's policy): for a program that owns its process, the h5rec binary. Never
// call it from a library; the embeddable logger does not.
#pragma once

#include <cstddef>

namespace h5rec::platform {

// Puts every thread on the one heap, keeps the heap from ever being trimmed back, and grows it
// now by `bytes`, touched and freed: later allocations up to that much reuse resident memory.
void reserve_heap(size_t bytes);

}  // namespace h5rec::platform
