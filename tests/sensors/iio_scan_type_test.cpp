// The IIO scan type descriptor parser and value extraction: the descriptors drivers write, and
// a table of corrupt ones that must be errors (never a crash, never a half-parsed type).
#include "drivers/iio/iio_scan_type.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace h5rec::platform {
namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

TEST(IioScanType, ParsesTheDescriptorsDriversWrite) {
  struct Case {
    const char* text;
    bool big_endian, is_signed;
    unsigned real_bits, storage_bits, repeat, shift;
  };
  const Case cases[] = {
      {"le:s12/16>>4", false, true, 12, 16, 1, 4},  // ADS1015
      {"be:u16/16>>0", true, false, 16, 16, 1, 0},
      {"le:s64/64>>0", false, true, 64, 64, 1, 0},   // timestamp
      {"be:s24/32>>8\n", true, true, 24, 32, 1, 8},  // as read from sysfs, with its newline
      {"le:u8/8>>0", false, false, 8, 8, 1, 0},
      {"le:s16/16X3>>0", false, true, 16, 16, 3, 0},  // repeated (quaternion-like) element
      {"be:u10/16X1>>6", true, false, 10, 16, 1, 6},
      {"le:u1/8>>7", false, false, 1, 8, 1, 7},
  };
  for (const Case& c : cases) {
    auto t = parse_iio_scan_type(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.message();
    EXPECT_EQ(t->big_endian, c.big_endian) << c.text;
    EXPECT_EQ(t->is_signed, c.is_signed) << c.text;
    EXPECT_EQ(t->real_bits, c.real_bits) << c.text;
    EXPECT_EQ(t->storage_bits, c.storage_bits) << c.text;
    EXPECT_EQ(t->repeat, c.repeat) << c.text;
    EXPECT_EQ(t->shift, c.shift) << c.text;
  }
  EXPECT_EQ(parse_iio_scan_type("le:s16/16X3>>0")->element_bytes(), 6u);
}

TEST(IioScanType, CorruptDescriptorsAreErrorsThatQuoteThem) {
  const char* corrupt[] = {
      "",
      "le",
      "le:",
      "xx:s12/16>>4",
      "LE:s12/16>>4",
      "le:x12/16>>4",
      "le:s12/16",
      "le:s12/16>>",
      "le:s12/16>>4 junk",
      "le:s/16>>4",
      "le:s12/>>4",
      "le:s12-16>>4",
      "le:s12/12>>0",
      "le:s0/16>>0",
      "le:s17/16>>0",
      "le:s12/16>>5",
      "le:s8/128>>0",
      "le:s16/16X0>>0",
      "le:s16/16X>>0",
      "le:s-12/16>>4",
      "le:s16/16X256>>0",
      "le:s8/8X4294967296>>0",
      "le:s99999999999/16>>0",
      " le:s12/16>>4",
      "le:s12/16>>4\n\n",
      "le:s12/16>>16",
      "le:s12/16>4",
      "le:s12/16X2X2>>0",
      "le:s12/16>>4>>4",
      "le:s12/0>>0",
      "le:s12 /16>>4",
      "be:u16/16>>-1",
  };
  for (const char* text : corrupt) {
    auto t = parse_iio_scan_type(text);
    EXPECT_FALSE(t.ok()) << "'" << text << "' parsed";
    if (!t.ok()) {
      EXPECT_NE(t.message().find("IIO scan type"), std::string::npos) << t.message();
    }
  }
  // An embedded NUL (sysfs text is not NUL-terminated for us) is junk too.
  EXPECT_FALSE(parse_iio_scan_type(std::string_view("le:s8/8\0>>0", 11)).ok());
}

// Random corruptions of good descriptors: whatever parses must be a type the kernel could
// write (so layout and extraction never read past an element).
TEST(IioScanType, FuzzedDescriptorsNeverYieldImpossibleTypes) {
  const std::string seeds[] = {"le:s12/16>>4", "be:u16/16>>0", "le:s64/64>>0", "le:s16/16X3>>0"};
  const std::string alphabet = "lebsux:/>X0123456789 \n-";
  const unsigned seed = 7;
  std::mt19937 rng(seed);
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[rng() % 4];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    auto t = parse_iio_scan_type(text);
    if (!t.ok()) continue;
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round) + ": '" + text +
                 "'");
    EXPECT_EQ(t->storage_bits % 8, 0u);
    EXPECT_GE(t->storage_bits, 8u);
    EXPECT_LE(t->storage_bits, 64u);
    EXPECT_GE(t->real_bits, 1u);
    EXPECT_LE(t->real_bits + t->shift, t->storage_bits);
    EXPECT_GE(t->repeat, 1u);
  }
}

