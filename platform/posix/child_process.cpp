#include "platform/posix/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "platform/posix/unique_fd.hpp"

namespace h5rec::platform {
namespace {

constexpr int64_t kNsPerMs = 1'000'000;
// How often the parent looks for the child's exit once its stdout is closed.
constexpr int64_t kReapPollNs = 5 * kNsPerMs;

int64_t monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Error os_error(const char* call) {
  const int code = errno;
  return Error{std::string("run in child: ") + call + ": " + std::strerror(code), code};
}

[[noreturn]] void run_child(const std::function<int()>& body, int stdout_fd, pid_t parent) {
  // A parent that is killed (or a script's timeout) takes the child with it: a child looping
  // in a library would otherwise run on forever.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent went before the line above took effect
  if (stdout_fd >= 0) {
    std::fflush(stdout);
    if (dup2(stdout_fd, STDOUT_FILENO) < 0) _exit(127);
    close(stdout_fd);
  }
  const int code = body();
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(code & 0xff);
}

// Milliseconds poll() may wait before the deadline (-1: no deadline).
int poll_timeout_ms(int64_t deadline_ns) {
  if (deadline_ns == 0) return -1;
  const int64_t left = deadline_ns - monotonic_now_ns();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<int64_t>((left + kNsPerMs - 1) / kNsPerMs, 60'000));
}

bool past(int64_t deadline_ns) { return deadline_ns != 0 && monotonic_now_ns() >= deadline_ns; }

ChildOutcome outcome_of(int status, std::string output) {
  ChildOutcome out;
  out.output = std::move(output);
  if (WIFSIGNALED(status)) {
    out.kind = ChildOutcome::Kind::kSignalled;
    out.signal = WTERMSIG(status);
  } else {
    out.kind = ChildOutcome::Kind::kExited;
    out.exit_code = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace

std::string describe(const ChildOutcome& outcome, int64_t timeout_ns) {
  char text[128];
  switch (outcome.kind) {
    case ChildOutcome::Kind::kExited:
      std::snprintf(text, sizeof text, "exited with code %d", outcome.exit_code);
      break;
    case ChildOutcome::Kind::kSignalled:
      std::snprintf(text, sizeof text, "killed by signal %d (%s)", outcome.signal,
                    strsignal(outcome.signal));
      break;
    case ChildOutcome::Kind::kTimedOut:
      std::snprintf(text, sizeof text, "timed out after %g s",
                    static_cast<double>(timeout_ns) * 1e-9);
      break;
  }
  return text;
}

Result<ChildOutcome> run_in_child(const std::function<int()>& body, const ChildOptions& options) {
  const int64_t deadline = options.timeout_ns > 0 ? monotonic_now_ns() + options.timeout_ns : 0;
  UniqueFd read_end, write_end;
  if (options.capture_stdout) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return os_error("pipe2");
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
  std::fflush(stdout);  // buffered parent output must not be written twice
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return os_error("fork");
  if (pid == 0) {
    read_end.reset();
    run_child(body, options.capture_stdout ? write_end.get() : -1, parent);
  }
  write_end.reset();

  std::string output;
  bool timed_out = false;
  // Read until the child closes its stdout (normally: when it exits) or the time is up.
  while (read_end.valid()) {
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = poll(&p, 1, poll_timeout_ms(deadline));
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      char buffer[4096];
      const ssize_t n = read(read_end.get(), buffer, sizeof buffer);
      if (n > 0) {
        output.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        read_end.reset();
      }
    }
    if (read_end.valid() && past(deadline)) {
      timed_out = true;
      break;
    }
  }
  int status = 0;
  while (!timed_out) {
    const pid_t done = waitpid(pid, &status, deadline == 0 ? 0 : WNOHANG);
    if (done == pid) return outcome_of(status, std::move(output));
    if (done < 0 && errno != EINTR) return os_error("waitpid");
    if (past(deadline)) {
      timed_out = true;
      break;
    }
    if (done == 0) {
      const timespec pause{0, static_cast<long>(kReapPollNs)};
      nanosleep(&pause, nullptr);
    }
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // A child that ended on its own just before the kill still gets the time-out: it was late.
  ChildOutcome out;
  out.kind = ChildOutcome::Kind::kTimedOut;
  out.output = std::move(output);
  return out;
}

}  // namespace h5rec::platform
