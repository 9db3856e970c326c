// Counts heap allocations (operator new) made on the recorder's sampler threads, which must make
// none after start-up. Linking the object library h5rec_allocation_counter replaces the
// program's global operator new and delete (they allocate with malloc); the counter asks each
// allocating thread for its name while counting is on. Used by h5rec-bench and the fixed-memory
// test. ThreadSanitizer brings its own operator new: under it nothing is counted.
#pragma once

#include <cstdint>

namespace h5rec::bench {

// Starts counting from zero.
void start_counting_sampler_allocations();
// Allocations made on threads named Recorder::kSamplerThreadPrefix... since the start.
uint64_t sampler_allocations();

}  // namespace h5rec::bench
