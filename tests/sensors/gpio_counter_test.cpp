// The GPIO pulse counter: edges counted into sample intervals by their timestamps (a scripted
// line: late reads, skipped rows, dropped edges, a failing line), the sim line's pulse train
// against an independent count, config errors, and the posix line's errors without hardware.
#include "drivers/gpio/gpio_counter.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <deque>
#include <fstream>

#include "board/sensor_factory.hpp"
#include "platform/posix/posix_gpio_line.hpp"
#include "platform/sim/sim_gpio_line.hpp"
#include "platform/sim/sim_sweep.hpp"
#include "tests/support/temp_directory.hpp"

namespace h5rec::platform {
namespace {

constexpr int64_t kMs = 1'000'000;

// A line whose edges and clock the test sets: now_ns() is `clock`, edges wait in `pending`.
class ScriptedLine final : public GpioLine {
 public:
  struct Script {
    int64_t clock = 0;
    std::deque<GpioEdgeEvent> pending;
    int error = 0;  // read_events returns -error when set
    uint32_t seqno = 0;
    int opens = 0;
    void edge(int64_t t) { pending.push_back({t, ++seqno, true}); }
  };
  explicit ScriptedLine(Script& s) : s_(s) {}
  Status open() override {
    ++s_.opens;
    s_.seqno = 0;
    return {};
  }
  void close() override {}
  int64_t now_ns(const SampleTick&) override { return s_.clock; }
  int read_events(std::span<GpioEdgeEvent> out) override {
    if (s_.error != 0) return -s_.error;
    size_t n = 0;
    while (n < out.size() && !s_.pending.empty() && s_.pending.front().timestamp_ns < s_.clock) {
      out[n++] = s_.pending.front();
      s_.pending.pop_front();
    }
    return static_cast<int>(n);
  }
  const std::string& name() const override { return name_; }

