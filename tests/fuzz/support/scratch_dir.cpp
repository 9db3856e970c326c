#include "scratch_dir.hpp"

#include <cstdlib>
#include <filesystem>

#include "tests/support/temp_directory.hpp"

namespace h5rec::fuzz {

std::string make_scratch_dir(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = tmp != nullptr                              ? tmp
                           : std::filesystem::is_directory("/dev/shm") ? "/dev/shm"
                                                                       : "/tmp";
  static testing::TempDirectory scratch("h5rec-fuzz-" + name, base);  // removed at exit
  return scratch.path();
}

}  // namespace h5rec::fuzz
