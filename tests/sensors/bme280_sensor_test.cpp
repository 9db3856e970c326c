// The bme280 driver against the sim bus's register emulator: values across the range, the chip
// shared by its channels (one burst per row), NACKs, a wrong chip id, config errors, and the
// posix bus's errors without hardware.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <fstream>

#include "board/sensor_factory.hpp"
#include "drivers/bme280/bme280_chip.hpp"
#include "platform/posix/posix_i2c_bus.hpp"
#include "platform/sensor.hpp"
#include "platform/sim/bme280_emulator.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

using bme280::AdcSample;

SensorSpec bme280_spec(const std::string& quantity, SharedDevices& shared,
                       std::map<std::string, double> params = {}) {
  SensorSpec spec;
  spec.kind = "bme280";
  spec.texts = {{"bus", "sim"}, {"quantity", quantity}};
  spec.params = std::move(params);
  spec.rate_hz = 10;
  spec.kind_where = spec.params_where = "test.toml:1";
  spec.group = "env";
  spec.shared = &shared;
  return spec;
}

std::unique_ptr<Sensor> make(const SensorSpec& spec) {
  auto sensor = board::make_sensor(spec);
  EXPECT_TRUE(sensor.ok()) << (sensor.ok() ? "" : sensor.message());
  return sensor.ok() ? std::move(sensor.value()) : nullptr;
}

struct Expected {
  double temperature, pressure, humidity;
};

// What the driver must report for measurement m: the compensation of the emulator's raw values.
Expected expected(uint64_t m, uint64_t sweep_rows) {
  const AdcSample a = Bme280Emulator::adc_for(Bme280Emulator::environment(m, sweep_rows));
  const bme280::Calibration& c = Bme280Emulator::calibration();
  const int32_t fine = bme280::t_fine(c, a.temperature);
  return {bme280::temperature_centi_celsius(fine) / 100.0,
          *bme280::pressure_q24_8(c, fine, a.pressure) / 256.0,
          bme280::humidity_q22_10(c, fine, a.humidity) / 1024.0};
}

TEST(Bme280Emulator, RoundTripAcrossTheOperatingRange) {
  constexpr uint64_t kSweep = 200;
  for (uint64_t m = 0; m < kSweep; ++m) {
    const auto env = Bme280Emulator::environment(m, kSweep);
    const Expected got = expected(m, kSweep);
    // The first raw value whose compensation reaches the target: within one ADC step of it.
    EXPECT_GE(got.temperature, env.temperature) << m;
    EXPECT_LE(got.temperature, env.temperature + 0.011) << m;
    EXPECT_LE(got.pressure, env.pressure) << m;
    EXPECT_GE(got.pressure, env.pressure - 0.5) << m;
    EXPECT_GE(got.humidity, env.humidity) << m;
    EXPECT_LE(got.humidity, env.humidity + 0.02) << m;
  }
  // The sweep reaches both ends of the datasheet's operating range.
  EXPECT_EQ(Bme280Emulator::environment(0, kSweep).temperature, -40.0);
  EXPECT_EQ(Bme280Emulator::environment(kSweep / 2, kSweep).temperature, 85.0);
  EXPECT_EQ(Bme280Emulator::environment(kSweep / 2, kSweep).pressure, 110000.0);
  EXPECT_EQ(Bme280Emulator::environment(kSweep / 2, kSweep).humidity, 100.0);
}

TEST(Bme280Sensor, ThreeChannelsShareOneChipAndReadOneBurstPerRow) {
  SharedDevices shared;
  const std::map<std::string, double> sweep{{"sim_sweep_rows", 50}};
  auto t = make(bme280_spec("temperature", shared, sweep));
  auto p = make(bme280_spec("pressure", shared, sweep));
  auto h = make(bme280_spec("humidity", shared, sweep));
  ASSERT_TRUE(t && p && h);
  ASSERT_TRUE(t->open().ok());
  ASSERT_TRUE(p->open().ok());  // reconfigures the chip for pressure
  ASSERT_TRUE(h->open().ok());
  EXPECT_EQ(t->info().units, "degC");
  EXPECT_EQ(p->info().units, "Pa");
  EXPECT_EQ(h->info().units, "%");
  for (uint64_t row = 0; row < 120; ++row) {
    const SampleTick tick{row, row * 0.1};
    double vt = 0, vp = 0, vh = 0;
    ASSERT_EQ(t->read(tick, {&vt, 1}), ReadResult::kOk) << row;
    ASSERT_EQ(p->read(tick, {&vp, 1}), ReadResult::kOk) << row;
    ASSERT_EQ(h->read(tick, {&vh, 1}), ReadResult::kOk) << row;
    const Expected e = expected(row, 50);  // one measurement per row, not one per channel
    EXPECT_EQ(vt, e.temperature) << row;
    EXPECT_EQ(vp, e.pressure) << row;
    EXPECT_EQ(vh, e.humidity) << row;
  }
  // The calibration words are the dataset's attributes.
  bool has_p1 = false;
  for (const auto& [name, value] : p->info().numbers) {
    if (name == "dig_P1") has_p1 = value == 36477;
  }
  EXPECT_TRUE(has_p1);
}

