// hwmon and thermal sensors against a fake sysfs tree: devices found by name and label (not by
// number), values in SI units from the kernel's milli-units, junk counted as a bad value, and
// errors that name what is missing and what was found instead.
#include <gtest/gtest.h>

#include <cmath>

#include "board/sensor_factory.hpp"
#include "platform/sensor.hpp"
#include "tests/sensors/hwmon_fake_sysfs.hpp"
#include "tests/sensors/hwmon_gps_test_calls.hpp"

namespace h5rec {
namespace {

using platform::ReadResult;
using testing::FakeSysfs;
using testing::make_opened;
using testing::open_error;
using testing::read_one;

class HwmonSensor : public ::testing::Test {
 protected:
  void SetUp() override {
    sysfs.write("class/hwmon/hwmon0/name", "acpitz\n");
    sysfs.write("class/hwmon/hwmon0/temp1_input", "27800\n");
    sysfs.write("class/hwmon/hwmon1/name", "coretemp\n");
    sysfs.write("class/hwmon/hwmon1/temp1_label", "Package id 0\n");
    sysfs.write("class/hwmon/hwmon1/temp1_input", "45000\n");
    sysfs.write("class/hwmon/hwmon1/temp2_label", "Core 0\n");
    sysfs.write("class/hwmon/hwmon1/temp2_input", "43000\n");
    sysfs.write("class/hwmon/hwmon1/temp10_label", "Core 8\n");
    sysfs.write("class/hwmon/hwmon1/temp10_input", "-1500\n");
    sysfs.write("class/hwmon/hwmon2/name", "ina219\n");
    sysfs.write("class/hwmon/hwmon2/in0_label", "Vbus\n");
    sysfs.write("class/hwmon/hwmon2/in0_input", "5020\n");
    sysfs.write("class/hwmon/hwmon2/curr1_input", "250\n");
    sysfs.write("class/hwmon/hwmon2/power1_input", "1255000\n");
    sysfs.write("class/hwmon/hwmon2/fan1_input", "1500\n");
    sysfs.write("class/hwmon/hwmon10/name", "ina219\n");  // a second chip of that name
    sysfs.write("class/hwmon/hwmon10/in0_label", "Vbus\n");
    sysfs.write("class/hwmon/hwmon10/in0_input", "3300\n");
  }

  FakeSysfs sysfs;
};

std::string text_attribute(const platform::SensorInfo& info, const std::string& name) {
  for (const auto& [key, value] : info.texts) {
    if (key == name) return value;
  }
  return "<none>";
}

double number_attribute(const platform::SensorInfo& info, const std::string& name) {
  for (const auto& [key, value] : info.numbers) {
    if (key == name) return value;
  }
  return NAN;
}

TEST_F(HwmonSensor, TemperatureByLabelIsInDegreesCelsius) {
  auto sensor = make_opened(sysfs.spec("hwmon", {{"chip", "coretemp"}, {"label", "Core 0"}}));
  ASSERT_TRUE(sensor);
  EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, 43000 * 0.001));
  const platform::SensorInfo info = sensor->info();
  EXPECT_EQ(info.units, "degC");
  EXPECT_EQ(number_attribute(info, "raw_scale"), 0.001);
  EXPECT_EQ(text_attribute(info, "chip"), "coretemp");
  EXPECT_EQ(text_attribute(info, "label"), "Core 0");
  EXPECT_EQ(text_attribute(info, "path"), sysfs.root() + "/class/hwmon/hwmon1/temp2_input");
}

TEST_F(HwmonSensor, LabelsPastNineAndNegativeValues) {
  auto sensor = make_opened(sysfs.spec("hwmon", {{"chip", "coretemp"}, {"label", "Core 8"}}));
  ASSERT_TRUE(sensor);
  EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, -1500 * 0.001));
}

TEST_F(HwmonSensor, InputByNameAndChipByNumber) {
  auto by_input = make_opened(sysfs.spec("hwmon", {{"chip", "acpitz"}, {"input", "temp1"}}));
  ASSERT_TRUE(by_input);
  EXPECT_EQ(read_one(*by_input), std::make_pair(ReadResult::kOk, 27800 * 0.001));
  EXPECT_EQ(text_attribute(by_input->info(), "input"), "temp1");
  auto by_number = make_opened(sysfs.spec("hwmon", {{"chip", "hwmon1"}, {"input", "temp1"}}));
  ASSERT_TRUE(by_number);
  EXPECT_EQ(read_one(*by_number), std::make_pair(ReadResult::kOk, 45000 * 0.001));
}

