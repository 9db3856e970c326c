// The polled IIO kind against a fake sysfs tree: device by name or number, _input before _raw,
// scale and offset (own or shared by the type), SI units, junk counted, a vanished device.
#include "drivers/iio/iio_polled_sensor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "drivers/iio/sysfs_attribute.hpp"
#include "tests/sensors/iio_fake_tree.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

class IioPolled : public ::testing::Test {
 protected:
  IioPolled() : tree(dir.path()) {
    tree.add_device(0, "ads1015");
    tree.write(0, "in_voltage0_raw", "1234\n");
    tree.write(0, "in_voltage1_raw", "-17\n");
    tree.write(0, "in_voltage0_scale", "0.125000000\n");  // own scale
    tree.write(0, "in_voltage_scale", "3.000000000\n");   // shared by the other channels
    tree.add_device(1, "bme280");
    tree.write(1, "in_temp_input", "21370\n");
    tree.write(1, "in_pressure_input", "101.325000\n");
    tree.write(1, "in_humidityrelative_input", "45678\n");
    tree.add_device(2, "lm75");
    tree.write(2, "in_temp_raw", "2300\n");
    tree.write(2, "in_temp_offset", "-500\n");
    tree.write(2, "in_temp_scale", "10\n");
  }

  Result<std::unique_ptr<Sensor>> make(const std::string& device, const std::string& channel,
                                       size_t components = 1) {
    SensorSpec spec;
    spec.kind = "iio";
    spec.texts = {{"device", device}, {"channel", channel}};
    spec.components = components;
    spec.sysfs_root = tree.sysfs_root();
    spec.kind_where = spec.params_where = "test.toml:1";
    return make_iio_polled_sensor(spec);
  }

  double read_ok(Sensor& sensor) {
    double v = std::nan("");
    EXPECT_EQ(sensor.read({}, std::span<double>(&v, 1)), ReadResult::kOk);
    return v;
  }

  testing::TempDirectory dir;
  testing::IioFakeTree tree;
};

TEST_F(IioPolled, RawTimesOwnScaleInVolts) {
  auto sensor = make("ads1015", "voltage0");
  ASSERT_TRUE(sensor.ok()) << sensor.message();
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), (1234.0 + 0.0) * 0.125 * 1e-3);
  const SensorInfo info = (*sensor)->info();
  EXPECT_EQ(info.units, "V");
  EXPECT_EQ(info.numbers, (std::vector<std::pair<std::string, double>>{
                              {"si_factor", 1e-3}, {"iio_scale", 0.125}, {"iio_offset", 0.0}}));
  EXPECT_EQ(info.texts, (std::vector<std::pair<std::string, std::string>>{
                            {"iio_device", "ads1015"},
                            {"iio_device_directory", "iio:device0"},
                            {"iio_channel", "voltage0"},
                            {"iio_attribute", "in_voltage0_raw"},
                            {"iio_kernel_units", "mV"}}));
}

TEST_F(IioPolled, SharedScaleOfTheTypeAndNegativeRaw) {
  auto sensor = make("ads1015", "voltage1");
  ASSERT_TRUE(sensor.ok());
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), (-17.0 + 0.0) * 3.0 * 1e-3);
}

TEST_F(IioPolled, OffsetIsAddedBeforeScaling) {
  auto sensor = make("lm75", "temp");
  ASSERT_TRUE(sensor.ok());
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), (2300.0 + -500.0) * 10.0 * 1e-3);  // 18 degC
  EXPECT_EQ((*sensor)->info().units, "degC");
}

TEST_F(IioPolled, InputIsPreferredAndConvertedToSi) {
  struct Case {
    const char* channel;
    double expected;
    const char* units;
  };
  const Case cases[] = {{"temp", 21370.0 * 1e-3, "degC"},
                        {"pressure", 101.325 * 1e3, "Pa"},
                        {"humidityrelative", 45678.0 * 1e-3, "%"}};
  for (const Case& c : cases) {
    auto sensor = make("bme280", c.channel);
    ASSERT_TRUE(sensor.ok());
    ASSERT_TRUE((*sensor)->open().ok()) << c.channel;
    EXPECT_EQ(read_ok(**sensor), c.expected) << c.channel;
    EXPECT_EQ((*sensor)->info().units, c.units);
  }
  tree.write(1, "in_temp_raw", "999\n");  // _input still wins
  auto sensor = make("bme280", "temp");
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), 21.37);
}

TEST_F(IioPolled, DeviceByNumber) {
  auto sensor = make("iio:device2", "temp");
  ASSERT_TRUE(sensor.ok());
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), 18.0);
}

