// The nmea_gps sensor end to end through a pseudo-terminal: the port's termios settings, channels
// of one port sharing one receiver, values exactly as sent, corrupt lines counted and never
// trusted, stale fixes, a hang-up as a device error, and errors that name the port.
#include <gtest/gtest.h>
#include <termios.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "board/sensor_factory.hpp"
#include "platform/sensor.hpp"
#include "tests/sensors/gps_pty.hpp"
#include "tests/sensors/hwmon_gps_test_calls.hpp"
#include "tests/sensors/nmea_test_sentences.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec {
namespace {

using platform::ReadResult;
using testing::GpsPty;
using testing::nmea_line;
using testing::read_one;
using namespace std::string_literals;  // "\x00"s keeps its NUL bytes

const std::string kGga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n";

class GpsSensor : public ::testing::Test {
 protected:
  platform::SensorSpec spec(const std::string& field, std::map<std::string, double> numbers = {},
                            const std::string& group = "gps") {
    platform::SensorSpec s;
    s.kind = "nmea_gps";
    s.texts = {{"port", pty.slave_path()}, {"field", field}};
    s.params = std::move(numbers);
    s.kind_where = "gps.toml:3";
    s.params_where = "gps.toml:4";
    s.group = group;
    s.shared = &shared;
    return s;
  }

  // Reads until the sensor gives `want` (the reader thread takes a moment), at most kHangSeconds:
  // only a reader that never takes the line takes that long (a loaded machine, sanitizers and
  // qemu may delay it by seconds).
  static constexpr int kHangSeconds = 60;
  static std::pair<ReadResult, double> read_until(
      platform::Sensor& sensor, const std::function<bool(ReadResult, double)>& want) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(kHangSeconds);
    std::pair<ReadResult, double> r = read_one(sensor);
    while (!want(r.first, r.second) && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      r = read_one(sensor);
    }
    return r;
  }

  static std::pair<ReadResult, double> read_until_value(platform::Sensor& sensor, double value) {
    return read_until(
        sensor, [value](ReadResult r, double v) { return r == ReadResult::kOk && v == value; });
  }

  platform::SharedDevices shared;  // declared before pty: receivers stop before the pty goes
  GpsPty pty;
};

TEST_F(GpsSensor, PortIsSetToRawEightNoneOneAtTheBaudRate) {
  termios cooked{};
  ASSERT_EQ(::tcgetattr(pty.slave(), &cooked), 0);
  cooked.c_lflag |= ICANON | ECHO | ISIG;
  cooked.c_iflag |= ICRNL | IXON;
  cooked.c_cflag |= PARENB | CSTOPB;
  cfsetispeed(&cooked, B9600);
  cfsetospeed(&cooked, B9600);
  ASSERT_EQ(::tcsetattr(pty.slave(), TCSANOW, &cooked), 0);

  auto sensor = testing::make_opened(spec("latitude", {{"baud", 4800}}));
  ASSERT_TRUE(sensor);
  termios t{};
  ASSERT_EQ(::tcgetattr(pty.slave(), &t), 0);
  EXPECT_EQ(cfgetispeed(&t), static_cast<speed_t>(B4800));
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B4800));
  EXPECT_EQ(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), 0u);
  EXPECT_EQ(t.c_iflag & (ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP), 0u);
  EXPECT_EQ(t.c_oflag & OPOST, 0u);
  EXPECT_EQ(t.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_EQ(t.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0u);
  EXPECT_EQ(t.c_cflag & (CLOCAL | CREAD), static_cast<tcflag_t>(CLOCAL | CREAD));
}