TEST_F(HwmonSensor, EachTypeInSiUnits) {
  struct Case {
    std::map<std::string, std::string> texts;
    const char* units;
    double value;
  };
  const Case cases[] = {
      {{{"chip", "ina219"}, {"label", "Vbus"}, {"type", "in"}}, "V", 5020 * 0.001},
      {{{"chip", "ina219"}, {"input", "curr1"}}, "A", 250 * 0.001},
      {{{"chip", "ina219"}, {"input", "power1"}}, "W", 1255000 * 1e-6},
      {{{"chip", "ina219"}, {"input", "fan1"}}, "Hz", 1500 * (1.0 / 60.0)},
  };
  for (const Case& c : cases) {
    auto sensor = make_opened(sysfs.spec("hwmon", c.texts));
    ASSERT_TRUE(sensor);
    EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, c.value)) << c.units;
    EXPECT_EQ(sensor->info().units, c.units);
  }
}

TEST_F(HwmonSensor, TwoChipsOfOneNameGiveTheLowestNumbered) {
  auto sensor =
      make_opened(sysfs.spec("hwmon", {{"chip", "ina219"}, {"label", "Vbus"}, {"type", "in"}}));
  ASSERT_TRUE(sensor);
  EXPECT_EQ(text_attribute(sensor->info(), "path"), sysfs.root() + "/class/hwmon/hwmon2/in0_input");
}

TEST_F(HwmonSensor, ValueChangesAreReadAndJunkIsABadValue) {
  auto sensor = make_opened(sysfs.spec("hwmon", {{"chip", "coretemp"}, {"label", "Package id 0"}}));
  ASSERT_TRUE(sensor);
  sysfs.write("class/hwmon/hwmon1/temp1_input", "51250\n");
  EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, 51250 * 0.001));
  for (const char* junk : {"", "\n", "abc\n", "12abc\n", "0x10\n", "nan\n", "1e999\n", "--5\n"}) {
    sysfs.write("class/hwmon/hwmon1/temp1_input", junk);
    EXPECT_EQ(read_one(*sensor).first, ReadResult::kBadValue) << "'" << junk << "'";
  }
  sysfs.write("class/hwmon/hwmon1/temp1_input", "  -7000 \n");
  EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, -7000 * 0.001));
}

TEST_F(HwmonSensor, MissingChipOrLabelIsAnErrorNamingWhatWasFound) {
  const std::string no_chip =
      open_error(sysfs.spec("hwmon", {{"chip", "nct6775"}, {"input", "temp1"}}));
  EXPECT_NE(no_chip.find("no hwmon chip named 'nct6775' in " + sysfs.root() +
                         "/class/hwmon (found: acpitz, coretemp, ina219, ina219)"),
            std::string::npos)
      << no_chip;
  const std::string no_label =
      open_error(sysfs.spec("hwmon", {{"chip", "coretemp"}, {"label", "GPU"}}));
  EXPECT_NE(no_label.find("has no temp input labelled 'GPU' (labels: 'Package id 0', 'Core 0', "
                          "'Core 8')"),
            std::string::npos)
      << no_label;
  const std::string no_input =
      open_error(sysfs.spec("hwmon", {{"chip", "coretemp"}, {"input", "temp7"}}));
  EXPECT_EQ(no_input, "cannot open '" + sysfs.root() +
                          "/class/hwmon/hwmon1/temp7_input': No such file or directory");
  FakeSysfs empty;
  const std::string no_hwmon = open_error(empty.spec("hwmon", {{"chip", "x"}, {"input", "temp1"}}));
  EXPECT_NE(no_hwmon.find("cannot list '" + empty.root() + "/class/hwmon'"), std::string::npos)
      << no_hwmon;
}

