#include "drivers/sysfs/number_text.hpp"

#include <charconv>
#include <cmath>

namespace h5rec::platform {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<double> parse_number_field(std::string_view text, size_t field) {
  size_t pos = 0;
  for (size_t f = 0;; ++f) {
    while (pos < text.size() && is_blank(text[pos])) ++pos;
    if (pos == text.size()) return std::nullopt;
    size_t end = pos;
    while (end < text.size() && !is_blank(text[end])) ++end;
    if (f == field) {
      std::string_view token = text.substr(pos, end - pos);
      if (token.size() > 1 && token[0] == '+' && token[1] != '-') token.remove_prefix(1);
      double value = 0.0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value,
                                             std::chars_format::general);
      if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(value)) {
        return std::nullopt;
      }
      return value;
    }
    pos = end;
  }
}

}  // namespace h5rec::platform
