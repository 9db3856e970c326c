// An IIO scan element's `type` descriptor (scan_elements/in_*_type) and how to take a value out
// of a scan with it. The kernel writes  [be|le]:[s|u]REALBITS/STORAGEBITS[XREPEAT]>>SHIFT,
// e.g. "le:s12/16>>4" (a signed 12-bit value in the top of a little-endian 16-bit word),
// "be:u16/16>>0", "le:s64/64>>0" (the timestamp), "le:s16/16X3>>0" (three repeated values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.hpp"

namespace h5rec::platform {

struct IioScanType {
  bool big_endian = false;
  bool is_signed = false;
  unsigned real_bits = 0;     // 1..storage_bits - shift
  unsigned storage_bits = 0;  // 8, 16, 24, ..., 64 (whole bytes)
  unsigned repeat = 1;        // values stored one after the other (X form), 1 without it
  unsigned shift = 0;         // right shift before masking real_bits

  size_t storage_bytes() const { return storage_bits / 8; }
  size_t element_bytes() const { return storage_bytes() * repeat; }  // bytes in a scan
};

// Parses a descriptor (a trailing newline is allowed). Anything else, and descriptors the
// kernel cannot produce (storage not whole bytes or over 64 bits, real bits 0 or not fitting
// after the shift, repeat 0), is an error that quotes the text.
Result<IioScanType> parse_iio_scan_type(std::string_view text);

// The value number `repeat_index` of an element that starts at `element`: loaded with the
// element's byte order, shifted, masked to real_bits and sign-extended when signed. An
// unsigned 64-bit value over INT64_MAX comes back wrapped (iio_scan_unsigned has it whole).
int64_t iio_scan_integer(const IioScanType& type, const std::byte* element, unsigned repeat_index);
uint64_t iio_scan_unsigned(const IioScanType& type, const std::byte* element,
                           unsigned repeat_index);
// The same as a double (signed or unsigned as the type says; exact up to 2^53).
double iio_scan_number(const IioScanType& type, const std::byte* element, unsigned repeat_index);

}  // namespace h5rec::platform
