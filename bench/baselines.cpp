#include "bench/baselines.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::bench {

void fill_column(std::byte* out, size_t column, uint64_t first, uint64_t n) {
  for (uint64_t r = 0; r < n; ++r) {
    if (column == 0) {
      const auto t = static_cast<int64_t>(first + r);
      std::memcpy(out + r * 8, &t, 8);
    } else {
      const auto v = static_cast<double>(first + r + column - 1);
      std::memcpy(out + r * 8, &v, 8);
    }
  }
}

namespace {

// Column `column` of rows [first, first + n) into `out`, resized to fit.
void fill_buffer(std::vector<std::byte>& out, size_t column, uint64_t first, uint64_t n) {
  out.resize(n * sizeof(int64_t));
  fill_column(out.data(), column, first, n);
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool fail(const std::string& what, const std::string& path) {
  std::fprintf(stderr, "h5rec-bench: %s '%s' failed%s%s\n", what.c_str(), path.c_str(),
               errno != 0 ? ": " : "", errno != 0 ? std::strerror(errno) : "");
  return false;
}

// The chunked, extendable datasets of the HDF5 baselines, one per column.
struct Hdf5Columns {
  h5::Handle file;
  std::vector<h5::Handle> datasets;

  bool create(const std::string& path, const Workload& w) {
    file = h5::file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file.valid()) return fail("H5Fcreate", path);
    const hsize_t zero[1] = {0}, unlimited[1] = {H5S_UNLIMITED}, chunk[1] = {w.chunk_rows()};
    const h5::Handle space = h5::dataspace(H5Screate_simple(1, zero, unlimited));
    const h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl.get(), 1, chunk);
    for (size_t c = 0; c < w.columns(); ++c) {
      const std::string name = c == 0 ? "time" : "c" + std::to_string(c - 1);
      const hid_t type = c == 0 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
      datasets.push_back(h5::dataset(H5Dcreate2(file.get(), name.c_str(), type, space.get(),
                                                H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)));
      if (!datasets.back().valid()) return fail("H5Dcreate2 " + name + " in", path);
    }
    return true;
  }

  // Extends every dataset to `rows` and writes column data for rows [first, rows).
  bool append(uint64_t first, uint64_t rows, std::vector<std::byte>& buffer) {
    const hsize_t size[1] = {rows}, start[1] = {first}, count[1] = {rows - first};
    const h5::Handle memory = h5::dataspace(H5Screate_simple(1, count, nullptr));
    for (size_t c = 0; c < datasets.size(); ++c) {
      fill_buffer(buffer, c, first, rows - first);
      const hid_t d = datasets[c].get();
      if (H5Dset_extent(d, size) < 0) return false;
      const h5::Handle space = h5::dataspace(H5Dget_space(d));
      H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
      const hid_t memory_type = c == 0 ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
      if (H5Dwrite(d, memory_type, memory.get(), space.get(), H5P_DEFAULT, buffer.data()) < 0) {
        return false;
      }
    }
    return true;
  }

  bool flush_and_sync() {
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return false;
    void* handle = nullptr;
    if (H5Fget_vfd_handle(file.get(), H5P_DEFAULT, &handle) < 0 || handle == nullptr) return false;
    return fsync(*static_cast<int*>(handle)) == 0;
  }
};

}  // namespace

std::optional<Timed> raw_write_fsync(const std::string& path, const Workload& w) {
  std::vector<std::byte> chunk;  // one buffer for every column, as the HDF5 baselines use
  errno = 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("open", path), std::nullopt;
  const auto start = Clock::now();
  auto next_sync = start + std::chrono::duration<double>(w.checkpoint_interval_s);
  bool ok = true;
  off_t offset = 0;
  for (uint64_t first = 0; first < w.rows && ok; first += w.chunk_rows()) {
    const uint64_t n = std::min<uint64_t>(w.chunk_rows(), w.rows - first);
    for (size_t c = 0; c < w.columns() && ok; ++c) {
      fill_buffer(chunk, c, first, n);
      ok = ::pwrite(fd, chunk.data(), chunk.size(), offset) == static_cast<ssize_t>(chunk.size());
      offset += static_cast<off_t>(chunk.size());
    }
    if (ok && Clock::now() >= next_sync) {
      ok = ::fsync(fd) == 0;
      next_sync = Clock::now() + std::chrono::duration<double>(w.checkpoint_interval_s);
    }
  }
  ok = ok && ::fsync(fd) == 0;
  const double seconds = seconds_since(start);
  ok = ::close(fd) == 0 && ok;
  ::unlink(path.c_str());
  if (!ok) return fail("write/fsync", path), std::nullopt;
  return Timed{w.rows, seconds};
}

std::optional<Timed> per_chunk_hdf5(const std::string& path, const Workload& w) {
  std::vector<std::byte> buffer;
  double seconds = 0;
  bool ok;
  {
    Hdf5Columns h5;
    ok = h5.create(path, w);
    const auto start = Clock::now();
    auto next_sync = start + std::chrono::duration<double>(w.checkpoint_interval_s);
    for (uint64_t first = 0; first < w.rows && ok; first += w.chunk_rows()) {
      ok = h5.append(first, std::min<uint64_t>(first + w.chunk_rows(), w.rows), buffer);
      if (ok && Clock::now() >= next_sync) {
        ok = h5.flush_and_sync();
        next_sync = Clock::now() + std::chrono::duration<double>(w.checkpoint_interval_s);
      }
    }
    ok = ok && h5.flush_and_sync();
    seconds = seconds_since(start);
    h5.datasets.clear();
    ok = h5.file.close() && ok;
  }
  ::unlink(path.c_str());
  if (!ok) return fail("HDF5 per-chunk writes to", path), std::nullopt;
  return Timed{w.rows, seconds};
}

std::optional<Timed> per_sample_hdf5(const std::string& path, const Workload& w, double budget_s) {
  std::vector<std::byte> buffer;
  uint64_t rows = 0;
  double seconds = 0;
  bool ok;
  {
    Hdf5Columns h5;
    ok = h5.create(path, w);
    const auto start = Clock::now();
    for (; rows < w.rows && ok; ++rows) {
      ok = h5.append(rows, rows + 1, buffer) && H5Fflush(h5.file.get(), H5F_SCOPE_GLOBAL) >= 0;
      if ((rows & 63) == 0 && seconds_since(start) > budget_s) {
        ++rows;
        break;
      }
    }
    seconds = seconds_since(start);
    h5.datasets.clear();
    ok = h5.file.close() && ok;
  }
  ::unlink(path.c_str());
  if (!ok) return fail("HDF5 per-sample writes to", path), std::nullopt;
  return Timed{rows, seconds};
}

}  // namespace h5rec::bench
