#include "base/dtype.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace h5rec {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  size_t size;
};

constexpr std::array<DTypeInfo, 12> kTypes{{
    {DType::kInt8, "int8", 1},
    {DType::kInt16, "int16", 2},
    {DType::kInt32, "int32", 4},
    {DType::kInt64, "int64", 8},
    {DType::kUInt8, "uint8", 1},
    {DType::kUInt16, "uint16", 2},
    {DType::kUInt32, "uint32", 4},
    {DType::kUInt64, "uint64", 8},
    {DType::kFloat32, "float32", 4},
    {DType::kFloat64, "float64", 8},
    {DType::kBool, "bool", 1},
    {DType::kString, "string", 0},
}};

template <class T>
void store_integer(double value, std::byte* dst) {
  T out = 0;
  if (!std::isnan(value)) {
    const double rounded = std::nearbyint(value);
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    // 2^63 and 2^64 are exact doubles; anything at or above them saturates.
    constexpr double hi_exclusive = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
    if (rounded <= lo) {
      out = std::numeric_limits<T>::min();
    } else if (rounded >= hi_exclusive) {
      out = std::numeric_limits<T>::max();
    } else {
      out = static_cast<T>(rounded);
    }
  }
  std::memcpy(dst, &out, sizeof out);
}

template <class T>
void store_float(double value, std::byte* dst) {
  const T out = static_cast<T>(value);
  std::memcpy(dst, &out, sizeof out);
}

}  // namespace

size_t dtype_size(DType type) { return kTypes[static_cast<size_t>(type)].size; }

std::string_view dtype_name(DType type) { return kTypes[static_cast<size_t>(type)].name; }

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& info : kTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

void store_as(DType type, double value, std::byte* dst) {
  switch (type) {
    case DType::kInt8:
      return store_integer<int8_t>(value, dst);
    case DType::kInt16:
      return store_integer<int16_t>(value, dst);
    case DType::kInt32:
      return store_integer<int32_t>(value, dst);
    case DType::kInt64:
      return store_integer<int64_t>(value, dst);
    case DType::kUInt8:
      return store_integer<uint8_t>(value, dst);
    case DType::kUInt16:
      return store_integer<uint16_t>(value, dst);
    case DType::kUInt32:
      return store_integer<uint32_t>(value, dst);
    case DType::kUInt64:
      return store_integer<uint64_t>(value, dst);
    case DType::kFloat32:
      return store_float<float>(value, dst);
    case DType::kFloat64:
      return store_float<double>(value, dst);
    case DType::kBool: {
      const uint8_t out = (!std::isnan(value) && value != 0.0) ? 1 : 0;
      std::memcpy(dst, &out, 1);
      return;
    }
    case DType::kString:
      return;  // no numeric value to store
  }
}

}  // namespace h5rec
