#include "tools/recover.hpp"

#include <cstdio>

#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/recovery.hpp"

namespace h5rec::tools {

int run_recover(const std::string& path) {
  constexpr int kExitUnrecoverable = 2;
  constexpr int kExitNoInput = 66;  // sysexits.h EX_NOINPUT
  platform::PosixStorage storage;
  auto reports = journal::recover_path(storage, path);
  if (!reports) {
    std::fprintf(stderr, "h5rec recover: %s\n", reports.message().c_str());
    return kExitNoInput;
  }
  if (reports->empty()) std::printf("%s: no HDF5 files\n", path.c_str());
  int exit_code = 0;
  for (const journal::RecoveryReport& r : reports.value()) {
    std::printf("%s: %s", r.path.c_str(), journal::describe(r.outcome));
    if (!r.detail.empty()) std::printf(" (%s)", r.detail.c_str());
    std::printf("\n");
    for (const journal::DatasetRows& d : r.datasets) {
      std::printf("  %-40s %llu rows\n", d.name.c_str(), static_cast<unsigned long long>(d.rows));
    }
    if (r.outcome == journal::RecoveryOutcome::kUnrecoverable) exit_code = kExitUnrecoverable;
  }
  return exit_code;
}

}  // namespace h5rec::tools
