// Scan layout as the kernel computes it (iio_compute_scan_bytes): elements in scan index order,
// each aligned to its own size, the timestamp last, the scan padded to its largest element.
#include "drivers/iio/iio_scan_layout.hpp"

#include <gtest/gtest.h>

namespace h5rec::platform {
namespace {

IioScanElement element(const char* name, unsigned index, const char* type) {
  auto t = parse_iio_scan_type(type);
  EXPECT_TRUE(t.ok()) << type;
  return {name, index, *t};
}

TEST(IioScanLayout, AdcChannelsThenTimestampAlignedToEightBytes) {
  auto layout = compute_iio_scan_layout({element("timestamp", 4, "le:s64/64>>0"),
                                         element("voltage1", 1, "le:s12/16>>4"),
                                         element("voltage0", 0, "le:s12/16>>4")});
  ASSERT_TRUE(layout.ok()) << layout.message();
  ASSERT_EQ(layout->elements.size(), 3u);
  EXPECT_EQ(layout->elements[0].name, "voltage0");
  EXPECT_EQ(layout->elements[1].name, "voltage1");
  EXPECT_EQ(layout->elements[2].name, "timestamp");
  EXPECT_EQ(layout->offsets, (std::vector<size_t>{0, 2, 8}));
  EXPECT_EQ(layout->scan_bytes, 16u);
  EXPECT_EQ(layout->find("voltage1"), 1u);
  EXPECT_EQ(layout->find("voltage7"), 3u);
}

TEST(IioScanLayout, EachElementAlignedToItsSizeAndScanToTheLargest) {
  auto layout =
      compute_iio_scan_layout({element("a", 0, "le:u8/8>>0"), element("b", 1, "le:s32/32>>0"),
                               element("c", 2, "be:u16/16>>0")});
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->offsets, (std::vector<size_t>{0, 4, 8}));
  EXPECT_EQ(layout->scan_bytes, 12u);
}

TEST(IioScanLayout, TimestampGoesLastWhateverItsIndex) {
  auto layout = compute_iio_scan_layout(
      {element("timestamp", 0, "le:s64/64>>0"), element("accel_x", 3, "le:s16/16>>0")});
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->elements[1].name, "timestamp");
  EXPECT_EQ(layout->offsets, (std::vector<size_t>{0, 8}));
  EXPECT_EQ(layout->scan_bytes, 16u);
}

TEST(IioScanLayout, RepeatedElementTakesItsWholeSize) {
  auto layout = compute_iio_scan_layout(
      {element("count", 0, "le:u8/8>>0"), element("rot", 1, "le:s16/16X4>>0")});
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->offsets, (std::vector<size_t>{0, 8}));
  EXPECT_EQ(layout->scan_bytes, 16u);
}

TEST(IioScanLayout, SingleElementAndEmptyScan) {
  auto one = compute_iio_scan_layout({element("voltage0", 0, "be:u16/16>>0")});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->scan_bytes, 2u);
  auto none = compute_iio_scan_layout({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->scan_bytes, 0u);
}

TEST(IioScanLayout, TwoElementsWithOneIndexAreAnError) {
  auto layout = compute_iio_scan_layout(
      {element("voltage0", 1, "le:s12/16>>4"), element("voltage1", 1, "le:s12/16>>4")});
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.message().find("same index 1"), std::string::npos) << layout.message();
}

}  // namespace
}  // namespace h5rec::platform
