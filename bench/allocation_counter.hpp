// Counts heap allocations made on the recorder's sampler threads, which must make none after
// start-up. Linking the object library h5rec_allocation_counter replaces the program's global
// operator new and delete, every form (plain, array, sized, aligned, nothrow), and, in builds
// without a sanitizer, the C allocator's entry points (malloc, calloc, realloc, reallocarray,
// free, aligned_alloc, posix_memalign, memalign, valloc, pvalloc), which forward to glibc's own
// (__libc_malloc...), so a malloc in the C library or in HDF5 is counted as well.
// malloc_usable_size stays glibc's: the blocks are glibc's. While counting is on, each
// allocating thread is asked for its name with prctl(PR_GET_NAME), which does not allocate.
// Used by h5rec-bench and the fixed-memory test.
//
// Under AddressSanitizer and ThreadSanitizer the runtime owns malloc: only operator new is
// counted under ASan (counts_malloc() is false), and nothing under TSan, whose operator new
// wins (counts_operator_new() is false).
#pragma once

#include <cstdint>

namespace h5rec::bench {

// Starts counting from zero.
void start_counting_sampler_allocations();
// Allocations made on threads named Recorder::kSamplerThreadPrefix... since the start.
uint64_t sampler_allocations();

// What this build counts (see above).
bool counts_malloc();
bool counts_operator_new();

}  // namespace h5rec::bench