TEST_F(IioPolled, EachReadSeesTheFileAsItIsNowAndJunkIsABadValue) {
  auto sensor = make("ads1015", "voltage0");
  ASSERT_TRUE((*sensor)->open().ok());
  const char* junk[] = {"abc\n", "12abc\n", "nan\n",  "inf\n",  "1 2\n",
                        "\n",    "--5\n",   "0x10\n", "1e999\n"};
  for (const char* text : junk) {
    tree.write(0, "in_voltage0_raw", text);
    double v = 7;
    EXPECT_EQ((*sensor)->read({}, std::span<double>(&v, 1)), ReadResult::kBadValue) << text;
    EXPECT_EQ(v, 7) << "a bad read must not touch the value";
  }
  tree.write(0, "in_voltage0_raw", std::string(200, '1'));  // longer than any number
  double v = 7;
  EXPECT_EQ((*sensor)->read({}, std::span<double>(&v, 1)), ReadResult::kBadValue);
  tree.write(0, "in_voltage0_raw", "-2048\n");
  EXPECT_EQ(read_ok(**sensor), -2048.0 * 0.125 * 1e-3);
}

TEST_F(IioPolled, VanishedDeviceIsADeviceErrorAndReopensWhenBack) {
  auto sensor = make("ads1015", "voltage0");
  ASSERT_TRUE((*sensor)->open().ok());
  // Removed: the open file reads empty (the kernel says ENODEV), the directory is gone.
  tree.write(0, "in_voltage0_raw", "");
  std::filesystem::remove_all(tree.device_path(0));
  double v = 0;
  EXPECT_EQ((*sensor)->read({}, std::span<double>(&v, 1)), ReadResult::kDeviceError);
  (*sensor)->close();
  const Status reopened = (*sensor)->open();
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.message().find("'ads1015' not found"), std::string::npos)
      << reopened.message();
  EXPECT_NE(reopened.message().find("iio:device1 'bme280'"), std::string::npos)
      << reopened.message();
  // Back, as another number.
  tree.add_device(5, "ads1015");
  tree.write(5, "in_voltage0_raw", "8\n");
  ASSERT_TRUE((*sensor)->open().ok());
  EXPECT_EQ(read_ok(**sensor), 8.0 * 1.0 * 1e-3);  // no scale file there now
}

TEST_F(IioPolled, OpenErrorsNameTheDeviceAndPath) {
  auto missing = make("ads1115", "voltage0");
  ASSERT_TRUE(missing.ok());
  Status s = (*missing)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("IIO device 'ads1115' not found in " + tree.sysfs_root() +
                             "/bus/iio/devices"),
            std::string::npos)
      << s.message();
  auto no_channel = make("ads1015", "voltage7");
  s = (*no_channel)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("has no channel 'voltage7'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(tree.device_path(0)), std::string::npos) << s.message();
  tree.write(0, "in_voltage0_scale", "fast\n");
  auto junk_scale = make("ads1015", "voltage0");
  s = (*junk_scale)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("in_voltage0_scale' holds 'fast', not a number"), std::string::npos)
      << s.message();
  auto no_tree = make("iio:device9", "voltage0");
  EXPECT_FALSE((*no_tree)->open().ok());
}

TEST_F(IioPolled, ParameterErrors) {
  EXPECT_NE(make("", "voltage0").message().find("params.device"), std::string::npos);
  EXPECT_NE(make("ads1015", "").message().find("params.channel"), std::string::npos);
  EXPECT_NE(make("ads1015", "../../etc").message().find("not '../../etc'"), std::string::npos);
  EXPECT_NE(make("ads1015", "voltage0", 3).message().find("one value per sample"),
            std::string::npos);
  SensorSpec spec;
  spec.kind = "iio";
  spec.texts = {{"device", "ads1015"}, {"channel", "voltage0"}, {"chanel", "x"}};
  EXPECT_NE(make_iio_polled_sensor(spec).message().find("no parameter 'chanel'"),
            std::string::npos);
}

TEST(SysfsNumber, StrictDecimalNumbers) {
  double v = 0;
  EXPECT_TRUE(parse_sysfs_number("42\n", v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(parse_sysfs_number(" -0.000030517\n", v));
  EXPECT_EQ(v, -0.000030517);
  EXPECT_TRUE(parse_sysfs_number("+3", v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(parse_sysfs_number("1e3", v));
  EXPECT_EQ(v, 1000);
  for (const char* bad :
       {"", "\n", "+", "-", "nan", "-inf", "1,5", "1.5.2", "0x1F", "1 2", "--1"}) {
    EXPECT_FALSE(parse_sysfs_number(bad, v)) << bad;
  }
}

}  // namespace
}  // namespace h5rec::platform