TEST_F(GpsSensor, ChannelsOfOnePortShareOneReceiverAndGetExactValues) {
  auto latitude = testing::make_opened(spec("latitude"));
  auto longitude = testing::make_opened(spec("longitude"));
  auto altitude = testing::make_opened(spec("altitude"));
  auto fix = testing::make_opened(spec("fix"));
  auto satellites = testing::make_opened(spec("satellites"));
  auto hdop = testing::make_opened(spec("hdop"));
  auto speed = testing::make_opened(spec("speed"));
  auto fix_type = testing::make_opened(spec("fix_type"));
  ASSERT_TRUE(latitude && longitude && altitude && fix && satellites && hdop && speed && fix_type);
  EXPECT_EQ(read_one(*latitude).first, ReadResult::kBadValue);  // nothing received yet
  pty.write("A,*47\r\n" + kGga +  // starts mid-sentence, as a port opened mid-stream does
            nmea_line("GNRMC,123519,A,3347.2953,S,15112.0840,W,022.4,084.4,230394,003.1,W,A") +
            "\r\n$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39\r\n");
  EXPECT_EQ(read_until_value(*fix_type, 3.0).first, ReadResult::kOk);
  EXPECT_EQ(read_one(*latitude), std::make_pair(ReadResult::kOk, -(33 + 47.2953 / 60.0)));
  EXPECT_EQ(read_one(*longitude), std::make_pair(ReadResult::kOk, -(151 + 12.0840 / 60.0)));
  EXPECT_EQ(read_one(*altitude), std::make_pair(ReadResult::kOk, 545.4));
  EXPECT_EQ(read_one(*fix), std::make_pair(ReadResult::kOk, 1.0));
  EXPECT_EQ(read_one(*satellites), std::make_pair(ReadResult::kOk, 8.0));
  EXPECT_EQ(read_one(*hdop), std::make_pair(ReadResult::kOk, 1.3));
  EXPECT_EQ(read_one(*speed), std::make_pair(ReadResult::kOk, 22.4 * 1852.0 / 3600.0));
  const platform::SensorInfo info = latitude->info();
  EXPECT_EQ(info.units, "degrees_north");
  EXPECT_EQ(info.texts, (std::vector<std::pair<std::string, std::string>>{
                            {"port", pty.slave_path()}, {"field", "latitude"}}));
  EXPECT_EQ(info.numbers,
            (std::vector<std::pair<std::string, double>>{{"baud", 9600.0}, {"max_age_s", 2.0}}));
}

TEST_F(GpsSensor, CorruptLinesAreCountedAndNeverTrusted) {
  auto latitude = testing::make_opened(spec("latitude"));
  auto sentences = testing::make_opened(spec("sentences"));
  auto rejected = testing::make_opened(spec("rejected"));
  ASSERT_TRUE(latitude && sentences && rejected);
  EXPECT_EQ(read_one(*rejected), std::make_pair(ReadResult::kOk, 0.0));
  pty.write("\r\n" + kGga);
  ASSERT_EQ(read_until_value(*sentences, 1.0).first, ReadResult::kOk);
  const double good = 48 + 7.038 / 60.0;
  ASSERT_EQ(read_one(*latitude), std::make_pair(ReadResult::kOk, good));
  const std::string corrupt[] = {
      "$GPGGA,123519,5807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n",  // checksum
      "$GPGGA,123519,5807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,\r\n",     // no checksum
      nmea_line("GPGGA,123519,5877.038,N,01131.000,E,1,08,0.9,545.4,M,,,,") + "\r\n",  // 77 min
      nmea_line("GPGGA,123519,5807.038,N,01131.000,E,1") + "\r\n",   // truncated, right checksum
      "$GPGGA,123519,5807.038,N," + std::string(100, '9') + "\r\n",  // over-long
      "\xb5\x62\x01\x07\x5c\x00\x00\x00\xff\xfe\r\n"s,               // binary (UBX)
      "$GPGGA,123519,5807.0$GPGGA,1*00\r\n",  // cut off by the next '$', then a bad checksum
  };
  for (const std::string& line : corrupt) pty.write(line);
  pty.write(kGga);  // a marker: when it is counted, everything before it has been
  ASSERT_EQ(read_until_value(*sentences, 2.0).first, ReadResult::kOk);
  EXPECT_EQ(read_one(*rejected), std::make_pair(ReadResult::kOk, 8.0));
  EXPECT_EQ(read_one(*latitude), std::make_pair(ReadResult::kOk, good));
}

