#include "drivers/bme280/bme280_sensor.hpp"

#include <cstdio>
#include <optional>

#include "drivers/bme280/bme280_chip.hpp"
#include "platform/sensor_params.hpp"

namespace h5rec::platform {
namespace {

using bme280::Quantity;

// A chip readings outside this are junk (a BME280 works from -40 to 85 degC); it also keeps the
// pressure and humidity formulas in their range.
constexpr int32_t kMinCentiCelsius = -6000;
constexpr int32_t kMaxCentiCelsius = 11000;

// The chip and what its channels must agree on.
struct SharedChip {
  std::shared_ptr<bme280::Chip> chip;
  std::string group;
  int iir_filter = 0;
  std::string bus_params;  // Bme280BusChoice::params
};

class Bme280Channel final : public Sensor {
 public:
  Bme280Channel(std::shared_ptr<bme280::Chip> chip, Quantity quantity, bool adc, int oversampling)
      : chip_(std::move(chip)), quantity_(quantity), adc_(adc), oversampling_(oversampling) {}

  Status open() override { return chip_->open(); }
  void close() override { chip_->close(); }
  const void* device_key() const override { return chip_.get(); }

  ReadResult read(const SampleTick& tick, std::span<double> out) override {
    if (chip_->sample(tick.index) != 0) return ReadResult::kDeviceError;
    const bme280::AdcSample& a = chip_->adc();
    if (adc_) {
      const int32_t raw = quantity_ == Quantity::kTemperature ? a.temperature
                          : quantity_ == Quantity::kPressure  ? a.pressure
                                                              : a.humidity;
      const int32_t marker =
          quantity_ == Quantity::kHumidity ? bme280::kAdc16Skipped : bme280::kAdc20Skipped;
      if (raw == marker) return ReadResult::kBadValue;
      for (double& v : out) v = raw;
      return ReadResult::kOk;
    }
    // Every quantity needs the temperature ("t_fine").
    if (a.temperature == bme280::kAdc20Skipped) return ReadResult::kBadValue;
    const bme280::Calibration& c = chip_->calibration();
    const int32_t fine = bme280::t_fine(c, a.temperature);
    const int32_t centi = bme280::temperature_centi_celsius(fine);
    if (centi < kMinCentiCelsius || centi > kMaxCentiCelsius) return ReadResult::kBadValue;
    double value = 0;
    switch (quantity_) {
      case Quantity::kTemperature:
        value = centi / 100.0;
        break;
      case Quantity::kPressure: {
        if (a.pressure == bme280::kAdc20Skipped) return ReadResult::kBadValue;
        const auto p = bme280::pressure_q24_8(c, fine, a.pressure);
        if (!p) return ReadResult::kBadValue;
        value = *p / 256.0;
        break;
      }
      case Quantity::kHumidity:
        if (a.humidity == bme280::kAdc16Skipped) return ReadResult::kBadValue;
        value = bme280::humidity_q22_10(c, fine, a.humidity) / 1024.0;
        break;
    }
    for (double& v : out) v = value;
    return ReadResult::kOk;
  }

  SensorInfo info() const override {
    static constexpr const char* kNames[] = {"temperature", "pressure", "humidity"};
    static constexpr const char* kUnits[] = {"degC", "Pa", "%"};
    const size_t q = static_cast<size_t>(quantity_);
    SensorInfo info;
    info.units = adc_ ? "1" : kUnits[q];
    info.texts = {{"chip", "BME280"}, {"bus", chip_->bus_name()}, {"quantity", kNames[q]}};
    if (!adc_) {
      info.texts.emplace_back("compensation",
                              "Bosch BME280 datasheet integer compensation "
                              "(BME280_compensate_T_int32, _P_int64, _H_int32) of the raw ADC "
                              "value with the calibration words dig_*");
    }
    info.numbers = {{"i2c_address", chip_->address()},
                    {"oversampling", oversampling_},
                    {"iir_filter", chip_->iir_filter()}};
    if (!chip_->is_open()) return info;  // an optional chip missing at start: no calibration
    const bme280::Calibration& c = chip_->calibration();
    info.numbers.insert(info.numbers.end(), {{"dig_T1", c.t1}, {"dig_T2", c.t2}, {"dig_T3", c.t3}});
    if (quantity_ == Quantity::kPressure) {
      info.numbers.insert(info.numbers.end(), {{"dig_P1", c.p1},
                                               {"dig_P2", c.p2},
                                               {"dig_P3", c.p3},
                                               {"dig_P4", c.p4},
                                               {"dig_P5", c.p5},
                                               {"dig_P6", c.p6},
                                               {"dig_P7", c.p7},
                                               {"dig_P8", c.p8},
                                               {"dig_P9", c.p9}});
    }
    if (quantity_ == Quantity::kHumidity) {
      info.numbers.insert(info.numbers.end(), {{"dig_H1", c.h1},
                                               {"dig_H2", c.h2},
                                               {"dig_H3", c.h3},
                                               {"dig_H4", c.h4},
                                               {"dig_H5", c.h5},
                                               {"dig_H6", c.h6}});
    }
    return info;
  }

