#include "bench/allocation_counter.hpp"

#include <errno.h>
#include <malloc.h>
#include <sys/prctl.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "recorder/recorder.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define H5REC_COUNT_MALLOC 0
#else
#define H5REC_COUNT_MALLOC 1
#endif

#if H5REC_COUNT_MALLOC
// glibc's allocator under names the program cannot replace.
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void __libc_free(void* p);
void* __libc_memalign(size_t alignment, size_t size);
void* __libc_valloc(size_t size);
void* __libc_pvalloc(size_t size);
}
#endif

namespace h5rec::bench {
namespace {

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_sampler_allocations{0};

bool on_sampler_thread() {
  char name[16] = {};  // PR_GET_NAME writes at most 16 bytes, NUL included
  if (::prctl(PR_GET_NAME, name, 0, 0, 0) != 0) return false;
  return std::strncmp(name, Recorder::kSamplerThreadPrefix,
                      std::strlen(Recorder::kSamplerThreadPrefix)) == 0;
}

void count() {
  if (g_counting.load(std::memory_order_relaxed) && on_sampler_thread()) {
    g_sampler_allocations.fetch_add(1, std::memory_order_relaxed);
  }
}

// Allocation for operator new, counted once (with malloc counted, not again through malloc).
void* raw_alloc(std::size_t size) {
#if H5REC_COUNT_MALLOC
  return __libc_malloc(size == 0 ? 1 : size);
#else
  return std::malloc(size == 0 ? 1 : size);
#endif
}

void* raw_aligned_alloc(std::size_t size, std::size_t alignment) {
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
#if H5REC_COUNT_MALLOC
  return __libc_memalign(alignment, size == 0 ? 1 : size);
#else
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  return std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
#endif
}

// Used by the operator new replacements below.
void* counted_new(std::size_t size) {
  count();
  return raw_alloc(size);
}
void* counted_aligned_new(std::size_t size, std::align_val_t alignment) {
  count();
  return raw_aligned_alloc(size, static_cast<std::size_t>(alignment));
}

}  // namespace

void start_counting_sampler_allocations() {
  g_sampler_allocations = 0;
  g_counting = true;
}

uint64_t sampler_allocations() { return g_sampler_allocations.load(); }

bool counts_malloc() { return H5REC_COUNT_MALLOC != 0; }

bool counts_operator_new() {
#if defined(__SANITIZE_THREAD__)
  return false;
#else
  return true;
#endif
}

}  // namespace h5rec::bench

#if H5REC_COUNT_MALLOC
extern "C" {

void* malloc(size_t size) noexcept {
  h5rec::bench::count();
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) noexcept {
  h5rec::bench::count();
  return __libc_calloc(count, size);
}
void* realloc(void* p, size_t size) noexcept {
  h5rec::bench::count();
  return __libc_realloc(p, size);
}
void* reallocarray(void* p, size_t count, size_t size) noexcept {
  size_t bytes = 0;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  h5rec::bench::count();
  return __libc_realloc(p, bytes);
}
void free(void* p) noexcept { __libc_free(p); }
void* memalign(size_t alignment, size_t size) noexcept {
  h5rec::bench::count();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) noexcept {
  h5rec::bench::count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  h5rec::bench::count();
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(size_t size) noexcept {
  h5rec::bench::count();
  return __libc_valloc(size);
}
void* pvalloc(size_t size) noexcept {
  h5rec::bench::count();
  return __libc_pvalloc(size);
}

}  // extern "C"
#endif

// These replacements pair operator new with malloc and operator delete with free; GCC cannot see
// that and warns about the pairing at some optimisation levels.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
using h5rec::bench::counted_aligned_new;
using h5rec::bench::counted_new;

void* operator new(std::size_t size) {
  if (void* p = counted_new(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_new(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_new(size); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  if (void* p = counted_aligned_new(size, alignment)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  if (void* p = counted_aligned_new(size, alignment)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned_new(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned_new(size, alignment);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