TEST(IioScanType, TakesShiftedSignedValuesOutWithSignExtension) {
  const IioScanType t = *parse_iio_scan_type("le:s12/16>>4");
  // value << 4 in a little-endian word; the low 4 bits are not part of the value.
  EXPECT_EQ(iio_scan_integer(t, bytes({0xF0, 0xFF}).data(), 0), -1);
  EXPECT_EQ(iio_scan_integer(t, bytes({0x00, 0x80}).data(), 0), -2048);
  EXPECT_EQ(iio_scan_integer(t, bytes({0xF0, 0x7F}).data(), 0), 2047);
  EXPECT_EQ(iio_scan_integer(t, bytes({0xFF, 0x7F}).data(), 0), 2047);  // low bits ignored
  EXPECT_EQ(iio_scan_integer(t, bytes({0x10, 0x00}).data(), 0), 1);
  EXPECT_EQ(iio_scan_number(t, bytes({0x00, 0x80}).data(), 0), -2048.0);
}

TEST(IioScanType, HonoursByteOrderAndUnsignedness) {
  const IioScanType be16 = *parse_iio_scan_type("be:u16/16>>0");
  EXPECT_EQ(iio_scan_unsigned(be16, bytes({0x12, 0x34}).data(), 0), 0x1234u);
  EXPECT_EQ(iio_scan_number(be16, bytes({0xFF, 0xFE}).data(), 0), 65534.0);
  const IioScanType le16 = *parse_iio_scan_type("le:u16/16>>0");
  EXPECT_EQ(iio_scan_unsigned(le16, bytes({0x12, 0x34}).data(), 0), 0x3412u);
  const IioScanType be24 = *parse_iio_scan_type("be:s24/32>>8");
  EXPECT_EQ(iio_scan_integer(be24, bytes({0xFF, 0xFF, 0xFE, 0xAA}).data(), 0), -2);
  EXPECT_EQ(iio_scan_integer(be24, bytes({0x7F, 0xFF, 0xFF, 0x00}).data(), 0), 8388607);
  const IioScanType u8 = *parse_iio_scan_type("le:u8/8>>0");
  EXPECT_EQ(iio_scan_number(u8, bytes({0xFF}).data(), 0), 255.0);
}

TEST(IioScanType, SixtyFourBitValuesComeOutWhole) {
  const IioScanType s64 = *parse_iio_scan_type("le:s64/64>>0");
  const auto min = bytes({0, 0, 0, 0, 0, 0, 0, 0x80});
  EXPECT_EQ(iio_scan_integer(s64, min.data(), 0), std::numeric_limits<int64_t>::min());
  const int64_t ns = 1'767'225'600'123'456'789;  // a kernel timestamp, beyond a double's 2^53
  std::vector<std::byte> le(8);
  for (int k = 0; k < 8; ++k)
    le[k] = static_cast<std::byte>((static_cast<uint64_t>(ns) >> (8 * k)) & 0xFF);
  EXPECT_EQ(iio_scan_integer(s64, le.data(), 0), ns);
  const IioScanType u64 = *parse_iio_scan_type("be:u64/64>>0");
  const auto max = bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
  EXPECT_EQ(iio_scan_unsigned(u64, max.data(), 0), std::numeric_limits<uint64_t>::max());
}

TEST(IioScanType, RepeatedValuesFollowEachOther) {
  const IioScanType t = *parse_iio_scan_type("le:s16/16X3>>0");
  const auto scan = bytes({0x01, 0x00, 0xFF, 0xFF, 0x00, 0x80});
  EXPECT_EQ(iio_scan_integer(t, scan.data(), 0), 1);
  EXPECT_EQ(iio_scan_integer(t, scan.data(), 1), -1);
  EXPECT_EQ(iio_scan_integer(t, scan.data(), 2), -32768);
}

}  // namespace
}  // namespace h5rec::platform
