// The buffered IIO kind against a fake device: scan elements enabled as the channels ask,
// buffer set up and started, scans read from the character device (a regular file the test
// appends to) with sign extension and shifts, one scan per row shared by the row's channels,
// missing scans, piled-up scans, and set-up errors.
#include "drivers/iio/iio_buffered_sensor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "tests/sensors/iio_fake_tree.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

// One scan of the fake ADC: voltage0 and voltage1 as le:s12/16>>4, the timestamp at offset 8.
std::vector<uint8_t> adc_scan(int v0, int v1, int64_t ts) {
  std::vector<uint8_t> scan(16, 0);
  const auto put12 = [&](size_t at, int value) {
    const auto word = static_cast<uint16_t>((static_cast<unsigned>(value) & 0xFFF) << 4 | 0x5);
    scan[at] = word & 0xFF;  // 0x5: junk in the bits below the shift
    scan[at + 1] = word >> 8;
  };
  put12(0, v0);
  put12(2, v1);
  for (int k = 0; k < 8; ++k) scan[8 + k] = (static_cast<uint64_t>(ts) >> (8 * k)) & 0xFF;
  return scan;
}

class IioBuffered : public ::testing::Test {
 protected:
  IioBuffered() : tree(dir.path()) {
    tree.add_device(3, "ads1015");
    tree.add_scan_element(3, "voltage0", 0, "le:s12/16>>4");
    tree.add_scan_element(3, "voltage1", 1, "le:s12/16>>4");
    tree.add_scan_element(3, "voltage2", 2, "le:s12/16>>4");
    tree.add_scan_element(3, "timestamp", 8, "le:s64/64>>0");
    tree.write(3, "in_voltage_scale", "2.000000000\n");
    tree.write(3, "in_voltage1_offset", "10\n");
    tree.write(3, "current_timestamp_clock", "monotonic\n");
    tree.write(3, "trigger/current_trigger", "\n");
    tree.write(3, "scan_elements/in_voltage2_en", "1\n");
    tree.append_scans(3, {});
  }

  Result<std::unique_ptr<Sensor>> make(const std::string& channel, size_t components = 1,
                                       std::map<std::string, double> params = {},
                                       std::map<std::string, std::string> texts = {},
                                       const std::string& group = "fast") {
    SensorSpec spec;
    spec.kind = "iio_buffered";
    spec.params = std::move(params);
    spec.texts = std::move(texts);
    spec.texts.emplace("device", "ads1015");
    spec.texts.emplace("channel", channel);
    spec.components = components;
    spec.rate_hz = 1000;
    spec.sysfs_root = tree.sysfs_root();
    spec.dev_root = tree.dev_root();
    spec.group = group;
    spec.kind_where = spec.params_where = "test.toml:1";
    spec.shared = &shared;
    return make_iio_buffered_sensor(spec);
  }

  std::vector<std::unique_ptr<Sensor>> make_adc(std::map<std::string, double> params = {},
                                                std::map<std::string, std::string> texts = {}) {
    std::vector<std::unique_ptr<Sensor>> sensors;
    for (const char* channel : {"voltage0", "voltage1", "timestamp"}) {
      auto s = make(channel, 1, params, texts);
      EXPECT_TRUE(s.ok()) << s.message();
      sensors.push_back(std::move(*s));
      const Status opened = sensors.back()->open();  // as the recorder does: make, open, next
      EXPECT_TRUE(opened.ok()) << opened.message();
    }
    return sensors;
  }

  // Reads row `index` from every sensor; returns their results and values.
  std::vector<ReadResult> read_row(std::vector<std::unique_ptr<Sensor>>& sensors, uint64_t index,
                                   std::vector<double>& values) {
    std::vector<ReadResult> results;
    values.assign(sensors.size(), std::nan(""));
    for (size_t k = 0; k < sensors.size(); ++k) {
      results.push_back(sensors[k]->read({index, 0.0}, std::span<double>(&values[k], 1)));
    }
    return results;
  }