// A fix is judged fresh or stale by when the reader thread took it, which the test cannot see:
// it knows only that this came after it wrote the line. So the test waits on the line counter
// (which never goes stale), and a fresh value is asserted only when the test read it within
// max_age_s of writing it; a test thread held off the CPU longer (a loaded machine) writes again.
TEST_F(GpsSensor, AStaleFixIsABadValueUntilANewOneComes) {
  constexpr double kMaxAgeS = 0.2;
  constexpr double kLatitude = 48 + 7.038 / 60.0;
  auto latitude = testing::make_opened(spec("latitude", {{"max_age_s", kMaxAgeS}}));
  auto sentences = testing::make_opened(spec("sentences", {{"max_age_s", kMaxAgeS}}));
  ASSERT_TRUE(latitude && sentences);
  const auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  // Writes kGga until the latitude is read fresh (at most kHangSeconds).
  const auto fresh_fix_after_writing = [&] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(kHangSeconds);
    while (std::chrono::steady_clock::now() < end) {
      const auto written = std::chrono::steady_clock::now();
      pty.write("\n" + kGga);
      const auto r = read_until(*latitude, [&](ReadResult res, double v) {
        return (res == ReadResult::kOk && v == kLatitude) || seconds_since(written) > kMaxAgeS;
      });
      if (r.first == ReadResult::kOk) return r.second == kLatitude;
      std::cout << "latitude stale when first read, " << seconds_since(written)
                << " s after the write: writing it again\n";
    }
    return false;
  };
  pty.write("\n" + kGga);
  ASSERT_EQ(read_until_value(*sentences, 1.0).first, ReadResult::kOk);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // > max_age_s since it was taken
  EXPECT_EQ(read_one(*latitude).first, ReadResult::kBadValue);
  EXPECT_EQ(read_one(*sentences), std::make_pair(ReadResult::kOk, 1.0));  // counters never go stale
  // A fix lost: GGA without position keeps the old one stale.
  pty.write(nmea_line("GPGGA,123520,,,,,0,00,99.99,,,,,,") + "\r\n");
  ASSERT_EQ(read_until_value(*sentences, 2.0).first, ReadResult::kOk);
  EXPECT_EQ(read_one(*latitude).first, ReadResult::kBadValue);
  // A new fix: fresh again, with its value.
  EXPECT_TRUE(fresh_fix_after_writing());
}

TEST_F(GpsSensor, TimeOffsetIsGpsTimeMinusTheSystemClock) {
  auto offset = testing::make_opened(spec("time_offset"));
  ASSERT_TRUE(offset);
  // GPS says 2002-07-04T20:15:30Z; the system clock says now.
  const double before = static_cast<double>(std::time(nullptr));
  pty.write("\n$GPZDA,201530.00,04,07,2002,00,00*60\r\n");
  const auto r = read_until(*offset, [](ReadResult res, double) { return res == ReadResult::kOk; });
  const double after = static_cast<double>(std::time(nullptr)) + 1.0;
  ASSERT_EQ(r.first, ReadResult::kOk);
  EXPECT_LE(r.second, 1025813730.0 - before);
  EXPECT_GE(r.second, 1025813730.0 - after);
  EXPECT_EQ(offset->info().units, "s");
}

TEST_F(GpsSensor, AHangUpIsADeviceErrorAndTheReopenNamesThePort) {
  auto latitude = testing::make_opened(spec("latitude"));
  auto fix = testing::make_opened(spec("fix"));
  ASSERT_TRUE(latitude && fix);
  pty.write("\n" + kGga);
  ASSERT_EQ(read_until_value(*latitude, 48 + 7.038 / 60.0).first, ReadResult::kOk);
  pty.close_master();
  EXPECT_EQ(
      read_until(*latitude, [](ReadResult r, double) { return r == ReadResult::kDeviceError; })
          .first,
      ReadResult::kDeviceError);
  EXPECT_EQ(read_one(*fix).first, ReadResult::kDeviceError);
  latitude->close();  // as the sampler does
  fix->close();
  const Status reopen = latitude->open();
  ASSERT_FALSE(reopen.ok());
  EXPECT_NE(reopen.message().find("serial port '" + pty.slave_path() + "'"), std::string::npos)
      << reopen.message();
}

