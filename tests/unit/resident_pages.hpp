// Which pages of a mapping are in memory, as mincore(2) reports them (the tests that check what
// the page cache keeps of a file, and which ring pages are mapped).
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

namespace h5rec::testing {

inline size_t page_bytes() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)); }

// Pages of [at, at + bytes) in memory; `at` page-aligned. A failing mincore fails the test.
inline size_t resident_pages(void* at, size_t bytes) {
  std::vector<unsigned char> in((bytes + page_bytes() - 1) / page_bytes());
  if (::mincore(at, bytes, in.data()) != 0) {
    ADD_FAILURE() << "mincore: " << std::strerror(errno);
    return 0;
  }
  return static_cast<size_t>(
      std::count_if(in.begin(), in.end(), [](unsigned char v) { return (v & 1) != 0; }));
}

}  // namespace h5rec::testing
