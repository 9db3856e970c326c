// libFuzzer harness: a damaged recording (the input is the whole file; seeds are real small
// segments) opened and read everything the way `h5rec info` and `h5rec tail` do: run_info(),
// run_tail() and, through tools/recording_reader, every column of every group as text and the
// time columns as numbers. Bad files must give errors, never a crash, undefined behaviour or a
// hang. stdout goes to /dev/null; run with -close_fd_mask=2 to keep the tools' error lines out of
// libFuzzer's output too (sanitizer reports still show).
//
// HDF5 itself (not instrumented) may crash or loop on some damaged files: a report whose stack is
// all in libhdf5 is HDF5's; h5rec runs such reads in a child process with a time limit.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "../support/scratch_dir.hpp"
#include "tools/info.hpp"
#include "tools/recording_reader.hpp"
#include "tools/tail.hpp"

namespace {

// Rows read per group and column: enough for every row of the seeds, bounded for files whose
// damaged extents claim billions.
constexpr uint64_t kMaxRowsRead = 4096;
constexpr uint64_t kRowsPerRead = 512;

std::string g_path;

void read_everything(const std::string& path) {
  auto reader = h5rec::tools::RecordingReader::open(path);
  if (!reader) return;
  (void)reader->state();
  for (const char* name : {"h5rec_format", "h5rec_version", "device_id", "start_time_utc", "config",
                           "segment", "previous_segment", "checkpoint_interval_s"}) {
    (void)reader->root_attribute(name);
  }
  for (size_t g = 0; g < reader->groups().size(); ++g) {
    (void)reader->rate_hz(g);
    const uint64_t rows = std::min(reader->rows(g), kMaxRowsRead);
    const size_t columns = reader->columns(g).size();
    for (uint64_t first = 0; first < rows; first += kRowsPerRead) {
      const uint64_t count = std::min(kRowsPerRead, rows - first);
      (void)reader->read_int64(g, 0, first, count);
      for (size_t c = 0; c < columns; ++c) (void)reader->read_text(g, c, first, count);
    }
  }
  (void)reader->refresh();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_path = h5rec::fuzz::make_scratch_dir("reader") + "/segment.h5";
  if (std::freopen("/dev/null", "w", stdout) == nullptr) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::FILE* out = std::fopen(g_path.c_str(), "wb");
    if (out == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, out) != size) std::abort();
    std::fclose(out);
  }
  // In this process, not in the child run_info and run_tail give each file: a crash is a finding.
  (void)h5rec::tools::info_file(g_path);
  const std::atomic<bool> interrupt{false};
  (void)h5rec::tools::tail_file(g_path, {.lines = 10}, interrupt);
  read_everything(g_path);
  return 0;
}
