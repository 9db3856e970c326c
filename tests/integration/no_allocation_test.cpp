// Fixed memory: after start-up the sampler threads allocate nothing (a counting operator new,
// bench/allocation_counter.hpp, proves it), and resident memory stays flat over simulated hours,
// from the first minute on when the heap is reserved at start as the h5rec binary does.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "bench/allocation_counter.hpp"
#include "platform/posix/heap_reserve.hpp"
#include "recording_test_support.hpp"

namespace h5rec::testing {
namespace {

std::string config_text(const std::string& dir) {
  std::string text = R"(device_id = "alloc-test"
output_dir = ")" + dir + R"("
checkpoint_interval = 5.0
segment_duration = 1800.0
chunk_bytes = 16384
ring_seconds = 5.0

[[group]]
name = "fast"
rate_hz = 1000
)";
  for (int c = 0; c < 16; ++c) {
    text += "  [[group.channel]]\n  name = \"c" + std::to_string(c) +
            "\"\n  sensor = \"counter\"\n  dtype = \"int32\"\n";
  }
  text += R"(
[[group]]
name = "slow"
rate_hz = 10
  [[group.channel]]
  name = "sine"
  sensor = "sine"
  shape = [3]
  [[group.channel]]
  name = "noise"
  sensor = "noise"
  dtype = "float32"
  [[group.channel]]
  name = "walk"
  sensor = "random_walk"
  [[group.channel]]
  name = "step"
  sensor = "step"
  dtype = "bool"
  [[group.channel]]
  name = "count"
  sensor = "counter"
  dtype = "uint16"
)";
  return text;
}

// ThreadSanitizer supplies its own operator new, so the counting one never runs: skip rather
// than pass without having counted anything.
#if defined(__SANITIZE_THREAD__)
#define SKIP_WITHOUT_COUNTING_ALLOCATOR() GTEST_SKIP() << "ThreadSanitizer replaces operator new"
#else
#define SKIP_WITHOUT_COUNTING_ALLOCATOR() (void)0
#endif

TEST(FixedMemory, TheCountingAllocatorSeesSamplerThreads) {
  SKIP_WITHOUT_COUNTING_ALLOCATOR();
  bench::start_counting_sampler_allocations();
  std::thread t([] {
    pthread_setname_np(pthread_self(), (std::string(Recorder::kSamplerThreadPrefix) + "X").c_str());
    // A direct call: a new-expression paired with its delete may be elided by the compiler.
    void* p = ::operator new(16);
    ::operator delete(p);
  });
  t.join();
  EXPECT_EQ(bench::sampler_allocations(), 1u);
}

TEST(FixedMemory, SamplerThreadsAllocateNothingDuringAnHour) {
  SKIP_WITHOUT_COUNTING_ALLOCATOR();
  TempDir dir;
  SimPlatform sim;
  bench::start_counting_sampler_allocations();
  const RecordingSummary summary = record(parse_or_die(config_text(dir.path())), sim, 3600.0);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_EQ(summary.groups[0].rows_stored, 3'600'000u);
  EXPECT_EQ(summary.groups[1].rows_stored, 36'000u);
  EXPECT_EQ(bench::sampler_allocations(), 0u);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
TEST(FixedMemory, DISABLED_ResidentMemoryStaysFlat) {}  // sanitizer runtimes grow RSS by design
#else
uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

// Segments rotate every 30 minutes, and each warms HDF5's metadata cache up to its fixed size
// (4 KiB per dataset) again, so memory is a sawtooth. After a first hour of warming up (heap and caches
// settle over the first few segments), the peak over the third hour must stay within 1% of the
// peak over the second.
TEST(FixedMemory, ResidentMemoryStaysFlatOverTheThirdSimulatedHour) {
  TempDir dir;
  SimPlatform sim;
  const config::RecorderConfig config = parse_or_die(config_text(dir.path()));
  std::atomic<bool> done{false};
  std::thread recording([&] {
    record(config, sim, 3 * 3600.0);
    done = true;
  });
  // Sample RSS against virtual time while the two hours record.
  constexpr int64_t kHour = 3600 * platform::kNsPerSecond;
  uint64_t rss_second_hour = 0, rss_third_hour = 0;
  while (!done) {
    const int64_t t = sim.clock.monotonic_ns();
    const uint64_t rss = resident_bytes();
    if (t >= kHour && t < 2 * kHour) {
      rss_second_hour = std::max(rss_second_hour, rss);
    } else if (t >= 2 * kHour && t < 3 * kHour - 10 * platform::kNsPerSecond) {
      rss_third_hour = std::max(rss_third_hour, rss);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  recording.join();
  ASSERT_GT(rss_second_hour, 0u) << "no RSS sample during the second hour";
  ASSERT_GT(rss_third_hour, 0u) << "no RSS sample during the third hour";
  std::printf("largest RSS in 1-2 h: %llu KiB, in 2-3 h: %llu KiB\n",
              static_cast<unsigned long long>(rss_second_hour / 1024),
              static_cast<unsigned long long>(rss_third_hour / 1024));
  EXPECT_LE(rss_third_hour, rss_second_hour + rss_second_hour / 100) << "grew by more than 1%";
}

// As the h5rec binary records: with the heap its metadata caches take reserved once the first
// segment is open, resident memory in the last minute of the hour (after a segment rotation) is
// within 0.5% of the first minute's.
TEST(FixedMemory, WithTheHeapReservedAtStartResidentMemoryIsFlatFromTheFirstMinute) {
  TempDir dir;
  SimPlatform sim;
  auto recorder = Recorder::create(parse_or_die(config_text(dir.path())), sim.clock, sim.storage);
  ASSERT_TRUE(recorder) << recorder.message();
  size_t reserved = 0;
  recorder.value()->set_started_observer([&](size_t bytes) {
    reserved = bytes;
    platform::reserve_heap(bytes);
  });
  constexpr int64_t kMinute = 60 * platform::kNsPerSecond;
  constexpr int64_t kEnd = 60 * kMinute;
  uint64_t first_minute = 0, last_minute = 0;
  recorder.value()->set_checkpoint_observer([&](const WriterStats&) {
    const int64_t t = sim.clock.monotonic_ns();
    if (t <= kMinute) first_minute = std::max(first_minute, resident_bytes());
    if (t >= kEnd - kMinute && t < kEnd) last_minute = std::max(last_minute, resident_bytes());
  });
  const std::atomic<bool> never{false};
  ASSERT_TRUE(recorder.value()->run(kEnd, never));
  ASSERT_GT(first_minute, 0u);
  ASSERT_GT(last_minute, 0u);
  std::printf("heap reserved: %zu KiB; largest RSS in the first minute: %llu KiB, in the last: "
              "%llu KiB\n", reserved / 1024, static_cast<unsigned long long>(first_minute / 1024),
              static_cast<unsigned long long>(last_minute / 1024));
  EXPECT_GT(reserved, 0u);
  EXPECT_LE(last_minute, first_minute + first_minute / 200) << "grew by more than 0.5%";
}
#endif

}  // namespace
}  // namespace h5rec::testing
