// The "file" sensor: any sysfs or procfs file holding a number, read with pread at each sample.
// Relative paths are under sysfs_root, fields split at whitespace, junk is a bad value, and a read
// that fails (the file's process or device went away) is a device error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>

#include "board/sensor_factory.hpp"
#include "drivers/sysfs/number_text.hpp"
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

TEST(FileSensorText, NumbersAndJunk) {
  struct Case {
    const char* text;
    size_t field;
    std::optional<double> value;
  };
  const Case cases[] = {
      {"42000\n", 0, 42000.0},
      {"42000", 0, 42000.0},
      {"  -12.5\t\n", 0, -12.5},
      {"+3", 0, 3.0},
      {"1e3\n", 0, 1000.0},
      {"0.52 0.58 0.59 1/389 12345\n", 1, 0.58},
      {"0.52 0.58 0.59 1/389 12345\n", 4, 12345.0},
      {"0.52 0.58 0.59 1/389 12345\n", 3, std::nullopt},  // "1/389"
      {"0.52 0.58\n", 2, std::nullopt},                   // no such field
      {"", 0, std::nullopt},
      {"\n", 0, std::nullopt},
      {"12abc", 0, std::nullopt},
      {"0x1f", 0, std::nullopt},
      {"nan", 0, std::nullopt},
      {"inf", 0, std::nullopt},
      {"1e400", 0, std::nullopt},
      {"+-1", 0, std::nullopt},
      {"--1", 0, std::nullopt},
      {"1,5", 0, std::nullopt},
      {"\x01\x02\xff", 0, std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(platform::parse_number_field(c.text, c.field), c.value) << "'" << c.text << "'";
  }
}

TEST(FileSensor, AbsoluteAndRelativePathsWithScaleAndOffset) {
  FakeSysfs sysfs;
  sysfs.write("class/power_supply/BAT0/capacity", "87\n");
  auto relative = make_opened(sysfs.spec("file", {{"path", "class/power_supply/BAT0/capacity"}},
                                         {{"scale", 0.01}, {"offset", -0.5}}));
  ASSERT_TRUE(relative);
  EXPECT_EQ(read_one(*relative), std::make_pair(ReadResult::kOk, 87 * 0.01 + -0.5));
  const platform::SensorInfo info = relative->info();
  EXPECT_EQ(info.units, "");
  EXPECT_EQ(info.numbers, (std::vector<std::pair<std::string, double>>{{"raw_scale", 0.01},
                                                                       {"raw_offset", -0.5}}));
  EXPECT_EQ(info.texts, (std::vector<std::pair<std::string, std::string>>{
                            {"path", sysfs.root() + "/class/power_supply/BAT0/capacity"}}));

  sysfs.write("loadavg", "0.52 0.58 0.59 1/389 12345\n");
  auto absolute =
      make_opened(sysfs.spec("file", {{"path", sysfs.root() + "/loadavg"}}, {{"field", 2}}));
  ASSERT_TRUE(absolute);
  EXPECT_EQ(read_one(*absolute), std::make_pair(ReadResult::kOk, 0.59));
  sysfs.write("loadavg", "1.5 1.25 1.125 2/400 12346\n");
  EXPECT_EQ(read_one(*absolute), std::make_pair(ReadResult::kOk, 1.125));
  sysfs.write("loadavg", "1.5 1.25\n");
  EXPECT_EQ(read_one(*absolute).first, ReadResult::kBadValue);
}

TEST(FileSensor, RealProcfsFile) {
  auto sensor = make_opened(FakeSysfs().spec("file", {{"path", "/proc/self/stat"}}));
  ASSERT_TRUE(sensor);
  EXPECT_EQ(read_one(*sensor), std::make_pair(ReadResult::kOk, static_cast<double>(getpid())));
}

// /proc/PID/stat's first field is the pid; once the process is gone, reading the open file
// fails (ESRCH) as a sysfs attribute of an unplugged device does (ENODEV).
TEST(FileSensor, AFileWhoseReadFailsIsADeviceErrorAndReopenNamesThePath) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  const std::string path = "/proc/" + std::to_string(child) + "/stat";
  auto sensor = board::make_sensor(FakeSysfs().spec("file", {{"path", path}}));
  ASSERT_TRUE(sensor.ok());
  ASSERT_TRUE(sensor.value()->open().ok());
  EXPECT_EQ(read_one(*sensor.value()), std::make_pair(ReadResult::kOk, static_cast<double>(child)));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(read_one(*sensor.value()).first, ReadResult::kDeviceError);
  sensor.value()->close();
  const Status reopen = sensor.value()->open();
  ASSERT_FALSE(reopen.ok());
  EXPECT_EQ(reopen.message(), "cannot open '" + path + "': No such file or directory");
}

TEST(FileSensor, AMissingFileIsAnOpenErrorAndItsAppearanceIsFound) {
  FakeSysfs sysfs;
  auto sensor =
      board::make_sensor(sysfs.spec("file", {{"path", "bus/w1/devices/28-01/temperature"}}));
  ASSERT_TRUE(sensor.ok());
  const Status missing = sensor.value()->open();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "cannot open '" + sysfs.root() +
                                   "/bus/w1/devices/28-01/temperature': No such file or directory");
  sysfs.write("bus/w1/devices/28-01/temperature", "21375\n");
  ASSERT_TRUE(sensor.value()->open().ok());
  EXPECT_EQ(read_one(*sensor.value()), std::make_pair(ReadResult::kOk, 21375.0));
}

TEST(FileSensor, ADirectoryCannotBeRead) {
  FakeSysfs sysfs;
  sysfs.write("dir/x", "1");
  EXPECT_EQ(open_error(sysfs.spec("file", {{"path", "dir"}})),
            "cannot read '" + sysfs.root() + "/dir': Is a directory");
}

TEST(FileSensor, BadParameters) {
  const testing::ParamErrorCase cases[] = {
      {{}, {}, "key 'params.path': sensor 'file' needs the file's path"},
      {{{"path", "x"}}, {{"scale", 0.0}}, "key 'params.scale'"},
      {{{"path", "x"}}, {{"offset", INFINITY}}, "key 'params.offset'"},
      {{{"path", "x"}},
       {{"field", -1}},
       "key 'params.field': sensor 'file' must be a whole number"},
      {{{"path", "x"}}, {{"field", 1.5}}, "key 'params.field'"},
      {{{"path", "x"}}, {{"field", 1024}}, "key 'params.field'"},
      {{{"path", "x"}, {"units", "V"}}, {}, "has no parameter 'units'"},
      {{{"path", "x"}, {"scale", "2"}}, {}, "parameter 'scale' must be a number"},
  };
  testing::expect_param_errors(FakeSysfs().spec("file", {}), cases);
}

}  // namespace
}  // namespace h5rec
