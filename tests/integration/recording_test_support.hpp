// Helpers for C++ integration tests: configs (recorder_toml.hpp), recording on the sim platform,
// and read-back through h5py (tests/support/h5rec_test/verify_recording.py).
#pragma once

#include <cstdint>
#include <string>

#include "config/recorder_config.hpp"
#include "platform/posix/posix_storage.hpp"
#include "platform/sim/sim_clock.hpp"
#include "platform/sim/sim_storage.hpp"
#include "recorder/recorder.hpp"
#include "tests/support/recorder_toml.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::testing {

// Parses TOML text (the test fails on a config error).
config::RecorderConfig parse_or_die(const std::string& toml);

// The sim platform on a real directory: virtual clock, fault-injectable storage.
struct SimPlatform {
  platform::SimClock clock;
  platform::PosixStorage disk;
  platform::SimStorage storage{disk, clock};
};

// Records `seconds` of virtual time; fails the test on any error.
RecordingSummary record(const config::RecorderConfig& config, SimPlatform& sim, double seconds);

// Runs verify_recording.py on the file with the given arguments; returns its exit code.
int verify_with_h5py(const std::string& file, const std::string& arguments);

}  // namespace h5rec::testing
