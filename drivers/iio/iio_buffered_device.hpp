// An IIO device captured through its buffer: the scan elements the recorder's channels want are
// enabled, the buffer started, and scans read from the character device <dev_root>/iio:deviceN.
// Several channels (one per scan element) share one device; every channel of a row reads the
// same scan, and each row consumes one scan.
//
// Threads: made and configured while sensors are made; acquire/release/scan are called by the
// sensors' open/close/read: scan by the one sampler thread of the group the channels belong to
// (the factory refuses channels of two groups on one device), acquire/release before sampling by
// the thread that opens the sensors and after a failure by the recorder's reopener thread. The
// sensors report this object as their device key, so the recorder never lets two of those
// threads at it at once (recorder/device_handoff.hpp): it needs no lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/iio/iio_conversion.hpp"
#include "drivers/iio/iio_scan_layout.hpp"
#include "platform/posix/unique_fd.hpp"
#include "platform/sensor.hpp"

namespace h5rec::platform {

class IioBufferedDevice {
 public:
  struct Settings {
    std::string sysfs_root;
    std::string dev_root;
    std::string device;        // chip name or "iio:deviceN"
    std::string group;         // the rate group whose sampler reads it
    double rate_hz = 0;        // the group's rate: the device's sampling_frequency must match
    std::string trigger;       // written to trigger/current_trigger; empty: left as it is
    size_t buffer_length = 0;  // buffer/length, in scans; also the scans held here
    bool buffer_length_given = false;  // by a channel's params (else the default)
  };

  // Where a wanted element sits in the scan and how to convert it (valid after acquire()).
  struct Element {
    std::string channel;  // "voltage0", "timestamp"
    IioScanType type;
    std::string type_text;     // the descriptor as the kernel wrote it
    size_t offset = 0;         // byte offset in the scan
    IioConversion conversion;  // scale and offset (none for the timestamp)
  };

  explicit IioBufferedDevice(Settings settings);
  ~IioBufferedDevice();
  IioBufferedDevice(const IioBufferedDevice&) = delete;
  IioBufferedDevice& operator=(const IioBufferedDevice&) = delete;

  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }

  // Adds a scan element the recorder wants ("voltage0", "accel_x", "timestamp"); returns its slot.
  size_t want(const std::string& channel);

  // A channel's open(): the first one (or the first after a failure, or after channels were
  // wanted that the running buffer lacks) configures and starts the buffer. The error names the
  // device and the file that failed.
  Status acquire();
  // A channel's close(): the last one stops the buffer and closes the character device.
  void release();

  // The scan of row `index`: the first call for a row takes the next scan (reading what the
  // character device has, without blocking), the others get the same one. kBadValue when no scan
  // has arrived (counted in missing_scans), kDeviceError when the read failed.
  ReadResult scan(uint64_t index, const std::byte*& scan);

  const Element& element(size_t slot) const { return elements_[slot]; }
  const std::string& directory() const { return directory_; }  // "iio:device3" once found
  // The kernel clock the timestamps come from ("realtime", "monotonic", ...), and the origin the
  // timestamp channel subtracts: that clock's time at the first start, in whole seconds, in ns.
  const std::string& timestamp_clock() const { return timestamp_clock_; }
  int64_t timestamp_origin_ns() const { return timestamp_origin_ns_; }
  bool has_timestamp_origin() const { return origin_set_; }

  uint64_t dropped_scans() const { return dropped_scans_; }  // oldest scans dropped: no room
  uint64_t missing_scans() const { return missing_scans_; }  // rows that found no scan

 private:
  Status start();
  void stop();
  // configure()'s phases, in order; `path` is the device's sysfs directory.
  Status configure(const std::string& path);
  Result<std::string> find_buffer(const std::string& path);
  Result<std::vector<std::string>> enable_wanted_elements(const std::string& elements_dir);
  Status set_trigger_and_length(const std::string& path);
  Status lay_out_elements(const std::string& path, const std::vector<IioScanElement>& enabled,
                          const std::vector<std::string>& type_texts);
  Status check_sampling_frequency(const std::string& path) const;
  void set_timestamp_origin(const std::string& path);
  void drain();

  Settings settings_;
  std::vector<Element> elements_;  // one per wanted channel (slot)
  std::string directory_;
  std::string buffer_path_;  // ".../buffer" or ".../buffer0"
  std::string timestamp_clock_;
  int64_t timestamp_origin_ns_ = 0;
  bool origin_set_ = false;

  size_t users_ = 0;
  size_t started_slots_ = 0;  // elements_ configured in the running buffer
  bool started_ = false;
  bool failed_ = false;
  UniqueFd fd_;
  static constexpr size_t kMaxQueueBytes = size_t{16} << 20;  // scans held here, at most
  size_t scan_bytes_ = 0;
  std::vector<std::byte> queue_;  // buffer_length scans: bytes [head_, tail_) not yet taken
  std::vector<std::byte> spare_;  // one scan: what arrives while the queue is full
  size_t head_ = 0;
  size_t tail_ = 0;
  uint64_t current_index_ = 0;
  bool have_current_ = false;
  bool current_ok_ = false;
  const std::byte* current_ = nullptr;
  uint64_t dropped_scans_ = 0;
  uint64_t missing_scans_ = 0;
};

}  // namespace h5rec::platform
