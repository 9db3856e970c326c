#include "recording_test_support.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>

#include "board/sensor_factory.hpp"

namespace h5rec::testing {

config::RecorderConfig parse_or_die(const std::string& toml) {
  auto parsed = config::parse_config(toml, "test.toml");
  if (!parsed) {
    ADD_FAILURE() << parsed.message();
    std::abort();
  }
  return parsed.value();
}

RecordingSummary record(const config::RecorderConfig& config, SimPlatform& sim, double seconds) {
  auto recorder = Recorder::create(config, sim.clock, sim.storage, board::sensor_factory());
  if (!recorder) {
    ADD_FAILURE() << recorder.message();
    return {};
  }
  const std::atomic<bool> never{false};
  auto summary = recorder.value()->run(static_cast<int64_t>(seconds * 1e9), never);
  if (!summary) {
    ADD_FAILURE() << summary.message();
    return {};
  }
  return summary.value();
}

int verify_with_h5py(const std::string& file, const std::string& arguments) {
  const std::string command =
      std::string(H5REC_PYTHON) + " " + H5REC_VERIFY_SCRIPT + " '" + file + "' " + arguments;
  std::fflush(stdout);
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace h5rec::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
