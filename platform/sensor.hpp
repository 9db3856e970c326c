// Sensor seam: a sensor fills one value per component for each scheduled sample.
// Implementations live in platform/sim (simulated twins) and, for boards, in drivers/, a folder
// per family: drivers/iio, drivers/sysfs (hwmon, thermal, file), drivers/gps, drivers/bme280,
// drivers/gpio. board/ picks one for a channel's config (SensorFactory below).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/error.hpp"

namespace h5rec::platform {

// What the sampler knows about the sample being taken.
struct SampleTick {
  uint64_t index = 0;      // row index since the recording started (0, 1, 2, ...)
  double elapsed_s = 0.0;  // scheduled time of this row since the recording started, seconds
};

// The outcome of one read. Anything but kOk stores the channel's fill value and is counted.
enum class ReadResult {
  kOk,
  kBadValue,     // this sample is missing or unusable (junk text, bad checksum); device still fine
  kDeviceError,  // the device failed or disappeared: the recorder's reopener thread closes it
                 // and reopens it with back-off
};

// What a driver says about its channel's values, stored as the dataset's attributes.
struct SensorInfo {
  std::string units;  // UDUNITS spelling of the values read() returns; empty: not known
  std::vector<std::pair<std::string, double>> numbers;     // e.g. {"raw_scale", 0.000125}
  std::vector<std::pair<std::string, std::string>> texts;  // e.g. {"device", "ads1015"}
};

class Sensor {
 public:
  virtual ~Sensor() = default;
  // Acquires the device: opens its files, configures it, reads its scale; may allocate. Called
  // once before recording starts, on the thread that makes the recorder (the message of a failure
  // names the device and goes to the user), and after kDeviceError on the recorder's reopener
  // thread, with back-off (a failed reopen's message is discarded). The sampler thread never
  // calls it after start-up, and never while the reopener has the device: calls of open(),
  // close() and read() on the sensors of one device (one device_key()) never overlap. Should not
  // block for long: other devices wait for their reopen meanwhile.
  virtual Status open() { return {}; }
  // Releases what open() acquired; may allocate. Called on the reopener thread after
  // kDeviceError before reopening (and after a reopen of another sensor of the same device
  // failed), and by the destructor.
  virtual void close() {}
  // Called only from the owning rate group's sampler thread, after a successful open(); must not
  // allocate or block longer than one sample period.
  virtual ReadResult read(const SampleTick& tick, std::span<double> out) = 0;
  // The device object this sensor shares with other channels' sensors (SharedDevices): one
  // sensor's open() or close() changes what the others read, so the recorder hands all sensors
  // of one key to the reopener together and reads none of them until all are open again. Null
  // (the default): the sensor's device is its own. Valid from construction, never changes.
  virtual const void* device_key() const { return nullptr; }
  // Units and attributes of the values; asked after open() (an optional device that is missing
  // at start-up is asked without it, and may then know less).
  virtual SensorInfo info() const { return {}; }
};

// Devices that several channels read together (a GPS receiver's port, an IIO device's buffer):
// the driver of the first channel makes the device object and adds it under a key (its path),
// the drivers of the others find it there and share it. Lives as long as the recorder; used
// only while sensors are made, on one thread.
class SharedDevices {
 public:
  template <class T>
  std::shared_ptr<T> find(const std::string& key) const {
    const auto it = devices_.find(key);
    return it == devices_.end() ? nullptr : std::static_pointer_cast<T>(it->second);
  }
  void add(const std::string& key, std::shared_ptr<void> device) {
    devices_[key] = std::move(device);
  }

 private:
  std::map<std::string, std::shared_ptr<void>> devices_;
};

// How a channel's config describes its sensor.
struct SensorSpec {
  std::string kind;                          // e.g. "counter", "iio"
  std::map<std::string, double> params;      // numeric parameters
  std::map<std::string, std::string> texts;  // text parameters (device names, paths, labels)
  size_t components = 1;                     // values per sample (product of the channel's shape)
  double rate_hz = 1.0;                      // sample rate of the channel's group
  uint64_t default_seed = 0;                 // used by random sensors when params has no "seed"
  std::string kind_where;                    // "file:line" of the sensor key, for error messages
  std::string params_where;                  // "file:line" of the params (or of the sensor key)
  std::string sysfs_root = "/sys";           // where sysfs is mounted (tests use a fake tree)
  std::string dev_root = "/dev";             // where device nodes are (tests use a fake tree)
  std::string group;                         // the channel's rate group (a device shared by
                                             // channels of two groups would be read by two threads)
  SharedDevices* shared = nullptr;           // never null when the recorder makes sensors
};

// Maps a channel's sensor spec to a sensor: the recorder receives one instead of knowing the
// drivers (board/sensor_factory.hpp has the one that picks real or simulated devices). Called
// only while the recorder is made, on that thread.
class SensorFactory {
 public:
  virtual ~SensorFactory() = default;
  // Builds the sensor for a spec, or says which kind or parameter is wrong. Does not open it.
  virtual Result<std::unique_ptr<Sensor>> make(const SensorSpec& spec) const = 0;
};

}  // namespace h5rec::platform
