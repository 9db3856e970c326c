// Fixed memory: after start-up the sampler threads allocate nothing (a counting allocator,
// bench/allocation_counter.hpp, proves it: malloc and its kin and every operator new), also while
// board sensors fail and come back (their reopen runs on the reopener thread), and resident
// memory stays flat over simulated hours, from the first minute on when the heap is reserved at
// start as the h5rec binary does.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <thread>

#include "bench/allocation_counter.hpp"
#include "board/sensor_factory.hpp"
#include "platform/posix/heap_reserve.hpp"
#include "recording_test_support.hpp"
#include "tests/sensors/iio_fake_tree.hpp"

namespace h5rec::testing {
namespace {

// The period the resident-memory test judges by: a simulated hour, or 20 minutes when the tests
// run under qemu, where a simulated hour of this recording takes about 90 s (three of them were
// CI's longest test by far). Segments rotate twice per period either way.
#ifdef H5REC_TESTS_UNDER_EMULATION
constexpr int64_t kPeriodS = 20 * 60;
#else
constexpr int64_t kPeriodS = 3600;
#endif

std::string config_text(const std::string& dir, int64_t segment_s = 1800) {
  TomlGroup fast{"fast", "1000", {}};
  for (int c = 0; c < 16; ++c)
    fast.channels.push_back({"c" + std::to_string(c), "counter", "int32", ""});
  return RecorderToml("alloc-test", dir)
      .set("checkpoint_interval", "5.0")
      .set("segment_duration", std::to_string(segment_s) + ".0")
      .set("chunk_bytes", "16384")
      .set("ring_seconds", "5.0")
      .group(fast)
      .group({"slow",
              "10",
              {{"sine", "sine", "", "[3]"},
               {"noise", "noise", "float32", ""},
               {"walk", "random_walk", "", ""},
               {"step", "step", "bool", ""},
               {"count", "counter", "uint16", ""}}})
      .text();
}

// ThreadSanitizer supplies its own operator new and malloc, so the counting ones never run:
// skip rather than pass without having counted anything. Under AddressSanitizer only operator new
// is counted (its runtime owns malloc), so the cases below prove less there.
#define SKIP_WITHOUT_COUNTING_ALLOCATOR()                               \
  if (!bench::counts_operator_new()) {                                  \
    GTEST_SKIP() << "ThreadSanitizer replaces operator new and malloc"; \
  }                                                                     \
  (void)0

// Keeps the compiler from eliding an allocation paired with its release.
void keep(void* p) { asm volatile("" : : "g"(p) : "memory"); }

TEST(FixedMemory, TheCountingAllocatorSeesSamplerThreads) {
  SKIP_WITHOUT_COUNTING_ALLOCATOR();
  bench::start_counting_sampler_allocations();
  uint64_t made = 0;
  std::thread t([&] {
    pthread_setname_np(pthread_self(), (std::string(Recorder::kSamplerThreadPrefix) + "X").c_str());
    // Direct calls: a new-expression paired with its delete may be elided by the compiler.
    const auto counted = [&](void* p) {
      keep(p);
      ++made;
      return p;
    };
    ::operator delete(counted(::operator new(16)));
    ::operator delete[](counted(::operator new[](16)));
    ::operator delete(counted(::operator new(16, std::nothrow)));
    ::operator delete[](counted(::operator new[](16, std::nothrow)));
    ::operator delete (counted(::operator new (64, std::align_val_t{64})), std::align_val_t{64});
    ::operator delete[](counted(::operator new[](64, std::align_val_t{64})), std::align_val_t{64});
    ::operator delete (counted(::operator new (64, std::align_val_t{64}, std::nothrow)),
                       std::align_val_t{64});
    if (bench::counts_malloc()) {
      std::free(counted(std::malloc(16)));
      std::free(counted(std::calloc(4, 4)));
      void* p = counted(std::malloc(16));
      std::free(counted(std::realloc(p, 4096)));
      std::free(counted(std::aligned_alloc(64, 64)));
      void* q = nullptr;
      EXPECT_EQ(posix_memalign(&q, 64, 64), 0);
      std::free(counted(q));
      char* text = strdup("the C library allocates with malloc too");
      std::free(counted(text));
    }
  });
  t.join();
  std::printf("allocations made on the sampler-named thread: %llu (malloc counted: %s)\n",
              static_cast<unsigned long long>(made), bench::counts_malloc() ? "yes" : "no");
  EXPECT_EQ(bench::sampler_allocations(), made);
  EXPECT_GE(made, bench::counts_malloc() ? 14u : 7u);
}

TEST(FixedMemory, SamplerThreadsAllocateNothingDuringAnHour) {
  SKIP_WITHOUT_COUNTING_ALLOCATOR();
  TempDirectory dir;
  SimPlatform sim;
  bench::start_counting_sampler_allocations();
  const RecordingSummary summary = record(parse_or_die(config_text(dir.path())), sim, 3600.0);
  ASSERT_EQ(summary.groups.size(), 2u);
  EXPECT_EQ(summary.groups[0].rows_stored, 3'600'000u);
  EXPECT_EQ(summary.groups[1].rows_stored, 36'000u);
  EXPECT_EQ(bench::sampler_allocations(), 0u);
}

// Board sensors that fail: an optional hwmon chip and an optional file that never appear (their
// devices are reopened every back-off step for the whole recording) and an IIO device that goes
// away at the checkpoint after 3 s and is back, with another value, at the one after 6 s.
// Opening a board sensor scans directories and builds paths and messages: the sampler thread
// must leave that to the reopener.
std::string board_config_text(const std::string& dir, const testing::IioFakeTree& tree) {
  return RecorderToml("alloc-board", dir)
      .set("sysfs_root", toml_string(tree.sysfs_root()))
      .set("dev_root", toml_string(tree.dev_root()))
      .set("checkpoint_interval", "1.0")
      .group({"board",
              "100",
              {{"missing_chip",
                "hwmon",
                "",
                "",
                {{"optional", "true"}, {"params", R"({ chip = "ina219", input = "curr1" })"}}},
               {"missing_file",
                "file",
                "",
                "",
                {{"optional", "true"},
                 {"params", R"({ path = "bus/w1/devices/28-01/temperature" })"}}},
               {"battery",
                "file",
                "",
                "",
                {{"params", R"({ path = "class/power_supply/BAT0/capacity" })"}}},
               {"v0",
                "iio",
                "",
                "",
                {{"params", R"({ device = "ads1015", channel = "voltage0" })"}}}}})
      .group({"fast", "1000", {{"count", "counter", "", ""}}})
      .text();
}

std::vector<double> read_doubles(const std::string& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << dataset;
  const hid_t space = H5Dget_space(d);
  std::vector<double> values(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return values;
}

// Under ThreadSanitizer nothing is counted, but the recording still runs: the race detector then
// watches the handover of the failing devices between the sampler and the reopener.
TEST(FixedMemory, SamplerThreadsAllocateNothingWhileBoardSensorsFailAndComeBack) {
  TempDirectory dir;
  TempDirectory tree_dir;
  testing::IioFakeTree tree(tree_dir.path());
  tree.add_device(0, "ads1015");
  tree.write(0, "in_voltage0_raw", "1234\n");
  const std::string battery = tree.sysfs_root() + "/class/power_supply/BAT0/capacity";
  std::filesystem::create_directories(std::filesystem::path(battery).parent_path());
  std::ofstream(battery) << "87\n";

  SimPlatform sim;
  auto recorder = Recorder::create(parse_or_die(board_config_text(dir.path(), tree)), sim.clock,
                                   sim.storage, board::sensor_factory());
  ASSERT_TRUE(recorder) << recorder.message();
  bool removed = false, back = false;
  recorder.value()->set_checkpoint_observer([&](const WriterStats&) {
    const int64_t t = sim.clock.monotonic_ns();
    if (!removed && t >= 3 * platform::kNsPerSecond) {
      // As the kernel does: the open attribute reads empty, then the directory goes.
      std::ofstream(tree.device_path(0) + "/in_voltage0_raw", std::ios::trunc);
      std::filesystem::remove_all(tree.device_path(0));
      removed = true;
    } else if (removed && !back && t >= 6 * platform::kNsPerSecond) {
      tree.add_device(0, "ads1015");
      tree.write(0, "in_voltage0_raw", "99\n");
      back = true;
    }
  });
  bench::start_counting_sampler_allocations();
  const std::atomic<bool> never{false};
  const auto summary = recorder.value()->run(10 * platform::kNsPerSecond, never);
  const uint64_t allocations = bench::sampler_allocations();
  ASSERT_TRUE(summary) << summary.message();
  ASSERT_TRUE(removed && back);
  std::printf("sampler-thread allocations: %llu (%s)\n",
              static_cast<unsigned long long>(allocations),
              !bench::counts_operator_new() ? "not counted under ThreadSanitizer"
              : bench::counts_malloc()      ? "malloc and operator new counted"
                                            : "operator new counted");
  if (bench::counts_operator_new()) {
    EXPECT_EQ(allocations, 0u);
  }

  // The recording shows what happened: the device's first value, NaN while it was away (and
  // until its reopen), then its new value; the missing sensors NaN throughout.
  ASSERT_EQ(summary.value().paths.size(), 1u);
  const std::string file = summary.value().paths[0];
  const std::vector<double> v0 = read_doubles(file, "board/v0");
  ASSERT_EQ(v0.size(), 1000u);
  std::string states;
  const auto near = [](double v, double want) { return std::fabs(v - want) < 1e-9; };
  for (double v : v0) {
    states += std::isnan(v) ? 'n' : near(v, 1.234) ? 'b' : near(v, 0.099) ? 'a' : '?';
  }
  // b+n+a+: the first value, then NaN, then the new value, each at least once, in that order.
  const size_t first_nan = states.find('n'), first_after = states.find('a');
  EXPECT_TRUE(first_nan > 0 && first_nan != std::string::npos && first_after > first_nan &&
              first_after != std::string::npos && states.find_first_not_of('b') == first_nan &&
              states.find_first_not_of('n', first_nan) == first_after &&
              states.find_first_not_of('a', first_after) == std::string::npos)
      << states;
  for (const char* missing : {"board/missing_chip", "board/missing_file"}) {
    const std::vector<double> values = read_doubles(file, missing);
    EXPECT_TRUE(std::all_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }))
        << missing;
  }
  const std::vector<double> battery_values = read_doubles(file, "board/battery");
  EXPECT_TRUE(std::all_of(battery_values.begin(), battery_values.end(),
                          [](double v) { return v == 87.0; }));
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

// Segments rotate twice per period (an hour; kPeriodS), and each warms HDF5's metadata cache up
// to its fixed size (4 KiB per dataset) again, so memory is a sawtooth. After a first period of
// warming up (heap and caches settle over the first few segments), the peak over the third period
// must stay within 1% of the peak over the second. RSS is sampled after every checkpoint, on the
// writer thread while the virtual clock stands still: the same moments of the recording whatever
// the machine's speed (a thread sampling on the real clock could miss a peak, or a whole simulated
// period, under load).
TEST(FixedMemory, ResidentMemoryStaysFlatOverTheThirdPeriod) {
  TempDirectory dir;
  SimPlatform sim;
  auto recorder = Recorder::create(parse_or_die(config_text(dir.path(), kPeriodS / 2)), sim.clock,
                                   sim.storage, board::sensor_factory());
  ASSERT_TRUE(recorder) << recorder.message();
  constexpr int64_t kPeriod = kPeriodS * platform::kNsPerSecond;
  uint64_t rss_second = 0, rss_third = 0;
  recorder.value()->set_checkpoint_observer([&](const WriterStats&) {
    const int64_t t = sim.clock.monotonic_ns();
    const uint64_t rss = resident_bytes();
    if (t >= kPeriod && t < 2 * kPeriod) {
      rss_second = std::max(rss_second, rss);
    } else if (t >= 2 * kPeriod && t < 3 * kPeriod - 10 * platform::kNsPerSecond) {
      rss_third = std::max(rss_third, rss);
    }
  });
  const std::atomic<bool> never{false};
  ASSERT_TRUE(recorder.value()->run(3 * kPeriod, never));
  ASSERT_GT(rss_second, 0u) << "no RSS sample during the second period";
  ASSERT_GT(rss_third, 0u) << "no RSS sample during the third period";
  std::printf("period %lld min; largest RSS in the second: %llu KiB, in the third: %llu KiB\n",
              static_cast<long long>(kPeriodS / 60),
              static_cast<unsigned long long>(rss_second / 1024),
              static_cast<unsigned long long>(rss_third / 1024));
  EXPECT_LE(rss_third, rss_second + rss_second / 100) << "grew by more than 1%";
}

// As the h5rec binary records: with the heap its metadata caches take reserved once the first
// segment is open, resident memory in the last minute of the hour (after a segment rotation) is
// within 0.5% of the first minute's.
TEST(FixedMemory, WithTheHeapReservedAtStartResidentMemoryIsFlatFromTheFirstMinute) {
  TempDirectory dir;
  SimPlatform sim;
  auto recorder = Recorder::create(parse_or_die(config_text(dir.path())), sim.clock, sim.storage,
                                   board::sensor_factory());
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
  std::printf(
      "heap reserved: %zu KiB; largest RSS in the first minute: %llu KiB, in the last: "
      "%llu KiB\n",
      reserved / 1024, static_cast<unsigned long long>(first_minute / 1024),
      static_cast<unsigned long long>(last_minute / 1024));
  EXPECT_GT(reserved, 0u);
  EXPECT_LE(last_minute, first_minute + first_minute / 200) << "grew by more than 0.5%";
}
#endif

}  // namespace
}  // namespace h5rec::testing