TEST(Bme280Sensor, AdcOutputRecordsTheRawValue) {
  SharedDevices shared;
  SensorSpec spec = bme280_spec("pressure", shared);
  spec.texts["output"] = "adc";
  auto p = make(spec);
  ASSERT_TRUE(p && p->open().ok());
  EXPECT_EQ(p->info().units, "1");
  double v = 0;
  ASSERT_EQ(p->read({0, 0}, {&v, 1}), ReadResult::kOk);
  EXPECT_EQ(v, Bme280Emulator::adc_for(Bme280Emulator::environment(0, 100)).pressure);
}

TEST(Bme280Sensor, UnrecordedQuantitiesAreNotMeasured) {
  // Only temperature is recorded: the chip is told to skip pressure and humidity, so an adc
  // channel of... nothing else can see them; the emulator returns markers for them.
  auto emulator = std::make_shared<Bme280Emulator>(Bme280EmulatorOptions{});
  auto bus = std::make_unique<SimI2cBus>();
  bus->attach(0x76, emulator);
  bme280::Chip chip(std::move(bus), 0x76, 1.0, 0);
  EXPECT_EQ(chip.want(bme280::Quantity::kTemperature, 2), 2);
  ASSERT_TRUE(chip.open().ok());
  ASSERT_EQ(chip.sample(0), 0);
  EXPECT_NE(chip.adc().temperature, bme280::kAdc20Skipped);
  EXPECT_EQ(chip.adc().pressure, bme280::kAdc20Skipped);
  EXPECT_EQ(chip.adc().humidity, bme280::kAdc16Skipped);
  EXPECT_EQ(chip.sample(0), 0);  // same row: no second burst
  EXPECT_EQ(emulator->measurements(), 1u);
  EXPECT_EQ(chip.want(bme280::Quantity::kTemperature, 4), 2);  // a conflicting channel
}

TEST(Bme280Sensor, NackIsADeviceErrorForEveryChannelOfTheRowAndReopenRecovers) {
  SharedDevices shared;
  const std::map<std::string, double> fault{{"sim_nack_at", 3}, {"sim_nack_transactions", 2}};
  auto t = make(bme280_spec("temperature", shared, fault));
  auto h = make(bme280_spec("humidity", shared, fault));
  ASSERT_TRUE(t && h && t->open().ok() && h->open().ok());
  double v = 0;
  for (uint64_t row = 0; row < 3; ++row) {
    ASSERT_EQ(t->read({row, 0}, {&v, 1}), ReadResult::kOk);
    ASSERT_EQ(h->read({row, 0}, {&v, 1}), ReadResult::kOk);
  }
  EXPECT_EQ(t->read({3, 0}, {&v, 1}), ReadResult::kDeviceError);  // NACK 1 of 2
  t->close();
  EXPECT_EQ(h->read({3, 0}, {&v, 1}), ReadResult::kDeviceError);  // same row, no new transaction
  h->close();
  const Status reopened = t->open();  // NACK 2 of 2: the chip id read
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.message().find("i2c bus sim, address 0x76: cannot read the chip id"),
            std::string::npos)
      << reopened.message();
  EXPECT_NE(reopened.message().find("did not acknowledge"), std::string::npos);
  EXPECT_EQ(reopened.code(), EREMOTEIO);
  ASSERT_TRUE(t->open().ok());
  ASSERT_TRUE(h->open().ok());
  ASSERT_EQ(t->read({5, 0}, {&v, 1}), ReadResult::kOk);
  EXPECT_EQ(v, expected(3, 100).temperature);  // the emulator's fourth measurement
  ASSERT_EQ(h->read({5, 0}, {&v, 1}), ReadResult::kOk);
  EXPECT_EQ(v, expected(3, 100).humidity);
}

