#include "recorder/hdf5/h5_types.hpp"

#include <cstdint>

namespace h5rec::h5 {

Handle file_type(DType type) {
  hid_t base = H5I_INVALID_HID;
  switch (type) {
    case DType::kInt8: base = H5T_STD_I8LE; break;
    case DType::kInt16: base = H5T_STD_I16LE; break;
    case DType::kInt32: base = H5T_STD_I32LE; break;
    case DType::kInt64: base = H5T_STD_I64LE; break;
    case DType::kUInt8: base = H5T_STD_U8LE; break;
    case DType::kUInt16: base = H5T_STD_U16LE; break;
    case DType::kUInt32: base = H5T_STD_U32LE; break;
    case DType::kUInt64: base = H5T_STD_U64LE; break;
    case DType::kFloat32: base = H5T_IEEE_F32LE; break;
    case DType::kFloat64: base = H5T_IEEE_F64LE; break;
    case DType::kBool: {
      // h5py reads an int8 enum {FALSE: 0, TRUE: 1} as numpy bool.
      Handle e = datatype(H5Tenum_create(H5T_STD_I8LE));
      const int8_t no = 0, yes = 1;
      H5Tenum_insert(e.get(), "FALSE", &no);
      H5Tenum_insert(e.get(), "TRUE", &yes);
      return e;
    }
  }
  return datatype(H5Tcopy(base));
}

}  // namespace h5rec::h5
