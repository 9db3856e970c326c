#include "drivers/iio/iio_scan_type.hpp"

#include <charconv>
#include <string>

namespace h5rec::platform {
namespace {

// Reads an unsigned decimal number at the front of `text` and drops it; false if there is none.
bool take_number(std::string_view& text, unsigned& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return true;
}

bool take(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

uint64_t load_bits(const IioScanType& type, const std::byte* element, unsigned repeat_index) {
  const size_t bytes = type.storage_bytes();
  const std::byte* p = element + bytes * repeat_index;
  uint64_t word = 0;
  for (size_t k = 0; k < bytes; ++k) {
    const auto byte = static_cast<uint64_t>(p[type.big_endian ? k : bytes - 1 - k]);
    word = (word << 8) | byte;
  }
  word >>= type.shift;
  if (type.real_bits < 64) word &= (uint64_t{1} << type.real_bits) - 1;
  return word;
}

}  // namespace

Result<IioScanType> parse_iio_scan_type(std::string_view text) {
  const std::string quoted = "IIO scan type '" + std::string(text.substr(0, 40)) + "'";
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  IioScanType t;
  if (take(text, "be:")) {
    t.big_endian = true;
  } else if (!take(text, "le:")) {
    return Error{quoted + ": does not start with 'le:' or 'be:'"};
  }
  if (take(text, "s")) {
    t.is_signed = true;
  } else if (!take(text, "u")) {
    return Error{quoted + ": no 's' or 'u' after the byte order"};
  }
  if (!take_number(text, t.real_bits) || !take(text, "/") || !take_number(text, t.storage_bits)) {
    return Error{quoted + ": expected REALBITS/STORAGEBITS after the sign"};
  }
  if (take(text, "X") && !take_number(text, t.repeat)) {
    return Error{quoted + ": expected a repeat count after 'X'"};
  }
  if (!take(text, ">>") || !take_number(text, t.shift) || !text.empty()) {
    return Error{quoted + ": expected '>>SHIFT' at the end"};
  }
  if (t.storage_bits == 0 || t.storage_bits % 8 != 0 || t.storage_bits > 64) {
    return Error{quoted + ": storage bits must be 8, 16, ..., 64"};
  }
  if (t.real_bits == 0 || t.shift >= t.storage_bits || t.real_bits > t.storage_bits - t.shift) {
    return Error{quoted + ": real bits and shift do not fit in the storage bits"};
  }
  if (t.repeat == 0 || t.repeat > 255) {  // the kernel's repeat field is 8 bits
    return Error{quoted + ": repeat count must be 1 ... 255"};
  }
  return t;
}

uint64_t iio_scan_unsigned(const IioScanType& type, const std::byte* element,
                           unsigned repeat_index) {
  return load_bits(type, element, repeat_index);
}

int64_t iio_scan_integer(const IioScanType& type, const std::byte* element, unsigned repeat_index) {
  uint64_t bits = load_bits(type, element, repeat_index);
  if (type.is_signed && type.real_bits < 64) {
    const uint64_t sign = uint64_t{1} << (type.real_bits - 1);
    bits = (bits ^ sign) - sign;  // sign-extends without shifting a negative number
  }
  return static_cast<int64_t>(bits);
}

double iio_scan_number(const IioScanType& type, const std::byte* element, unsigned repeat_index) {
  if (type.is_signed) return static_cast<double>(iio_scan_integer(type, element, repeat_index));
  return static_cast<double>(load_bits(type, element, repeat_index));
}

}  // namespace h5rec::platform
