// Thread safety as logger.hpp documents it: "use one Logger per thread (each with its own file),
// or guard every call on a shared Logger with one mutex". Every value logged must land in the
// file, in each thread's order; h5py (verify_threads.py) reads the files back.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <h5rec/logger.hpp>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_directory.hpp"

namespace {

constexpr int kThreads = 4;
constexpr int64_t kValuesPerThread = 100000;
constexpr int64_t kThreadBase = 1000000000;  // thread t logs t * kThreadBase + i

class LoggerThreadsTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1); }
  void TearDown() override {
    if (HasFailure()) temp_.keep();  // kept for inspection on failure
  }

  // Runs verify_threads.py with `args`; its output goes to the test log.
  static int verify(const std::string& args) {
    const std::string command = std::string(H5REC_PYTHON) + " " + H5REC_LOGGER_VERIFY + " " + args;
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

  static h5rec::Logger::Options small_buffers() {
    // Small chunks and the smallest ring: log() often finds the ring full and writes the full
    // chunks itself (the path that must never drop a value).
    h5rec::Logger::Options options;
    options.replace_if_exists = true;
    options.chunk_bytes = 1024;
    options.ring_chunks = 2;
    options.checkpoint_interval = 0.05;
    return options;
  }

  h5rec::testing::TempDirectory temp_{"h5rec_logger"};
  const std::filesystem::path dir_{temp_.path()};
};

TEST_F(LoggerThreadsTest, OneLoggerPerThread) {
  std::atomic<int64_t> failures{0};
  std::vector<std::string> first_errors(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      h5rec::Logger logger((dir_ / ("thread" + std::to_string(t) + ".h5")).string(),
                           small_buffers());
      if (!logger.is_open()) {
        first_errors[t] = logger.open_status().message();
        failures += kValuesPerThread;
        start.count_down();
        return;
      }
      start.arrive_and_wait();
      for (int64_t i = 0; i < kValuesPerThread; ++i) {
        h5rec::LogStatus s = logger.log("value", t * kThreadBase + i);
        if (s) s = logger.log("pair", std::array<double, 2>{static_cast<double>(i), 0.5 * t});
        if (!s) {
          if (failures++ == 0 || first_errors[t].empty()) first_errors[t] = s.message();
        }
      }
      if (h5rec::LogStatus s = logger.close(); !s) {
        ++failures;
        first_errors[t] = s.message();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(first_errors[t], "") << "thread " << t;
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(verify("own " + dir_.string() + " " + std::to_string(kThreads) + " " +
                   std::to_string(kValuesPerThread)),
            0);
}

TEST_F(LoggerThreadsTest, SharedLoggerBehindOneMutex) {
  h5rec::Logger logger((dir_ / "shared.h5").string(), small_buffers());
  ASSERT_TRUE(logger.is_open()) << logger.open_status().message();
  std::mutex mutex;
  std::atomic<int64_t> failures{0};
  std::string first_error;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      const std::string own = "thread" + std::to_string(t) + "/value";
      for (int64_t i = 0; i < kValuesPerThread; ++i) {
        std::lock_guard<std::mutex> held(mutex);
        h5rec::LogStatus s = logger.log(own, i);
        if (s) s = logger.log("all", t * kThreadBase + i);
        // One thread also checkpoints now and then, from under the same mutex.
        if (s && t == 0 && i % 20000 == 19999) s = logger.flush();
        if (!s && failures++ == 0) first_error = s.message();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(first_error, "");
  ASSERT_EQ(failures.load(), 0);
  const h5rec::LogStatus closed = logger.close();
  ASSERT_TRUE(closed) << closed.message();
  EXPECT_EQ(verify("shared " + (dir_ / "shared.h5").string() + " " + std::to_string(kThreads) +
                   " " + std::to_string(kValuesPerThread)),
            0);
}

}  // namespace