 private:
  std::shared_ptr<bme280::Chip> chip_;
  Quantity quantity_;
  bool adc_;
  int oversampling_;
};

bool is_power_of_two_up_to_16(double v) { return v == 1 || v == 2 || v == 4 || v == 8 || v == 16; }

// A channel's parameters, checked one by one.
struct Bme280Params {
  std::string bus;
  uint16_t address = 0x76;
  std::string quantity_name;
  Quantity quantity = Quantity::kTemperature;
  bool adc = false;  // output = "adc": the raw ADC value, not SI units
  int oversampling = 1;
  int iir_filter = 0;  // 0: off
};

std::optional<Quantity> quantity_named(const std::string& name) {
  if (name == "temperature") return Quantity::kTemperature;
  if (name == "pressure") return Quantity::kPressure;
  if (name == "humidity") return Quantity::kHumidity;
  return std::nullopt;
}

Result<Bme280Params> read_params(SensorParams& p) {
  Bme280Params params;
  params.bus = p.text("bus", "");
  const double address = p.number("address", 0x76);
  params.quantity_name = p.text("quantity", "");
  const std::string output = p.text("output", "si");
  const double oversampling = p.number("oversampling", 1);
  const double iir_filter = p.number("iir_filter", 0);
  if (params.bus.empty())
    return p.error("bus", "needs the I2C bus: \"i2c-1\" (under dev_root), a path, or \"sim\"");
  if (address != 0x76 && address != 0x77) {
    return p.error("address", "must be 0x76 (118) or 0x77 (119): the BME280's two addresses");
  }
  const auto quantity = quantity_named(params.quantity_name);
  if (!quantity) {
    return p.error("quantity", "must be \"temperature\", \"pressure\" or \"humidity\"");
  }
  if (output != "si" && output != "adc") return p.error("output", "must be \"si\" or \"adc\"");
  if (!is_power_of_two_up_to_16(oversampling)) {
    return p.error("oversampling", "must be 1, 2, 4, 8 or 16");
  }
  if (iir_filter != 0 && !(iir_filter >= 2 && is_power_of_two_up_to_16(iir_filter))) {
    return p.error("iir_filter", "must be 0 (off), 2, 4, 8 or 16");
  }
  params.address = static_cast<uint16_t>(address);
  params.quantity = *quantity;
  params.adc = output == "adc";
  params.oversampling = static_cast<int>(oversampling);
  params.iir_filter = static_cast<int>(iir_filter);
  return params;
}

// The chip a channel reads: the one another channel of it made already (which must agree on
// the group and the chip's parameters), else a new one, shared through spec.shared.
Result<std::shared_ptr<SharedChip>> find_or_make_chip(const SensorSpec& spec, const SensorParams& p,
                                                      const Bme280Params& params,
                                                      const Bme280BusChoice& chosen,
                                                      const std::string& key,
                                                      const std::string& chip_name) {
  std::shared_ptr<SharedChip> shared = spec.shared ? spec.shared->find<SharedChip>(key) : nullptr;
  if (!shared) {
    std::unique_ptr<I2cBus> i2c = chosen.make(params.address);
    shared = std::make_shared<SharedChip>();
    shared->chip = std::make_shared<bme280::Chip>(std::move(i2c), params.address, spec.rate_hz,
                                                  params.iir_filter);
    shared->group = spec.group;
    shared->iir_filter = params.iir_filter;
    shared->bus_params = chosen.params;
    if (spec.shared) spec.shared->add(key, shared);
  } else if (shared->group != spec.group) {
    return p.error("bus", "reads the " + chip_name + ", which a channel of group '" +
                              shared->group +
                              "' reads too: the channels of one chip must be in one group");
  } else if (shared->iir_filter != params.iir_filter) {
    return p.error("iir_filter",
                   "differs from another channel of the " + chip_name +
                       ": give the chip's parameters the same on each of its channels");
  } else if (shared->bus_params != chosen.params) {
    return p.error("bus", "has sim_* parameters that differ from another channel of the " +
                              chip_name + ": give them the same on each of its channels");
  }
  return shared;
}

}  // namespace

Result<std::unique_ptr<Sensor>> make_bme280_sensor(const SensorSpec& spec,
                                                   const Bme280BusChooser& choose_bus) {
  SensorParams p(spec);
  auto params = read_params(p);
  if (!params) return params.error();
  auto chosen = choose_bus(spec, params->bus, p);
  if (!chosen) return chosen.error();
  if (Status st = p.check_all_known(); !st) return st.error();

  const std::string& path = chosen.value().path;
  char address_text[8];
  std::snprintf(address_text, sizeof address_text, "0x%02x", unsigned{params->address});
  const std::string key = "bme280:" + path + "@" + address_text;
  const std::string chip_name = "BME280 at " + path + " address " + address_text;
  auto shared = find_or_make_chip(spec, p, *params, chosen.value(), key, chip_name);
  if (!shared) return shared.error();
  const int want = params->oversampling;
  if (const int has = shared.value()->chip->want(params->quantity, want); has != want) {
    return p.error("oversampling", "is " + std::to_string(want) + " but another channel of the " +
                                       chip_name + " records " + params->quantity_name + " with " +
                                       std::to_string(has));
  }
  return std::unique_ptr<Sensor>(
      std::make_unique<Bme280Channel>(shared.value()->chip, params->quantity, params->adc, want));
}

}  // namespace h5rec::platform
