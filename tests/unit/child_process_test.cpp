// run_in_child: a body that returns, one that crashes, one that never ends, one that fills the
// pipe, one that streams to the parent's stdout, one whose parent is killed.
#include "platform/posix/child_process.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace h5rec::platform {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
// A time limit for a body that ends by itself: only a hung child reaches it. Generous, since the
// tests run side by side on loaded machines, under sanitizers and under qemu (a fork and
// 800 kB through a pipe may then take seconds).
constexpr int64_t kHangLimitNs = 60 * kNsPerSecond;
// How long the parent may take to notice a time limit, kill the child and reap it: only a
// parent that waits for ever (no limit applied) takes this long. Not a promise of promptness,
// which no scheduler gives a loaded machine.
constexpr double kHangSeconds = 30.0;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(RunInChild, ReturnsTheExitCodeAndEverythingWrittenToStdout) {
  auto outcome = run_in_child(
      [] {
        std::printf("hello ");
        std::fflush(stdout);
        std::printf("from the child\n");  // left in the buffer: the child flushes before _exit
        return 3;
      },
      {kHangLimitNs, true});
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kExited);
  EXPECT_EQ(outcome->exit_code, 3);
  EXPECT_EQ(outcome->output, "hello from the child\n");
  EXPECT_EQ(describe(outcome.value(), 0), "exited with code 3");
}

TEST(RunInChild, ASegfaultIsReportedAsTheSignal) {
  auto outcome = run_in_child(
      [] {
        std::printf("before the crash\n");
        std::fflush(stdout);
        // Sanitizer builds install a handler that exits instead, and UBSan would stop a store
        // through a null pointer before it faults: the signal itself, with its default action.
        std::signal(SIGSEGV, SIG_DFL);
        std::raise(SIGSEGV);
        return 0;
      },
      {kHangLimitNs, true});
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kSignalled);
  EXPECT_EQ(outcome->signal, SIGSEGV);
  EXPECT_EQ(outcome->output, "before the crash\n");
  EXPECT_NE(describe(outcome.value(), 0).find("signal 11"), std::string::npos);
}

TEST(RunInChild, ALoopIsKilledAtTheTimeLimit) {
  const auto start = std::chrono::steady_clock::now();
  auto outcome = run_in_child(
      [] {
        std::printf("looping\n");
        std::fflush(stdout);
        volatile unsigned long spins = 0;
        for (;;) spins = spins + 1;
        return 0;
      },
      {300'000'000, true});
  const double took = seconds_since(start);
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kTimedOut);
  EXPECT_EQ(outcome->output, "looping\n");
  EXPECT_GE(took, 0.3);  // not before the limit
  EXPECT_LT(took, 0.3 + kHangSeconds);
  EXPECT_EQ(describe(outcome.value(), 300'000'000), "timed out after 0.3 s");
}

TEST(RunInChild, AChildThatClosesStdoutAndSleepsIsStillTimedOut) {
  auto outcome = run_in_child(
      [] {
        std::fclose(stdout);
        for (;;) pause();
        return 0;
      },
      {200'000'000, true});
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kTimedOut);
}

TEST(RunInChild, OutputLargerThanThePipeIsCollectedWhole) {
  auto outcome = run_in_child(
      [] {
        for (int i = 0; i < 100'000; ++i) std::printf("%07d\n", i);
        return 0;
      },
      {kHangLimitNs, true});
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kExited);
  ASSERT_EQ(outcome->output.size(), 800'000u);
  EXPECT_EQ(outcome->output.substr(799'992), "0099999\n");
}

TEST(RunInChild, WithoutCaptureTheChildWritesToTheParentsStdout) {
  testing::internal::CaptureStdout();
  auto outcome = run_in_child(
      [] {
        std::printf("streamed\n");
        return 0;
      },
      {0, false});
  const std::string printed = testing::internal::GetCapturedStdout();
  ASSERT_TRUE(outcome) << outcome.message();
  EXPECT_EQ(outcome->kind, ChildOutcome::Kind::kExited);
  EXPECT_EQ(outcome->output, "");
  EXPECT_EQ(printed, "streamed\n");
}

// Gone, or a zombie waiting for whoever inherited it.
bool process_ended(pid_t pid) {
  if (kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, name, state;
  stat >> pid_text >> name >> state;
  return state == "Z" || state == "X";
}

TEST(RunInChild, AParentKilledOutrightTakesItsChildWithIt) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // The middle process runs a body that loops forever without a time limit; the body reports
  // its pid through the test's pipe.
  const pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    close(fds[0]);
    const int report_fd = fds[1];
    (void)run_in_child(
        [report_fd] {
          const pid_t self = getpid();
          if (write(report_fd, &self, sizeof self) != sizeof self) return 1;
          for (;;) pause();
          return 0;
        },
        {0, true});
    _exit(0);
  }
  close(fds[1]);
  pid_t looping = 0;
  ASSERT_EQ(read(fds[0], &looping, sizeof looping), static_cast<ssize_t>(sizeof looping));
  close(fds[0]);
  ASSERT_FALSE(process_ended(looping));
  kill(middle, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(middle, &status, 0), middle);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kHangSeconds);
  while (!process_ended(looping) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(process_ended(looping));
  if (!process_ended(looping)) kill(looping, SIGKILL);
}

}  // namespace
}  // namespace h5rec::platform
