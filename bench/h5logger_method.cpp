#include "bench/h5logger_method.hpp"

#include <hdf5.h>

#include <cstdio>

namespace h5rec::bench {

bool h5logger_method(const std::string& path, uint64_t calls) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dims[1] = {0}, max_dims[1] = {H5S_UNLIMITED}, chunk[1] = {1024};
  hid_t space = H5Screate_simple(1, dims, max_dims);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 1, chunk);
  hid_t dset = H5Dcreate2(file, "number", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Sclose(space);
  H5Pclose(dcpl);
  if (file < 0 || dset < 0) {
    std::fprintf(stderr, "h5logger method: cannot create %s\n", path.c_str());
    return false;
  }
  const hsize_t one[1] = {1};
  hid_t memory = H5Screate_simple(1, one, nullptr);
  bool ok = true;
  for (uint64_t i = 0; i < calls && ok; ++i) {
    const double value = static_cast<double>(i);
    hsize_t size[1] = {i + 1}, start[1] = {i};
    ok = H5Dset_extent(dset, size) >= 0;
    hid_t file_space = H5Dget_space(dset);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, one, nullptr);
    ok = ok && H5Dwrite(dset, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, &value) >= 0;
    H5Sclose(file_space);
    ok = ok && H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0;
  }
  H5Sclose(memory);
  H5Dclose(dset);
  H5Fclose(file);
  if (!ok) std::fprintf(stderr, "h5logger method: HDF5 error writing %s\n", path.c_str());
  return ok;
}

}  // namespace h5rec::bench
