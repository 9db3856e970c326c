#include "scratch_dir.hpp"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace h5rec::fuzz {
namespace {

std::string g_scratch;  // removed at exit

}  // namespace

std::string make_scratch_dir(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = tmp != nullptr                                  ? tmp
                           : std::filesystem::is_directory("/dev/shm") ? "/dev/shm"
                                                                       : "/tmp";
  std::string pattern = base + "/h5rec-fuzz-" + name + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "fuzz: mkdtemp %s failed\n", pattern.c_str());
    std::abort();
  }
  g_scratch = pattern;
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(g_scratch, ignored);
  });
  return pattern;
}

}  // namespace h5rec::fuzz
