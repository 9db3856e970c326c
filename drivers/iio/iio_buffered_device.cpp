#include "drivers/iio/iio_buffered_device.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <utility>

#include "drivers/iio/iio_device_lookup.hpp"
#include "drivers/iio/sysfs_attribute.hpp"

namespace h5rec::platform {
namespace {

// The scan element names in a scan_elements directory ("voltage0" for in_voltage0_en), sorted.
Result<std::vector<std::string>> list_scan_elements(const std::string& directory) {
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) {
    const int err = errno;
    return Error{"cannot list '" + directory + "': " + std::strerror(err), err};
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 6 && name.compare(0, 3, "in_") == 0 &&
        name.compare(name.size() - 3, 3, "_en") == 0) {
      names.push_back(name.substr(3, name.size() - 6));
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

clockid_t clock_named(const std::string& name) {
  static const std::pair<const char*, clockid_t> kClocks[] = {
      {"realtime", CLOCK_REALTIME},
      {"monotonic", CLOCK_MONOTONIC},
      {"monotonic_raw", CLOCK_MONOTONIC_RAW},
      {"realtime_coarse", CLOCK_REALTIME_COARSE},
      {"monotonic_coarse", CLOCK_MONOTONIC_COARSE},
      {"boottime", CLOCK_BOOTTIME},
      {"tai", CLOCK_TAI}};
  for (const auto& [text, id] : kClocks) {
    if (name == text) return id;
  }
  return CLOCK_REALTIME;  // the kernel's default
}

// The elements the kernel enabled, in the order list_scan_elements gave, with the type
// descriptors as it wrote them (type_texts[k] belongs to elements[k]).
struct EnabledElements {
  std::vector<IioScanElement> elements;
  std::vector<std::string> type_texts;
};

// Reads back which of `names` are enabled, and their scan index and type.
Result<EnabledElements> read_enabled_elements(const std::string& elements_dir,
                                              const std::vector<std::string>& names) {
  EnabledElements enabled;
  for (const std::string& name : names) {
    const std::string base = elements_dir + "/in_" + name;
    auto on = read_sysfs_number(base + "_en");
    if (!on) return on.error();
    if (*on == 0) continue;
    auto index = read_sysfs_number(base + "_index");
    if (!index) return index.error();
    auto text = read_sysfs_text(base + "_type");
    if (!text) return text.error();
    auto type = parse_iio_scan_type(*text);
    if (!type) return Error{base + "_type: " + type.message()};
    if (!(*index >= 0 && *index <= std::numeric_limits<unsigned>::max()) ||
        *index != std::floor(*index)) {
      return Error{base + "_index holds " + std::to_string(*index) + ", not a scan index"};
    }
    enabled.elements.push_back({name, static_cast<unsigned>(*index), *type});
    enabled.type_texts.push_back(*text);
  }
  return enabled;
}

}  // namespace

IioBufferedDevice::IioBufferedDevice(Settings settings) : settings_(std::move(settings)) {}

IioBufferedDevice::~IioBufferedDevice() { stop(); }

size_t IioBufferedDevice::want(const std::string& channel) {
  for (size_t k = 0; k < elements_.size(); ++k) {
    if (elements_[k].channel == channel) return k;
  }
  elements_.push_back(Element{channel, {}, {}, 0, {}});
  return elements_.size() - 1;
}

Status IioBufferedDevice::acquire() {
  if (!started_ || failed_ || started_slots_ != elements_.size()) {
    if (Status s = start(); !s) return s;
  }
  ++users_;
  return {};
}

void IioBufferedDevice::release() {
  if (users_ > 0) --users_;
  if (users_ == 0) stop();
}

Status IioBufferedDevice::start() {
  stop();
  auto location = find_iio_device(settings_.sysfs_root, settings_.device);
  if (!location) return location.error();
  directory_ = location->directory;
  const std::string where = "IIO device '" + settings_.device + "' (" + location->path + "): ";
  if (Status s = configure(location->path); !s) return Error{where + s.message(), s.code()};
  if (scan_bytes_ > kMaxQueueBytes / settings_.buffer_length) {
    return Error{where + std::to_string(settings_.buffer_length) + " scans of " +
                 std::to_string(scan_bytes_) + " bytes need more than " +
                 std::to_string(kMaxQueueBytes >> 20) + " MiB; lower buffer_length"};
  }
  const std::string node = settings_.dev_root + "/" + directory_;
  const int fd = ::open(node.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Error{where + "cannot open '" + node + "': " + std::strerror(err), err};
  }
  fd_.reset(fd);
  queue_.assign(settings_.buffer_length * scan_bytes_, std::byte{0});
  spare_.assign(scan_bytes_, std::byte{0});
  head_ = tail_ = 0;
  have_current_ = false;
  if (Status s = write_sysfs_text(buffer_path_ + "/enable", "1"); !s) {
    fd_.reset();
    return Error{where + s.message(), s.code()};
  }
  started_ = true;
  failed_ = false;
  started_slots_ = elements_.size();
  return {};
}

// Stops the buffer, enables exactly the wanted elements, sets trigger and length, then reads
// back what the kernel enabled (a driver may add elements its scan masks need) to lay it out.
Status IioBufferedDevice::configure(const std::string& path) {
  auto elements_dir = find_buffer(path);
  if (!elements_dir) return elements_dir.error();
  auto names = enable_wanted_elements(*elements_dir);
  if (!names) return names.error();
  if (Status s = set_trigger_and_length(path); !s) return s;
  auto enabled = read_enabled_elements(*elements_dir, *names);
  if (!enabled) return enabled.error();
  if (Status s = lay_out_elements(path, enabled->elements, enabled->type_texts); !s) return s;
  if (Status s = check_sampling_frequency(path); !s) return s;
  if (!origin_set_) set_timestamp_origin(path);
  return {};
}

// The scan elements directory; sets buffer_path_ (the old ABI's "buffer" or the new "buffer0").
Result<std::string> IioBufferedDevice::find_buffer(const std::string& path) {
  if (sysfs_path_exists(path + "/scan_elements")) {
    buffer_path_ = path + "/buffer";
    return path + "/scan_elements";
  }
  if (sysfs_path_exists(path + "/buffer0")) {
    buffer_path_ = path + "/buffer0";
    return buffer_path_;
  }
  return Error{"no buffer: neither scan_elements nor buffer0 (the driver has no buffered capture)"};
}

// Stops the buffer and enables the wanted elements, disabling the others; returns the names of
// every element of the scan.
Result<std::vector<std::string>> IioBufferedDevice::enable_wanted_elements(
    const std::string& elements_dir) {
  if (Status s = write_sysfs_text(buffer_path_ + "/enable", "0"); !s) return s.error();
  for (const Element& e : elements_) {
    if (!sysfs_path_exists(elements_dir + "/in_" + e.channel + "_en")) {
      return Error{"no scan element '" + e.channel + "' (no " + elements_dir + "/in_" + e.channel +
                   "_en)"};
    }
  }
  auto names = list_scan_elements(elements_dir);
  if (!names) return names.error();
  for (const std::string& name : *names) {
    const bool wanted = std::any_of(elements_.begin(), elements_.end(),
                                    [&](const Element& e) { return e.channel == name; });
    if (Status s = write_sysfs_text(elements_dir + "/in_" + name + "_en", wanted ? "1" : "0"); !s) {
      return s.error();
    }
  }
  return names;
}

Status IioBufferedDevice::set_trigger_and_length(const std::string& path) {
  if (!settings_.trigger.empty()) {
    if (Status s = write_sysfs_text(path + "/trigger/current_trigger", settings_.trigger); !s) {
      return s;
    }
  }
  return write_sysfs_text(buffer_path_ + "/length", std::to_string(settings_.buffer_length));
}

// Where each wanted element sits in the scan, its type and conversion; sets scan_bytes_.
Status IioBufferedDevice::lay_out_elements(const std::string& path,
                                           const std::vector<IioScanElement>& enabled,
                                           const std::vector<std::string>& type_texts) {
  auto layout = compute_iio_scan_layout(enabled);
  if (!layout) return layout.error();
  for (Element& e : elements_) {
    const size_t k = layout->find(e.channel);
    if (k == layout->elements.size()) {
      return Error{"scan element '" + e.channel + "' stayed disabled after writing 1 to in_" +
                   e.channel + "_en"};
    }
    e.type = layout->elements[k].type;
    e.offset = layout->offsets[k];
    for (size_t u = 0; u < enabled.size(); ++u) {
      if (enabled[u].name == e.channel) e.type_text = type_texts[u];
    }
    if (e.channel != "timestamp") {
      auto conversion = read_iio_conversion(path, e.channel);
      if (!conversion) return conversion.error();
      e.conversion = *conversion;
    }
  }
  scan_bytes_ = layout->scan_bytes;
  return {};
}

// A device that reports its rate must sample at the group's rate (within 1 %).
Status IioBufferedDevice::check_sampling_frequency(const std::string& path) const {
  if (!sysfs_path_exists(path + "/sampling_frequency")) return {};
  auto hz = read_sysfs_number(path + "/sampling_frequency");
  if (!hz) return hz.error();
  if (std::fabs(*hz - settings_.rate_hz) > 0.01 * settings_.rate_hz) {
    return Error{"samples at " + std::to_string(*hz) + " Hz (sampling_frequency), but group '" +
                 settings_.group + "' takes " + std::to_string(settings_.rate_hz) +
                 " rows/s: set the group's rate_hz to the device's rate"};
  }
  return {};
}

// At the first start: the kernel clock the timestamps come from, and its time in whole seconds.
void IioBufferedDevice::set_timestamp_origin(const std::string& path) {
  auto clock = read_sysfs_text(path + "/current_timestamp_clock");
  timestamp_clock_ = clock ? *clock : "realtime";
  timespec now{};
  ::clock_gettime(clock_named(timestamp_clock_), &now);
  timestamp_origin_ns_ = static_cast<int64_t>(now.tv_sec) * 1'000'000'000;
  origin_set_ = true;
}

void IioBufferedDevice::stop() {
  if (started_) {
    (void)write_sysfs_text(buffer_path_ + "/enable", "0");  // the device may be gone already
  }
  fd_.reset();
  started_ = false;
}

ReadResult IioBufferedDevice::scan(uint64_t index, const std::byte*& scan) {
  if (!started_ || failed_) return ReadResult::kDeviceError;
  if (!have_current_ || index != current_index_) {
    current_index_ = index;
    have_current_ = true;
    drain();
    if (failed_) return ReadResult::kDeviceError;
    current_ok_ = tail_ - head_ >= scan_bytes_;
    if (current_ok_) {
      current_ = queue_.data() + head_;
      head_ += scan_bytes_;
    } else {
      ++missing_scans_;
    }
  }
  scan = current_;
  return current_ok_ ? ReadResult::kOk : ReadResult::kBadValue;
}

// Reads everything the character device has. When the queue is full, taken scans make room;
// with none taken, what arrives next (read into a spare scan) drops the oldest scan (counted),
// so the queue keeps the newest scans.
void IioBufferedDevice::drain() {
  const size_t capacity = queue_.size();
  for (;;) {
    if (tail_ == capacity && head_ > 0) {
      std::memmove(queue_.data(), queue_.data() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    const bool full = tail_ == capacity;
    std::byte* into = full ? spare_.data() : queue_.data() + tail_;
    const ssize_t n = ::read(fd_.get(), into, full ? spare_.size() : capacity - tail_);
    if (n > 0) {
      if (full) {
        std::memmove(queue_.data(), queue_.data() + scan_bytes_, capacity - scan_bytes_);
        tail_ -= scan_bytes_;
        std::memcpy(queue_.data() + tail_, spare_.data(), static_cast<size_t>(n));
        ++dropped_scans_;
      }
      tail_ += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return;  // a FIFO without writer or a file at its end: nothing more now
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) failed_ = true;
    return;
  }
}

}  // namespace h5rec::platform
