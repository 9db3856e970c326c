// HDF5 file datatypes for h5rec's element types (little-endian; bool as h5py's int8 enum).
#pragma once

#include <optional>

#include "base/dtype.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {

// A new datatype handle (the caller owns it) describing `type` as stored on disk.
Handle file_type(DType type);

}  // namespace h5rec::h5

namespace h5rec::h5 {

// The element type of an existing dataset's file type, if h5rec can append to it: little-endian
// integers and floats, h5py's bool enum, variable-length strings.
std::optional<DType> dtype_of(hid_t file_type);

}  // namespace h5rec::h5
