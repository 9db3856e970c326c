// A shape as numpy prints it: "()", "(3,)", "(2, 4)". Used in messages and by `h5rec info`.
#pragma once

#include <string>

namespace h5rec {

template <class Dims>
std::string shape_text(const Dims& dims) {
  std::string s = "(";
  size_t i = 0;
  for (const auto d : dims) s += (i++ ? ", " : "") + std::to_string(d);
  return s + (i == 1 ? ",)" : ")");
}

}  // namespace h5rec
