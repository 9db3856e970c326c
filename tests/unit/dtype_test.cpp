#include "base/dtype.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace h5rec {
namespace {

template <class T>
T stored(DType type, double value) {
  std::byte buf[8]{};
  store_as(type, value, buf);
  T out;
  std::memcpy(&out, buf, sizeof out);
  return out;
}

TEST(DType, NamesRoundTripAndSizesMatchCTypes) {
  for (int i = 0; i <= static_cast<int>(DType::kString); ++i) {
    const auto type = static_cast<DType>(i);
    EXPECT_EQ(parse_dtype(dtype_name(type)), type);
  }
  EXPECT_EQ(dtype_size(DType::kInt16), sizeof(int16_t));
  EXPECT_EQ(dtype_size(DType::kUInt64), sizeof(uint64_t));
  EXPECT_EQ(dtype_size(DType::kFloat32), sizeof(float));
  EXPECT_EQ(dtype_size(DType::kBool), 1u);
  EXPECT_FALSE(parse_dtype("float16"));
  EXPECT_FALSE(parse_dtype(""));
}

TEST(DType, IntegersRoundToNearestAndSaturate) {
  EXPECT_EQ(stored<int8_t>(DType::kInt8, 1.4), 1);
  EXPECT_EQ(stored<int8_t>(DType::kInt8, -1.6), -2);
  EXPECT_EQ(stored<int8_t>(DType::kInt8, 1000), 127);
  EXPECT_EQ(stored<int8_t>(DType::kInt8, -1000), -128);
  EXPECT_EQ(stored<uint8_t>(DType::kUInt8, -5), 0);
  EXPECT_EQ(stored<uint16_t>(DType::kUInt16, 70000), 65535);
  EXPECT_EQ(stored<int64_t>(DType::kInt64, 1e300), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(stored<int64_t>(DType::kInt64, -1e300), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(stored<uint64_t>(DType::kUInt64, 1e300), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(stored<int64_t>(DType::kInt64, 9007199254740992.0), 9007199254740992LL);
  EXPECT_EQ(stored<int32_t>(DType::kInt32, std::numeric_limits<double>::infinity()),
            std::numeric_limits<int32_t>::max());
}

TEST(DType, MissingSamplesBecomeTheFillValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(stored<int32_t>(DType::kInt32, nan), 0);
  EXPECT_EQ(stored<uint8_t>(DType::kBool, nan), 0);
  EXPECT_TRUE(std::isnan(stored<float>(DType::kFloat32, nan)));
  EXPECT_TRUE(std::isnan(stored<double>(DType::kFloat64, nan)));
}

TEST(DType, FloatsAndBools) {
  EXPECT_EQ(stored<float>(DType::kFloat32, 0.1), 0.1f);
  EXPECT_EQ(stored<double>(DType::kFloat64, 0.1), 0.1);
  EXPECT_EQ(stored<uint8_t>(DType::kBool, 0.0), 0);
  EXPECT_EQ(stored<uint8_t>(DType::kBool, -2.5), 1);
}

}  // namespace
}  // namespace h5rec