TEST_F(HwmonSensor, AChipThatAppearsLaterIsFoundByItsName) {
  auto sensor = board::make_sensor(sysfs.spec("hwmon", {{"chip", "bme280"}, {"input", "temp1"}}));
  ASSERT_TRUE(sensor.ok());
  EXPECT_FALSE(sensor.value()->open().ok());
  EXPECT_EQ(sensor.value()->info().units, "degC");  // known without the device
  sysfs.write("class/hwmon/hwmon7/name", "bme280\n");
  sysfs.write("class/hwmon/hwmon7/temp1_input", "21500\n");
  ASSERT_TRUE(sensor.value()->open().ok());
  EXPECT_EQ(read_one(*sensor.value()), std::make_pair(ReadResult::kOk, 21500 * 0.001));
}

TEST_F(HwmonSensor, BadParametersAreErrorsNamingTheParameter) {
  const testing::ParamErrorCase cases[] = {
      {{{"input", "temp1"}}, {}, "key 'params.chip': sensor 'hwmon' needs the chip's name"},
      {{{"chip", "a"}}, {}, "key 'params.label': sensor 'hwmon' needs either label"},
      {{{"chip", "a"}, {"label", "x"}, {"input", "temp1"}}, {}, "key 'params.input'"},
      {{{"chip", "a"}, {"input", "tempX"}}, {}, "'tempX' is not <type><number>"},
      {{{"chip", "a"}, {"input", "volt1"}}, {}, "'volt1' is not <type><number>"},
      {{{"chip", "a"}, {"input", "temp1"}, {"type", "in"}}, {}, "key 'params.type'"},
      {{{"chip", "a"}, {"label", "x"}, {"type", "pressure"}},
       {},
       "'pressure' is not one of temp, in"},
      {{{"chip", "a"}, {"label", "x"}}, {{"scale", 2.0}}, "has no parameter 'scale'"},
      {{{"chip", "a"}, {"label", "x"}}, {{"type", 1.0}}, "parameter 'type' must be a text"},
  };
  testing::expect_param_errors(sysfs.spec("hwmon", {}), cases);
  platform::SensorSpec shaped = sysfs.spec("hwmon", {{"chip", "a"}, {"input", "temp1"}});
  shaped.components = 3;
  auto sensor = board::make_sensor(shaped);
  ASSERT_FALSE(sensor.ok());
  EXPECT_NE(sensor.message().find("gives one value per sample"), std::string::npos);
}

TEST_F(HwmonSensor, ThermalZoneByTypeOrByName) {
  sysfs.write("class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
  sysfs.write("class/thermal/thermal_zone0/temp", "51000\n");
  sysfs.write("class/thermal/thermal_zone1/type", "acpitz\n");
  sysfs.write("class/thermal/thermal_zone1/temp", "-5000\n");
  sysfs.write("class/thermal/cooling_device0/type", "Processor\n");  // not a zone
  auto by_type = make_opened(sysfs.spec("thermal", {{"zone", "acpitz"}}));
  ASSERT_TRUE(by_type);
  EXPECT_EQ(read_one(*by_type), std::make_pair(ReadResult::kOk, -5000 * 0.001));
  const platform::SensorInfo info = by_type->info();
  EXPECT_EQ(info.units, "degC");
  EXPECT_EQ(number_attribute(info, "raw_scale"), 0.001);
  EXPECT_EQ(text_attribute(info, "zone"), "acpitz");
  EXPECT_EQ(text_attribute(info, "path"), sysfs.root() + "/class/thermal/thermal_zone1/temp");
  auto by_name = make_opened(sysfs.spec("thermal", {{"zone", "thermal_zone0"}}));
  ASSERT_TRUE(by_name);
  EXPECT_EQ(read_one(*by_name), std::make_pair(ReadResult::kOk, 51000 * 0.001));

  const std::string missing = open_error(sysfs.spec("thermal", {{"zone", "cpu-thermal"}}));
  EXPECT_NE(missing.find("no thermal zone named 'cpu-thermal' in " + sysfs.root() +
                         "/class/thermal (found: x86_pkg_temp, acpitz)"),
            std::string::npos)
      << missing;
  auto no_zone = board::make_sensor(sysfs.spec("thermal", {}));
  ASSERT_FALSE(no_zone.ok());
  EXPECT_NE(no_zone.message().find("key 'params.zone'"), std::string::npos);
}

}  // namespace
}  // namespace h5rec