TEST_F(GpsSensor, ClosingEveryChannelStopsTheReaderAndReopeningStartsAfresh) {
  auto sentences = testing::make_opened(spec("sentences"));
  ASSERT_TRUE(sentences);
  pty.write("\n" + kGga);
  ASSERT_EQ(read_until_value(*sentences, 1.0).first, ReadResult::kOk);
  sentences->close();
  ASSERT_TRUE(sentences->open().ok());
  EXPECT_EQ(read_one(*sentences), std::make_pair(ReadResult::kOk, 0.0));  // counts since the open
  pty.write("\n" + kGga + kGga);
  EXPECT_EQ(read_until_value(*sentences, 2.0).first, ReadResult::kOk);
}

TEST_F(GpsSensor, ConfigErrorsNameTheParameter) {
  const testing::ParamErrorCase cases[] = {
      {{{"field", "latitude"}},
       {},
       "gps.toml:4: key 'params.port': sensor 'nmea_gps' needs the serial port"},
      {{{"port", "ttyS1"}},
       {},
       "key 'params.field': sensor 'nmea_gps' needs a field (fields: fix, "},
      {{{"port", "ttyS1"}, {"field", "lat"}},
       {},
       "has no field 'lat' (fields: fix, fix_type, latitude"},
      {{{"port", "ttyS1"}, {"field", "fix"}}, {{"baud", 9601}}, "key 'params.baud'"},
      {{{"port", "ttyS1"}, {"field", "fix"}}, {{"baud", 300}}, "must be one of 4800, 9600"},
      {{{"port", "ttyS1"}, {"field", "fix"}}, {{"max_age_s", 0}}, "key 'params.max_age_s'"},
      {{{"port", "ttyS1"}, {"field", "fix"}}, {{"rate", 1}}, "has no parameter 'rate'"},
  };
  testing::expect_param_errors(spec("fix"), cases);
  platform::SensorSpec shaped = spec("fix");
  shaped.components = 2;
  EXPECT_FALSE(board::make_sensor(shaped).ok());
}

TEST_F(GpsSensor, OnePortIsReadByOneGroupAtOneBaudRate) {
  ASSERT_TRUE(board::make_sensor(spec("latitude", {}, "gps")).ok());
  auto other_group = board::make_sensor(spec("longitude", {}, "slow"));
  ASSERT_FALSE(other_group.ok());
  EXPECT_NE(other_group.message().find("is read by channels of group 'gps': all channels of one "
                                       "GPS port must be in one group"),
            std::string::npos)
      << other_group.message();
  auto other_baud = board::make_sensor(spec("longitude", {{"baud", 38400}}));
  ASSERT_FALSE(other_baud.ok());
  EXPECT_NE(other_baud.message().find("differs from the 9600 baud"), std::string::npos)
      << other_baud.message();
}

TEST_F(GpsSensor, AMissingPortOrAFileThatIsNoTerminalIsAnOpenErrorNamingIt) {
  testing::TempDirectory dev;
  platform::SensorSpec s = spec("fix");
  s.texts["port"] = "ttyUSB7";
  s.dev_root = dev.path();
  auto missing = board::make_sensor(s);
  ASSERT_TRUE(missing.ok());
  const Status st = missing.value()->open();
  EXPECT_EQ(st.message(),
            "cannot open serial port '" + dev.path() + "/ttyUSB7': No such file or directory");

  { std::ofstream(dev.file("ttyS0")) << "not a tty"; }
  s.texts["port"] = "ttyS0";
  auto file = board::make_sensor(s);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file.value()->open().message(), "cannot read the terminal settings of serial port '" +
                                                dev.path() +
                                                "/ttyS0': Inappropriate ioctl for device");
}

}  // namespace
}  // namespace h5rec
