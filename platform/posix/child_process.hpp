// Runs a piece of the program in a forked child process with a time limit, so that whatever the
// piece does (a library that segfaults or loops on a damaged file) the caller survives and is
// told what happened: the child exited (with its code and what it wrote to stdout), was killed
// by a signal, or ran out of time (and was killed with SIGKILL).
//
// The body runs in the child and writes its result to stdout (printf, std::cout or fd 1): in the
// default mode the child's stdout is a pipe and the parent returns every byte of it, so a
// command like `h5rec info` can run unchanged inside the child and its caller prints the output
// (or the part written before a crash) afterwards. With `capture_stdout` off the child writes to
// the parent's stdout directly, for output that must stream (`tail --follow`). stderr is always
// the parent's. The body's return value is the child's exit code; the child flushes stdout and
// leaves with _exit, never returning into the caller's stack or running its atexit handlers.
//
// Wrapping a command that prints (how `h5rec info` would be):
//   auto outcome = run_in_child([&] { return run_info(path); }, {30 * kNsPerSecond, true});
//   if (outcome) std::fwrite(outcome->output.data(), 1, outcome->output.size(), stdout);
//   ... exit_code if kExited, else a message from describe(outcome, timeout) and a failure code.
// The child stays in the caller's process group: a terminal's Ctrl-C (SIGINT) reaches both, and
// the parent keeps waiting (and reading) until the child has gone. A parent killed outright
// (SIGKILL) takes the child with it (Linux: PR_SET_PDEATHSIG).
//
// Call only while the calling process has a single thread (fork copies just the caller's
// thread: a lock another thread held would stay locked in the child). Not async-signal-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/error.hpp"

namespace h5rec::platform {

struct ChildOptions {
  // Wall-clock limit from the fork, in ns; 0 means none (the child may run forever).
  int64_t timeout_ns = 0;
  // true: the child's stdout is returned in ChildOutcome::output; false: it is the parent's.
  bool capture_stdout = true;
};

struct ChildOutcome {
  enum class Kind {
    kExited,     // the body returned (or the child called exit): exit_code holds its code
    kSignalled,  // killed by a signal (a crash, or someone else's kill): signal holds it
    kTimedOut,   // still running at the limit: killed with SIGKILL
  };
  Kind kind = Kind::kExited;
  int exit_code = 0;   // kExited only
  int signal = 0;      // kSignalled only
  std::string output;  // what the child wrote to stdout, also before a crash or the time limit
};

// "exited with code 3", "killed by signal 11 (Segmentation fault)", "timed out after 30 s".
std::string describe(const ChildOutcome& outcome, int64_t timeout_ns);

// Forks, runs body in the child and waits for it. Fails only when the child cannot be made
// (pipe or fork failing: the message names the call and the errno text).
Result<ChildOutcome> run_in_child(const std::function<int()>& body, const ChildOptions& options);

}  // namespace h5rec::platform
