// Header-level parts of the logger API that need no file: LogStatus, log_type_of, the element
// type and shape of nested std::array values, and the calls of a Logger that failed to open.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <h5rec/logger.hpp>
#include <string>
#include <type_traits>

namespace {

using h5rec::log_type_of;
using h5rec::LogError;
using h5rec::LogStatus;
using h5rec::LogType;

// Every arithmetic type maps to the element type of its size and signedness.
static_assert(log_type_of<int8_t>() == LogType::kInt8);
static_assert(log_type_of<signed char>() == LogType::kInt8);
static_assert(log_type_of<int16_t>() == LogType::kInt16);
static_assert(log_type_of<int32_t>() == LogType::kInt32);
static_assert(log_type_of<int64_t>() == LogType::kInt64);
static_assert(log_type_of<long long>() == LogType::kInt64);
static_assert(log_type_of<uint8_t>() == LogType::kUInt8);
static_assert(log_type_of<uint16_t>() == LogType::kUInt16);
static_assert(log_type_of<uint32_t>() == LogType::kUInt32);
static_assert(log_type_of<uint64_t>() == LogType::kUInt64);
static_assert(log_type_of<unsigned long long>() == LogType::kUInt64);
static_assert(log_type_of<float>() == LogType::kFloat32);
static_assert(log_type_of<double>() == LogType::kFloat64);
static_assert(log_type_of<bool>() == LogType::kBool);

TEST(LoggerUnit, StatusOkByDefault) {
  const LogStatus ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_EQ(ok.code(), LogError::kOk);
  EXPECT_EQ(ok.message(), "");
}

TEST(LoggerUnit, StatusKeepsCodeAndMessageThroughCopiesAndMoves) {
  LogStatus error(LogError::kShapeMismatch, "dataset 'v': wrong shape");
  EXPECT_FALSE(error.ok());
  EXPECT_FALSE(static_cast<bool>(error));
  const LogStatus copy = error;
  EXPECT_EQ(copy.code(), LogError::kShapeMismatch);
  EXPECT_EQ(copy.message(), "dataset 'v': wrong shape");
  const LogStatus moved = std::move(error);
  EXPECT_EQ(moved.code(), LogError::kShapeMismatch);
  EXPECT_EQ(moved.message(), "dataset 'v': wrong shape");
  LogStatus assigned;
  assigned = copy;
  EXPECT_EQ(assigned.message(), copy.message());
  EXPECT_FALSE(assigned.ok());
}

TEST(LoggerUnit, NestedArrayElementTypeAndShape) {
  using Rank3 = std::array<std::array<std::array<uint16_t, 4>, 3>, 2>;
  using Traits = h5rec::detail::ArrayTraits<Rank3>;
  static_assert(std::is_same_v<Traits::Element, uint16_t>);
  static_assert(Traits::kRank == 3);
  size_t shape[Traits::kRank] = {};
  Traits::shape(shape);
  EXPECT_EQ(shape[0], 2u);
  EXPECT_EQ(shape[1], 3u);
  EXPECT_EQ(shape[2], 4u);
  static_assert(sizeof(Rank3) == 2 * 3 * 4 * sizeof(uint16_t), "log() copies sizeof(value)");
}

TEST(LoggerUnit, LoggerThatFailedToOpenAnswersClosed) {
  h5rec::Logger::Options options;
  options.ring_chunks = 1;  // rejected before any file is touched
  h5rec::Logger logger("/nonexistent-dir-h5rec-logger-unit/x.h5", options);
  EXPECT_FALSE(logger.is_open());
  EXPECT_EQ(logger.open_status().code(), LogError::kInvalidArgument);
  EXPECT_NE(logger.open_status().message().find("ring_chunks"), std::string::npos);
  const LogStatus statuses[] = {
      logger.log("x", 1.0),
      logger.log("x", std::array<int32_t, 2>{1, 2}),
      logger.log("s", "text"),
      logger.flush(),
      logger.enable_concurrent_readers(),
      logger.close(),
  };
  for (const LogStatus& s : statuses) {
    EXPECT_EQ(s.code(), LogError::kClosed) << s.message();
    EXPECT_NE(s.message().find("ring_chunks"), std::string::npos) << s.message();
  }
  EXPECT_TRUE(logger.keys().empty());
}

}  // namespace
