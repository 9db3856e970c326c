// The number in a sysfs or procfs file's text: "42000\n", "-12.5", "1e3", or one
// whitespace-separated field of a line such as /proc/loadavg's "0.52 0.58 0.59 1/389 12345".
// Pure C++, no OS calls.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace h5rec::platform {

// Field `field` (0: the first) of text, split at spaces, tabs and newlines, read as a finite
// decimal number (sign, digits, fraction, exponent). Empty: text has no such field, or the field is
// not entirely such a number ("12abc", "0x1f", "nan", "") -- junk, never a guess.
std::optional<double> parse_number_field(std::string_view text, size_t field);

}  // namespace h5rec::platform
