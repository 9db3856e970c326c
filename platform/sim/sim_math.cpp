#include "platform/sim/sim_math.hpp"

#include <cmath>

namespace h5rec::platform {

double sim_sin_turns(double turns) {
  // Whole turns removed exactly (rint and the subtraction are exact), then folded into
  // [-1/4, 1/4] turn by sin(pi - x) = sin(x), also exact (Sterbenz).
  double r = turns - std::rint(turns);
  if (r > 0.25) r = 0.5 - r;
  if (r < -0.25) r = -0.5 - r;
  const double x = 0x1.921fb54442d18p+2 * r;  // 2*pi*r, |x| <= pi/2
  const double x2 = x * x;
  // Taylor series to x^23 (the next term is below 1e-20 at pi/2): (-1)^k / (2k+1)!, k = 1..11.
  double p = -0x1.761b41316381ap-75;
  p = p * x2 + 0x1.71b8ef6dcf572p-66;
  p = p * x2 + -0x1.2f49b46814157p-57;
  p = p * x2 + 0x1.952c77030ad4ap-49;
  p = p * x2 + -0x1.ae7f3e733b81fp-41;
  p = p * x2 + 0x1.6124613a86d09p-33;
  p = p * x2 + -0x1.ae64567f544e4p-26;
  p = p * x2 + 0x1.71de3a556c734p-19;
  p = p * x2 + -0x1.a01a01a01a01ap-13;
  p = p * x2 + 0x1.1111111111111p-7;
  p = p * x2 + -0x1.5555555555555p-3;
  return x + x * x2 * p;
}

double sim_log(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)) (frexp and the doubling are exact), then
  // log(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172.
  int e = 0;
  double m = std::frexp(x, &e);
  if (m < 0x1.6a09e667f3bcdp-1) {
    m = m * 2.0;
    e = e - 1;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  // atanh(s) / s - 1 = sum s^2k / (2k+1), k = 1..11 (the next term is below 1e-18).
  double p = 0x1.642c8590b2164p-5;
  p = p * s2 + 0x1.8618618618618p-5;
  p = p * s2 + 0x1.af286bca1af28p-5;
  p = p * s2 + 0x1.e1e1e1e1e1e1ep-5;
  p = p * s2 + 0x1.1111111111111p-4;
  p = p * s2 + 0x1.3b13b13b13b14p-4;
  p = p * s2 + 0x1.745d1745d1746p-4;
  p = p * s2 + 0x1.c71c71c71c71cp-4;
  p = p * s2 + 0x1.2492492492492p-3;
  p = p * s2 + 0x1.999999999999ap-3;
  p = p * s2 + 0x1.5555555555555p-2;
  return static_cast<double>(e) * 0x1.62e42fefa39efp-1 + 2.0 * (s + s * s2 * p);
}

}  // namespace h5rec::platform
