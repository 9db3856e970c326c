#include "bench/allocation_counter.hpp"

#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "recorder/recorder.hpp"

namespace h5rec::bench {
namespace {

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_sampler_allocations{0};

bool on_sampler_thread() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return std::strncmp(name, Recorder::kSamplerThreadPrefix,
                      std::strlen(Recorder::kSamplerThreadPrefix)) == 0;
}

void* counted_alloc(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed) && on_sampler_thread()) {
    g_sampler_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void start_counting_sampler_allocations() {
  g_sampler_allocations = 0;
  g_counting = true;
}

uint64_t sampler_allocations() { return g_sampler_allocations.load(); }

}  // namespace h5rec::bench

// These replacements pair operator new with malloc and operator delete with free; GCC cannot see
// that and warns about the pairing at some optimisation levels.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) { return h5rec::bench::counted_alloc(size); }
void* operator new[](std::size_t size) { return h5rec::bench::counted_alloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
