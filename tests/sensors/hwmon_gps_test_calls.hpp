// Calls on a sensor that the hwmon, thermal, file and GPS tests make again and again: make and
// open it (failing the test when either fails), read one value, the message of an open that must
// fail, and a table of parameter errors.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "board/sensor_factory.hpp"
#include "platform/sensor.hpp"

namespace h5rec::testing {

inline std::unique_ptr<platform::Sensor> make_opened(const platform::SensorSpec& spec) {
  auto sensor = board::make_sensor(spec);
  EXPECT_TRUE(sensor.ok()) << (sensor.ok() ? "" : sensor.message());
  if (!sensor) return nullptr;
  const Status s = sensor.value()->open();
  EXPECT_TRUE(s.ok()) << s.message();
  return std::move(sensor.value());
}

inline std::pair<platform::ReadResult, double> read_one(platform::Sensor& sensor) {
  double v = -1.0;
  const platform::ReadResult r = sensor.read(platform::SampleTick{}, std::span<double>(&v, 1));
  return {r, v};
}

// The message of open() for a spec the sensor takes but whose device is not there.
inline std::string open_error(const platform::SensorSpec& spec) {
  auto sensor = board::make_sensor(spec);
  EXPECT_TRUE(sensor.ok()) << (sensor.ok() ? "" : sensor.message());
  if (!sensor) return "";
  const Status s = sensor.value()->open();
  EXPECT_FALSE(s.ok());
  return s.message();
}

struct ParamErrorCase {
  std::map<std::string, std::string> texts;
  std::map<std::string, double> numbers;
  const char* message;  // a part of the error's message
};

// Each case's params on top of base: make_sensor must fail with the case's message.
inline void expect_param_errors(const platform::SensorSpec& base,
                                std::span<const ParamErrorCase> cases) {
  for (const ParamErrorCase& c : cases) {
    platform::SensorSpec spec = base;
    spec.texts = c.texts;
    spec.params = c.numbers;
    auto sensor = board::make_sensor(spec);
    ASSERT_FALSE(sensor.ok()) << c.message;
    EXPECT_NE(sensor.message().find(c.message), std::string::npos) << sensor.message();
    EXPECT_EQ(sensor.message().rfind(base.params_where, 0), 0u) << sensor.message();
  }
}

}  // namespace h5rec::testing
