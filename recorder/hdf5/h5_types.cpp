#include "recorder/hdf5/h5_types.hpp"

#include <cstdint>

namespace h5rec::h5 {

Handle file_type(DType type) {
  hid_t base = H5I_INVALID_HID;
  switch (type) {
    case DType::kInt8:
      base = H5T_STD_I8LE;
      break;
    case DType::kInt16:
      base = H5T_STD_I16LE;
      break;
    case DType::kInt32:
      base = H5T_STD_I32LE;
      break;
    case DType::kInt64:
      base = H5T_STD_I64LE;
      break;
    case DType::kUInt8:
      base = H5T_STD_U8LE;
      break;
    case DType::kUInt16:
      base = H5T_STD_U16LE;
      break;
    case DType::kUInt32:
      base = H5T_STD_U32LE;
      break;
    case DType::kUInt64:
      base = H5T_STD_U64LE;
      break;
    case DType::kFloat32:
      base = H5T_IEEE_F32LE;
      break;
    case DType::kFloat64:
      base = H5T_IEEE_F64LE;
      break;
    case DType::kString: {
      Handle s = datatype(H5Tcopy(H5T_C_S1));
      H5Tset_size(s.get(), H5T_VARIABLE);
      H5Tset_cset(s.get(), H5T_CSET_UTF8);
      return s;
    }
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

namespace h5rec::h5 {

std::optional<DType> dtype_of(hid_t type) {
  const size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      if (H5Tget_order(type) != H5T_ORDER_LE) return std::nullopt;
      const bool is_signed = H5Tget_sign(type) != H5T_SGN_NONE;
      switch (size) {
        case 1:
          return is_signed ? DType::kInt8 : DType::kUInt8;
        case 2:
          return is_signed ? DType::kInt16 : DType::kUInt16;
        case 4:
          return is_signed ? DType::kInt32 : DType::kUInt32;
        case 8:
          return is_signed ? DType::kInt64 : DType::kUInt64;
        default:
          return std::nullopt;
      }
    }
    case H5T_FLOAT:
      if (H5Tget_order(type) != H5T_ORDER_LE) return std::nullopt;
      if (size == 4) return DType::kFloat32;
      if (size == 8) return DType::kFloat64;
      return std::nullopt;
    case H5T_ENUM: {
      Handle expected = file_type(DType::kBool);
      if (H5Tequal(type, expected.get()) > 0) return DType::kBool;
      return std::nullopt;
    }
    case H5T_STRING:
      if (H5Tis_variable_str(type) > 0) return DType::kString;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace h5rec::h5
