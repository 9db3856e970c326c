// Element types a channel can be stored as, and the conversion of a sensor's double into them.
// On disk every type is little-endian (HDF5 *LE types); rings hold the same bytes, so chunks go
// to HDF5 without conversion. Conversion rounds to nearest and saturates at the type's limits;
// NaN (a missing sample) becomes the type's fill value: NaN for floats, 0 for integers and bool.
// kString (variable-length UTF-8 text, for logged messages) has no fixed size: rings hold it in
// NUL-terminated slots whose size the owner chooses, and it is never a sensor channel's type.
#pragma once

#include <bit>
#include <cstddef>
#include <optional>
#include <string_view>

namespace h5rec {

static_assert(std::endian::native == std::endian::little,
              "rings hold on-disk (little-endian) bytes; a big-endian target needs byte swapping");

enum class DType {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kBool,
  kString
};

size_t dtype_size(DType type);            // 0 for kString
std::string_view dtype_name(DType type);  // numpy spelling: "int8", ..., "float64", "bool"
std::optional<DType> parse_dtype(std::string_view name);
// Stores value into dst (dtype_size(type) bytes) as described above.
void store_as(DType type, double value, std::byte* dst);

}  // namespace h5rec
