// Scalar attributes as h5rec writes them: UTF-8 variable-length strings and little-endian numbers.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {

// `where` names the object in error messages ("file.h5:/fast/accel").
Status write_string_attribute(hid_t object, const char* name, const std::string& value,
                              const std::string& where);
Status write_int_attribute(hid_t object, const char* name, int64_t value, const std::string& where);
Status write_double_attribute(hid_t object, const char* name, double value,
                              const std::string& where);

}  // namespace h5rec::h5
