#include "config/recorder_config.hpp"
#include "platform/storage.hpp"

namespace h5rec::config {

Result<RecorderConfig> load_config(platform::Storage& storage, const std::string& path) {
  constexpr uint64_t kMaxConfigBytes = 1 << 20;
  auto file = storage.open(path, platform::OpenMode::kRead);
  if (!file) return Error{"cannot read config: " + file.message()};
  auto size = file.value()->size();
  if (!size) return size.error();
  if (size.value() > kMaxConfigBytes) {
    return Error{path + ": config larger than " + std::to_string(kMaxConfigBytes) + " bytes"};
  }
  std::string text(size.value(), '\0');
  auto read = file.value()->pread(std::as_writable_bytes(std::span(text)), 0);
  if (!read) return read.error();
  text.resize(read.value());
  return parse_config(text, path);
}

}  // namespace h5rec::config
