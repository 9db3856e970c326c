#include "recorder/hdf5/h5_attributes.hpp"

namespace h5rec::h5 {
namespace {

Status write_scalar(hid_t object, const char* name, hid_t file_type, hid_t mem_type,
                    const void* value, const std::string& where) {
  Handle space = dataspace(H5Screate(H5S_SCALAR));
  Handle attr =
      attribute(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attr.valid() || H5Awrite(attr.get(), mem_type, value) < 0) {
    return Error{std::string("write attribute ") + name + " of '" + where + "': " + last_error()};
  }
  return {};
}

}  // namespace

Status write_string_attribute(hid_t object, const char* name, const std::string& value,
                              const std::string& where) {
  Handle type = datatype(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  const char* text = value.c_str();
  return write_scalar(object, name, type.get(), type.get(), &text, where);
}

Status write_int_attribute(hid_t object, const char* name, int64_t value,
                           const std::string& where) {
  return write_scalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, where);
}

Status write_double_attribute(hid_t object, const char* name, double value,
                              const std::string& where) {
  return write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, where);
}

}  // namespace h5rec::h5