 private:
  Script& s_;
  std::string name_ = "scripted";
};

std::unique_ptr<GpioCounter> counter(ScriptedLine::Script& s, PulseOutput output, double scale) {
  return std::make_unique<GpioCounter>(std::make_unique<ScriptedLine>(s), output, scale, 100 * kMs,
                                       SensorInfo{});
}

// Row i of a 10 Hz group, read `late_ns` after its instant; the line's clock has base 5 s.
double read_row(GpioCounter& c, ScriptedLine::Script& s, uint64_t row, int64_t late_ns,
                ReadResult expect = ReadResult::kOk) {
  s.clock = 5000 * kMs + static_cast<int64_t>(row) * 100 * kMs + late_ns;
  double v = -1;
  EXPECT_EQ(c.read({row, row * 0.1}, {&v, 1}), expect) << "row " << row;
  return v;
}

// A counter opened and past row 0 (read on time: b0 = 5 s).
std::unique_ptr<GpioCounter> started(ScriptedLine::Script& s,
                                     PulseOutput output = PulseOutput::kCount, double scale = 1.0) {
  auto c = counter(s, output, scale);
  EXPECT_TRUE(c->open().ok());
  EXPECT_TRUE(std::isnan(read_row(*c, s, 0, 0)));
  return c;
}

TEST(GpioCounter, EdgesAreCountedByTimestampWhateverTheReadLateness) {
  ScriptedLine::Script s;
  auto c = counter(s, PulseOutput::kCount, 1.0);
  ASSERT_TRUE(c->open().ok());
  s.edge(4990 * kMs);  // before the first row: not counted
  s.edge(5000 * kMs + 1);
  EXPECT_TRUE(std::isnan(read_row(*c, s, 0, 2 * kMs)));  // b0 = 5.002 s: no interval yet
  // Interval of row 1: [5.002, 5.102) s on the line's clock.
  for (int64_t t : {5010, 5050, 5101}) s.edge(t * kMs);
  s.edge(5102 * kMs);      // at b(1): belongs to row 2
  s.edge(5102 * kMs + 5);  // read with row 1 (late by 3 ms) but stamped after b(1)
  EXPECT_EQ(read_row(*c, s, 1, 3 * kMs), 3.0);  // 5.000000001 is before b0 too
  s.edge(5150 * kMs);
  EXPECT_EQ(read_row(*c, s, 2, 2 * kMs), 3.0);  // the two carried + 5.150
  EXPECT_EQ(read_row(*c, s, 3, 2 * kMs), 0.0);
}

TEST(GpioCounter, AnEdgeQueuedAfterTheReadOfItsRowIsCountedWithTheNextRow) {
  ScriptedLine::Script s;
  auto c = counter(s, PulseOutput::kCount, 1.0);
  ASSERT_TRUE(c->open().ok());
  EXPECT_TRUE(std::isnan(read_row(*c, s, 0, 2 * kMs)));  // b0 = 5.002 s
  s.edge(5101 * kMs);  // before b(1) = 5.102 s, but row 1 is read at 5.100 s: not queued yet
  EXPECT_EQ(read_row(*c, s, 1, 0), 0.0);
  EXPECT_EQ(read_row(*c, s, 2, 0), 1.0);  // every edge counted once: none lost
}

TEST(GpioCounter, FrequencyAndScale) {
  ScriptedLine::Script s;
  auto c = started(s, PulseOutput::kFrequency, 0.5);
  for (int k = 0; k < 7; ++k) s.edge(5000 * kMs + k * 10 * kMs);
  EXPECT_EQ(read_row(*c, s, 1, 0), 7 / 0.1 * 0.5);
}

TEST(GpioCounter, AfterSkippedRowsTheIntervalIsOnePeriod) {
  ScriptedLine::Script s;
  auto c = started(s);
  s.edge(5050 * kMs);  // row 1, never read
  s.edge(5350 * kMs);  // row 4
  s.edge(5399 * kMs);  // row 4
  EXPECT_EQ(read_row(*c, s, 4, 0), 2.0);
}

TEST(GpioCounter, DroppedEdgesMakeTheRowBadAndAFailedLineADeviceError) {
  ScriptedLine::Script s;
  auto c = started(s);
  s.edge(5010 * kMs);
  ++s.seqno;  // the kernel dropped one
  s.edge(5020 * kMs);
  read_row(*c, s, 1, 0, ReadResult::kBadValue);
  s.edge(5110 * kMs);
  EXPECT_EQ(read_row(*c, s, 2, 0), 1.0);
  s.error = ENODEV;
  read_row(*c, s, 3, 0, ReadResult::kDeviceError);
  // Reopened: counting starts again from the next read (NaN), sequence numbers from 1.
  c->close();
  s.error = 0;
  ASSERT_TRUE(c->open().ok());
  s.edge(5390 * kMs);
  EXPECT_TRUE(std::isnan(read_row(*c, s, 4, 0)));
  s.edge(5450 * kMs);
  EXPECT_EQ(read_row(*c, s, 5, 0), 1.0);
}

TEST(GpioCounter, CarriedEdgesBeyondCapacityAreReportedNotDropped) {
  ScriptedLine::Script s;
  auto c = started(s);
  for (size_t k = 0; k < GpioCounter::kCarryCapacity + 1; ++k) s.edge(5100 * kMs + 1 + k);
  read_row(*c, s, 1, 50 * kMs);  // all stamped after b(1): one more than the carry holds
  read_row(*c, s, 2, 0, ReadResult::kBadValue);
}

// The sim line's pulse train, generated here independently from its documented formula.
std::vector<int64_t> sim_edges(const SimGpioLineOptions& o, GpioEdges edges, int64_t until) {
  std::vector<int64_t> out;
  const auto period = [&](int64_t t) {
    const double f =
        sim_sweep(o.frequency_low, o.frequency_high, static_cast<uint64_t>(t), o.sweep_ns);
    return static_cast<int64_t>(std::floor(1e9 / f + 0.5));
  };
  for (int64_t rise = period(0); rise < until;) {
    const int64_t p = period(rise);
    if (edges != GpioEdges::kFalling) out.push_back(rise);
    if (edges != GpioEdges::kRising && rise + p / 2 < until) out.push_back(rise + p / 2);
    rise += p;
  }
  return out;
}

TEST(GpioCounter, SimLineCountsMatchAnIndependentCountAcrossTheSweep) {
  for (GpioEdges edges : {GpioEdges::kRising, GpioEdges::kFalling, GpioEdges::kBoth}) {
    SimGpioLineOptions o;
    o.frequency_low = 2;
    o.frequency_high = 300;
    o.sweep_ns = 4'000'000'000;
    GpioLineConfig config;
    config.edges = edges;
    GpioCounter c(std::make_unique<SimGpioLine>(config, o), PulseOutput::kCount, 1.0, 100 * kMs,
                  {});
    ASSERT_TRUE(c.open().ok());
    const std::vector<int64_t> all = sim_edges(o, edges, 10'000 * kMs);
    uint64_t total = 0;
    for (uint64_t row = 0; row < 100; ++row) {
      double v = 0;
      ASSERT_EQ(c.read({row, static_cast<double>(row * 100 * kMs) * 1e-9}, {&v, 1}),
                ReadResult::kOk);
      if (row == 0) {
        EXPECT_TRUE(std::isnan(v));
        continue;
      }
      const int64_t from = static_cast<int64_t>(row - 1) * 100 * kMs, to = from + 100 * kMs;
      uint64_t want = 0;
      for (int64_t t : all) want += t >= from && t < to;
      EXPECT_EQ(v, static_cast<double>(want)) << "row " << row;
      total += want;
    }
    EXPECT_GT(total, 500u);  // the sweep went up to 300 Hz
  }
}

TEST(GpioCounter, ConfigErrorsNameTheParameter) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::map<std::string, double>>>
      bad = {{{}, {{"line", 3}}},
             {{{"chip", "sim"}}, {}},
             {{{"chip", "sim"}}, {{"line", 1.5}}},
             {{{"chip", "sim"}, {"edge", "up"}}, {{"line", 1}}},
             {{{"chip", "sim"}, {"bias", "strong"}}, {{"line", 1}}},
             {{{"chip", "sim"}, {"output", "rate"}}, {{"line", 1}}},
             {{{"chip", "sim"}}, {{"line", 1}, {"scale", 0}}},
             {{{"chip", "sim"}}, {{"line", 1}, {"debounce_us", -1}}},
             {{{"chip", "sim"}}, {{"line", 1}, {"sim_frequency_low", 0}}},
             {{{"chip", "gpiochip0"}}, {{"line", 1}, {"sim_sweep_s", 3}}}};
  const std::vector<std::string> names = {"chip",       "line",        "line",
                                          "edge",       "bias",        "output",
                                          "scale",      "debounce_us", "sim_frequency_low",
                                          "sim_sweep_s"};
  for (size_t k = 0; k < bad.size(); ++k) {
    SensorSpec spec;
    spec.kind = "gpio_counter";
    spec.texts = bad[k].first;
    spec.params = bad[k].second;
    spec.params_where = "t.toml:9";
    auto sensor = board::make_sensor(spec);
    ASSERT_FALSE(sensor.ok()) << k;
    EXPECT_NE(sensor.message().find("key 'params." + names[k] + "'"), std::string::npos)
        << sensor.message();
  }
}

TEST(GpioCounter, UnitsFollowOutputAndScale) {
  const auto units = [](std::map<std::string, std::string> texts,
                        std::map<std::string, double> params) {
    SensorSpec spec;
    spec.kind = "gpio_counter";
    spec.texts = std::move(texts);
    spec.texts["chip"] = "sim";
    spec.params = std::move(params);
    spec.params["line"] = 0;
    auto sensor = board::make_sensor(spec);
    EXPECT_TRUE(sensor.ok()) << (sensor.ok() ? "" : sensor.message());
    return sensor.ok() ? sensor.value()->info().units : "?";
  };
  EXPECT_EQ(units({}, {}), "1");
  EXPECT_EQ(units({{"output", "frequency"}}, {}), "Hz");
  EXPECT_EQ(units({}, {{"scale", 0.2794}}), "");  // the channel's units key says what it is
  EXPECT_EQ(units({{"units", "mm"}}, {{"scale", 0.2794}}), "mm");
}

TEST(GpioCounter, PosixLineErrorsNameTheChipAndLine) {
  h5rec::testing::TempDirectory dir;
  GpioLineConfig config;
  config.offset = 17;
  PosixGpioLine missing(dir.path() + "/gpiochip0", config);
  const Status s = missing.open();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("gpio chip " + dir.path() + "/gpiochip0 line 17: cannot open", 0), 0u)
      << s.message();
  std::ofstream(dir.path() + "/gpiochip0") << "not a chip";
  PosixGpioLine not_chip(dir.path() + "/gpiochip0", config);
  const Status t = not_chip.open();
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.message().find("cannot request edge events"), std::string::npos) << t.message();
  GpioEdgeEvent e[1];
  EXPECT_EQ(not_chip.read_events(e), -EBADF);
}

}  // namespace
}  // namespace h5rec::platform
