#include "platform/sim/sim_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace h5rec::platform {
namespace {

TEST(SimMath, SineOfTurnsIsWithinAFewUlpOfLibm) {
  for (int i = -4000; i <= 4000; ++i) {
    const double turns = i / 1000.0 + 1e-7;
    const double want = std::sin(2.0 * std::numbers::pi * turns);
    EXPECT_NEAR(sim_sin_turns(turns), want, 4e-16 + 1e-15 * std::fabs(turns)) << turns;
  }
  EXPECT_EQ(sim_sin_turns(0.0), 0.0);
  EXPECT_EQ(sim_sin_turns(0.25), 1.0);
  EXPECT_EQ(sim_sin_turns(0.5), 0.0);
  EXPECT_EQ(sim_sin_turns(-0.25), -1.0);
  EXPECT_EQ(sim_sin_turns(1e6 + 0.25), 1.0);  // whole turns are removed exactly
}

TEST(SimMath, LogIsWithinAFewUlpOfLibm) {
  for (double x = 0x1.0p-60; x <= 1.0; x *= 1.0123) {
    const double want = std::log(x);
    const double ulp = std::nextafter(std::fabs(want), INFINITY) - std::fabs(want);
    EXPECT_NEAR(sim_log(x), want, 4 * ulp) << x;
  }
  EXPECT_EQ(sim_log(1.0), 0.0);
  EXPECT_NEAR(sim_log(0x1.0p-53), -53 * std::numbers::ln2, 1e-13);
}

}  // namespace
}  // namespace h5rec::platform