  std::shared_ptr<IioBufferedDevice> device() {
    return shared.find<IioBufferedDevice>("iio_buffered:" + tree.sysfs_root() + ":ads1015");
  }

  testing::TempDirectory dir;
  testing::IioFakeTree tree;
  SharedDevices shared;
};

TEST_F(IioBuffered, EnablesTheWantedElementsAndStartsTheBuffer) {
  auto sensors = make_adc({{"buffer_length", 32}}, {{"trigger", "ads1015-dev3"}});
  EXPECT_EQ(tree.read(3, "scan_elements/in_voltage0_en"), "1");
  EXPECT_EQ(tree.read(3, "scan_elements/in_voltage1_en"), "1");
  EXPECT_EQ(tree.read(3, "scan_elements/in_voltage2_en"), "0");
  EXPECT_EQ(tree.read(3, "scan_elements/in_timestamp_en"), "1");
  EXPECT_EQ(tree.read(3, "buffer/length"), "32");
  EXPECT_EQ(tree.read(3, "buffer/enable"), "1");
  EXPECT_EQ(tree.read(3, "trigger/current_trigger"), "ads1015-dev3");
  const SensorInfo info = sensors[1]->info();
  EXPECT_EQ(info.units, "V");
  EXPECT_EQ(info.numbers, (std::vector<std::pair<std::string, double>>{
                              {"si_factor", 1e-3}, {"iio_scale", 2.0}, {"iio_offset", 10.0}}));
  const SensorInfo ts = sensors[2]->info();
  EXPECT_EQ(ts.units, "ns");
  bool has_origin = false;
  for (const auto& [name, value] : ts.texts) {
    if (name == "iio_timestamp_origin_ns") {
      has_origin = true;
      EXPECT_EQ(value, std::to_string(device()->timestamp_origin_ns()));
    }
    if (name == "iio_timestamp_clock") {
      EXPECT_EQ(value, "monotonic");
    }
  }
  EXPECT_TRUE(has_origin);
  sensors.clear();  // the last channel closed stops the buffer
  EXPECT_EQ(tree.read(3, "buffer/enable"), "0");
}

TEST_F(IioBuffered, EveryRowTakesOneScanWithSignExtensionShiftScaleAndTimestamp) {
  auto sensors = make_adc();
  const int64_t origin = device()->timestamp_origin_ns();
  const int values[][2] = {{0, 0}, {1, -1}, {2047, -2048}, {-1000, 999}, {123, -77}};
  for (size_t k = 0; k < std::size(values); ++k) {
    tree.append_scans(
        3, adc_scan(values[k][0], values[k][1], origin + 1000 * static_cast<int64_t>(k) + 7));
  }
  for (size_t k = 0; k < std::size(values); ++k) {
    std::vector<double> v;
    const auto results = read_row(sensors, k, v);
    for (ReadResult r : results) EXPECT_EQ(r, ReadResult::kOk) << k;
    EXPECT_EQ(v[0], (values[k][0] + 0.0) * 2.0 * 1e-3) << k;
    EXPECT_EQ(v[1], (values[k][1] + 10.0) * 2.0 * 1e-3) << k;
    EXPECT_EQ(v[2], 1000.0 * static_cast<double>(k) + 7) << k;
  }
  // Nothing more: every channel of the row gets a bad value, counted once per row.
  std::vector<double> v;
  for (ReadResult r : read_row(sensors, 5, v)) EXPECT_EQ(r, ReadResult::kBadValue);
  EXPECT_EQ(device()->missing_scans(), 1u);
  // Half a scan arrives, then the rest.
  const auto scan = adc_scan(5, 6, origin + 99);
  tree.append_scans(3, std::vector<uint8_t>(scan.begin(), scan.begin() + 5));
  for (ReadResult r : read_row(sensors, 6, v)) EXPECT_EQ(r, ReadResult::kBadValue);
  tree.append_scans(3, std::vector<uint8_t>(scan.begin() + 5, scan.end()));
  for (ReadResult r : read_row(sensors, 7, v)) EXPECT_EQ(r, ReadResult::kOk);
  EXPECT_EQ(v[0], 5 * 2.0 * 1e-3);
  EXPECT_EQ(v[2], 99.0);
  EXPECT_EQ(device()->dropped_scans(), 0u);
}

