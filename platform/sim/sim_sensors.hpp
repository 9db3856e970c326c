// Deterministic simulated sensors. Every value is a pure function of the row index, the
// component and the parameters (random ones also of their seed), so tests can recompute exactly
// what the sensor produced for any row.
//
//   counter      value = start + step * index                  (start 0, step 1)
//   sine         offset + amplitude * sin(2*pi*(frequency_hz * t + component / components))
//                                                              (amplitude 1, frequency_hz 1, offset
//                                                              0)
//   noise        mean + stddev * N(0,1) from a counter-based hash of (seed, index, component)
//   random_walk  start + sum over rows 1..index of step * N(0,1)  (start 0, step 1)
//   step         low before at_s seconds, high from then on    (low 0, high 1, at_s 1)
// t is the row's scheduled time since the start (index / rate_hz). seed defaults to a hash of the
// channel name, so two noise channels differ unless given the same seed.
#pragma once

#include <memory>

#include "platform/sensor.hpp"

namespace h5rec::platform {

// Returns an empty pointer (not an error) when spec.kind is not a simulated kind.
Result<std::unique_ptr<Sensor>> make_sim_sensor(const SensorSpec& spec);

// The N(0,1) draw that noise and random_walk use for (seed, index, component).
double sim_normal(uint64_t seed, uint64_t index, size_t component);

}  // namespace h5rec::platform
