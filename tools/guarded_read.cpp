#include "tools/guarded_read.hpp"

#include <cstdio>

#include "platform/posix/child_process.hpp"
#include "tools/exit_code.hpp"

namespace h5rec::tools {

int guarded_read(const char* tool, const std::string& path, double timeout_s,
                 const std::function<int()>& body) {
  const auto timeout_ns = static_cast<int64_t>(timeout_s * 1e9);
  std::fflush(stdout);  // the child's output comes after what is printed already
  auto outcome = platform::run_in_child(body, {timeout_ns, false});
  if (!outcome) {
    std::fprintf(stderr, "h5rec %s: %s: %s\n", tool, path.c_str(), outcome.message().c_str());
    return kExitRuntime;
  }
  if (outcome->kind == platform::ChildOutcome::Kind::kExited) return outcome->exit_code;
  std::fprintf(stderr,
               "h5rec %s: %s: unreadable: reading it %s%s (the file is damaged so that HDF5 "
               "cannot read it safely; h5rec verify reports what it can)\n",
               tool, path.c_str(),
               outcome->kind == platform::ChildOutcome::Kind::kSignalled ? "was " : "",
               platform::describe(outcome.value(), timeout_ns).c_str());
  return kExitBadInput;
}

}  // namespace h5rec::tools
