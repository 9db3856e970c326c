// The sine and logarithm of the simulated sensors, in IEEE-754 additions, multiplications and
// divisions only (with -ffp-contract=off each is rounded the same way on every architecture).
// libm's sin, cos and log differ in the last bit between x86-64, aarch64 and armhf (FMA variants,
// different code paths), and simulated sensors must produce the same bits everywhere so that a
// recording made under qemu-arm can be checked bit-exactly on the host. Tests recompute these
// with the same operations in the same order (tests/support/h5rec_test/sim_sensors.py).
#pragma once

namespace h5rec::platform {

// sin(2*pi*turns), to within a few ulp.
double sim_sin_turns(double turns);

// Natural logarithm of a positive, finite, normal x, to within a few ulp.
double sim_log(double x);

}  // namespace h5rec::platform