TEST_F(IioBuffered, ReadErrorFailsEveryChannelOfTheDeviceAndReopenStartsAgain) {
  // A directory as the character device: open() works, read() fails (EISDIR), as a read of an
  // unplugged device fails (ENODEV).
  std::filesystem::remove(tree.node_path(3));
  std::filesystem::create_directory(tree.node_path(3));
  auto sensors = make_adc();
  std::vector<double> v;
  for (ReadResult r : read_row(sensors, 0, v)) EXPECT_EQ(r, ReadResult::kDeviceError);
  for (auto& s : sensors) s->close();  // as the sampler does
  EXPECT_EQ(tree.read(3, "buffer/enable"), "0");
  std::filesystem::remove(tree.node_path(3));
  tree.append_scans(3, adc_scan(-5, 5, 0));
  for (auto& s : sensors) ASSERT_TRUE(s->open().ok());
  EXPECT_EQ(tree.read(3, "buffer/enable"), "1");
  for (ReadResult r : read_row(sensors, 1, v)) EXPECT_EQ(r, ReadResult::kOk);
  EXPECT_EQ(v[0], -5 * 2.0 * 1e-3);
}

TEST_F(IioBuffered, BufferLengthIsTheLargestAChannelGivesElseTheDefault) {
  ASSERT_TRUE(make("voltage0").ok());
  EXPECT_EQ(device()->settings().buffer_length, 250u);  // max(64, 1000 Hz / 4)
  ASSERT_TRUE(make("voltage1", 1, {{"buffer_length", 16}}).ok());
  EXPECT_EQ(device()->settings().buffer_length, 16u);
  ASSERT_TRUE(make("timestamp", 1, {{"buffer_length", 8}}).ok());
  EXPECT_EQ(device()->settings().buffer_length, 16u);
}

TEST_F(IioBuffered, PiledUpScansKeepTheNewestAndCountTheDropped) {
  auto sensors = make_adc({{"buffer_length", 10}});
  for (int k = 0; k < 25; ++k) tree.append_scans(3, adc_scan(k, 0, k));
  std::vector<double> v;
  for (uint64_t row = 0; row < 10; ++row) {
    for (ReadResult r : read_row(sensors, row, v)) ASSERT_EQ(r, ReadResult::kOk) << row;
    EXPECT_EQ(v[0], (15.0 + static_cast<double>(row)) * 2.0 * 1e-3) << row;
  }
  EXPECT_EQ(device()->dropped_scans(), 15u);
  for (ReadResult r : read_row(sensors, 10, v)) EXPECT_EQ(r, ReadResult::kBadValue);
}

TEST_F(IioBuffered, RepeatedElementFillsTheChannelsComponents) {
  tree.add_scan_element(3, "rot", 3, "be:s16/16X4>>0");
  auto sensor = make("rot", 4);
  ASSERT_TRUE(sensor.ok());
  ASSERT_TRUE((*sensor)->open().ok());
  tree.append_scans(3, {0x00, 0x01, 0xFF, 0xFF, 0x80, 0x00, 0x7F, 0xFF});
  double v[4];
  ASSERT_EQ((*sensor)->read({0, 0}, std::span<double>(v, 4)), ReadResult::kOk);
  EXPECT_EQ(v[0], 1.0);  // unknown type: the kernel's numbers, si_factor 1
  EXPECT_EQ(v[1], -1.0);
  EXPECT_EQ(v[2], -32768.0);
  EXPECT_EQ(v[3], 32767.0);
  auto wrong = make("rot", 1, {}, {}, "fast");
  ASSERT_TRUE(wrong.ok());
  const Status s = (*wrong)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("holds 4 value(s) per scan, the channel 1"), std::string::npos)
      << s.message();
}

