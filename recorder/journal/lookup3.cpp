#include "recorder/journal/lookup3.hpp"

#include <algorithm>

#include "recorder/journal/little_endian.hpp"

namespace h5rec::journal {
namespace {

constexpr uint32_t rotate(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

void mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= c;
  a ^= rotate(c, 4);
  c += b;
  b -= a;
  b ^= rotate(a, 6);
  a += c;
  c -= b;
  c ^= rotate(b, 8);
  b += a;
  a -= c;
  a ^= rotate(c, 16);
  c += b;
  b -= a;
  b ^= rotate(a, 19);
  a += c;
  c -= b;
  c ^= rotate(b, 4);
  b += a;
}

void final_mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  c ^= b;
  c -= rotate(b, 14);
  a ^= c;
  a -= rotate(c, 11);
  b ^= a;
  b -= rotate(a, 25);
  c ^= b;
  c -= rotate(b, 16);
  a ^= c;
  a -= rotate(c, 4);
  b ^= a;
  b -= rotate(a, 14);
  c ^= b;
  c -= rotate(b, 24);
}

// A little-endian word from up to four bytes (fewer at the tail).
uint32_t word(const std::byte* p, size_t n) { return static_cast<uint32_t>(load_le(p, n)); }

}  // namespace

uint32_t lookup3(std::span<const std::byte> data, uint32_t initial) {
  size_t length = data.size();
  const std::byte* k = data.data();
  uint32_t a = 0xdeadbeef + static_cast<uint32_t>(length) + initial;
  uint32_t b = a;
  uint32_t c = a;
  while (length > 12) {
    a += word(k, 4);
    b += word(k + 4, 4);
    c += word(k + 8, 4);
    mix(a, b, c);
    length -= 12;
    k += 12;
  }
  if (length == 0) return c;
  a += word(k, std::min<size_t>(length, 4));
  if (length > 4) b += word(k + 4, std::min<size_t>(length - 4, 4));
  if (length > 8) c += word(k + 8, length - 8);
  final_mix(a, b, c);
  return c;
}

}  // namespace h5rec::journal