TEST(Bme280Sensor, WrongChipIdIsAClearErrorAtOpen) {
  SharedDevices shared;
  auto t = make(bme280_spec("temperature", shared, {{"sim_chip_id", 0x58}}));
  ASSERT_TRUE(t);
  const Status s = t->open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "i2c bus sim, address 0x76: chip id is 0x58, not a BME280's 0x60 (0x56-0x58 is a "
            "BMP280, which has no humidity)");
}

TEST(Bme280Sensor, NoDeviceAtTheAddress) {
  // The emulator sits at 0x76; a chip configured at 0x77 shares nothing with it.
  auto bus = std::make_unique<SimI2cBus>();
  bus->attach(0x76, std::make_shared<Bme280Emulator>(Bme280EmulatorOptions{}));
  bme280::Chip chip(std::move(bus), 0x77, 1.0, 0);
  const Status s = chip.open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("address 0x77"), std::string::npos) << s.message();
  EXPECT_EQ(chip.sample(0), EBADF);
}

TEST(Bme280Sensor, ConfigErrorsNameTheParameter) {
  struct Case {
    std::map<std::string, std::string> texts;
    std::map<std::string, double> params;
    std::string group;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"quantity", "temperature"}}, {}, "env", "key 'params.bus'"},
      {{{"bus", "sim"}, {"quantity", "dew_point"}}, {}, "env", "key 'params.quantity'"},
      {{{"bus", "sim"}, {"quantity", "pressure"}},
       {{"address", 0x40}},
       "env",
       "key 'params.address'"},
      {{{"bus", "sim"}, {"quantity", "pressure"}},
       {{"oversampling", 3}},
       "env",
       "key 'params.oversampling'"},
      {{{"bus", "sim"}, {"quantity", "pressure"}},
       {{"iir_filter", 1}},
       "env",
       "key 'params.iir_filter'"},
      {{{"bus", "sim"}, {"quantity", "pressure"}, {"output", "raw"}},
       {},
       "env",
       "key 'params.output'"},
      {{{"bus", "i2c-1"}, {"quantity", "pressure"}},
       {{"sim_chip_id", 0x58}},
       "env",
       "has no parameter 'sim_chip_id'"},
      // The chip of the first spec below (temperature, group env) is read by another group.
      {{{"bus", "sim"}, {"quantity", "pressure"}}, {}, "fast", "must be in one group"},
      {{{"bus", "sim"}, {"quantity", "temperature"}},
       {{"oversampling", 4}},
       "env",
       "records temperature with 1"},
      {{{"bus", "sim"}, {"quantity", "humidity"}},
       {{"iir_filter", 4}},
       "env",
       "key 'params.iir_filter'"},
  };
  SharedDevices shared;
  ASSERT_TRUE(make(bme280_spec("temperature", shared)));
  for (const Case& c : cases) {
    SensorSpec spec = bme280_spec("", shared, c.params);
    spec.texts = c.texts;
    spec.group = c.group;
    auto sensor = board::make_sensor(spec);
    ASSERT_FALSE(sensor.ok()) << c.message;
    EXPECT_NE(sensor.message().find(c.message), std::string::npos) << sensor.message();
    EXPECT_EQ(sensor.message().rfind("test.toml:1: ", 0), 0u) << sensor.message();
  }
}

TEST(Bme280Sensor, PosixBusErrorsNameTheBus) {
  h5rec::testing::TempDirectory dir;
  SharedDevices shared;
  SensorSpec spec = bme280_spec("temperature", shared);
  spec.texts["bus"] = "i2c-7";
  spec.dev_root = dir.path();
  auto missing = make(spec);
  ASSERT_TRUE(missing);
  const Status s = missing->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("i2c bus " + dir.path() + "/i2c-7: cannot open"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.code(), ENOENT);
  // A file that is not an i2c-dev node.
  std::ofstream(dir.path() + "/i2c-7") << "not a bus";
  PosixI2cBus bus(dir.path() + "/i2c-7");
  const Status not_i2c = bus.open();
  ASSERT_FALSE(not_i2c.ok());
  EXPECT_NE(not_i2c.message().find("not an i2c-dev device"), std::string::npos)
      << not_i2c.message();
  uint8_t id = 0;
  EXPECT_EQ(bus.read_registers(0x76, bme280::kRegChipId, {&id, 1}), EBADF);
}

}  // namespace
}  // namespace h5rec::platform