TEST_F(IioBuffered, NewKernelsBuffer0DirectoryWorksToo) {
  tree.add_device(4, "imu");
  tree.add_scan_element(4, "accel_x", 0, "le:s16/16>>0", "buffer0");
  tree.write(4, "in_accel_scale", "0.000598\n");
  tree.append_scans(4, {0x00, 0x80});
  SensorSpec spec;
  spec.kind = "iio_buffered";
  spec.texts = {{"device", "imu"}, {"channel", "accel_x"}};
  spec.rate_hz = 100;
  spec.sysfs_root = tree.sysfs_root();
  spec.dev_root = tree.dev_root();
  auto sensor = make_iio_buffered_sensor(spec);  // no SharedDevices: a device of its own
  ASSERT_TRUE(sensor.ok()) << sensor.message();
  const Status opened = (*sensor)->open();
  ASSERT_TRUE(opened.ok()) << opened.message();
  EXPECT_EQ(tree.read(4, "buffer0/enable"), "1");
  double v = 0;
  ASSERT_EQ((*sensor)->read({0, 0}, std::span<double>(&v, 1)), ReadResult::kOk);
  EXPECT_EQ(v, (-32768.0 + 0.0) * 0.000598 * 1.0);
  EXPECT_EQ((*sensor)->info().units, "m/s^2");
}

TEST_F(IioBuffered, UnparseableTypeIsAnOpenErrorNamingTheFile) {
  tree.write(3, "scan_elements/in_voltage0_type", "le:s12/16>>junk\n");
  auto sensor = make("voltage0");
  ASSERT_TRUE(sensor.ok());
  const Status s = (*sensor)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("IIO device 'ads1015'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("in_voltage0_type: IIO scan type 'le:s12/16>>junk"), std::string::npos)
      << s.message();
  double v = 0;
  EXPECT_EQ((*sensor)->read({0, 0}, std::span<double>(&v, 1)), ReadResult::kDeviceError);
}

TEST_F(IioBuffered, SetUpErrorsNameWhatIsWrong) {
  auto missing_element = make("voltage9");
  Status s = (*missing_element)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no scan element 'voltage9'"), std::string::npos) << s.message();

  shared = SharedDevices{};
  tree.write(3, "sampling_frequency", "860\n");
  auto rate = make("voltage0");
  s = (*rate)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("samples at 860"), std::string::npos) << s.message();
  tree.write(3, "sampling_frequency", "1000.000\n");

  shared = SharedDevices{};
  std::filesystem::remove(tree.node_path(3));
  auto no_node = make("voltage0");
  s = (*no_node)->open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot open '" + tree.node_path(3) + "'"), std::string::npos)
      << s.message();
}

TEST_F(IioBuffered, ChannelsOfTwoGroupsCannotShareADevice) {
  ASSERT_TRUE(make("voltage0", 1, {}, {}, "fast").ok());
  auto other = make("voltage1", 1, {}, {}, "slow");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.message().find("captured by group 'fast' already"), std::string::npos)
      << other.message();
}

TEST_F(IioBuffered, ParameterErrors) {
  EXPECT_NE(make("voltage0", 1, {{"buffer_length", 1}}).message().find("params.buffer_length"),
            std::string::npos);
  EXPECT_NE(make("voltage0", 1, {{"buffer_length", 2.5}}).message().find("whole number"),
            std::string::npos);
  EXPECT_NE(make("voltage 0").message().find("params.channel"), std::string::npos);
  ASSERT_TRUE(make("voltage0", 1, {}, {{"trigger", "a"}}).ok());
  EXPECT_NE(make("voltage1", 1, {}, {{"trigger", "b"}}).message().find("says 'b'"),
            std::string::npos);
}

}  // namespace
}  // namespace h5rec::platform
