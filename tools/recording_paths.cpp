#include "tools/recording_paths.hpp"

#include <cctype>
#include <map>

#include "platform/path.hpp"

namespace h5rec::tools {
namespace {

constexpr std::string_view kLiveSuffix = "_live.h5";

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "dev_20261121T040255Z.h5" and "dev_20261121T040255Z_2.h5" -> "dev"; "" for other names.
std::string device_of_segment(std::string_view name) {
  constexpr size_t kStampChars = 16;  // 20261121T040255Z
  if (!name.ends_with(".h5")) return "";
  name.remove_suffix(3);
  if (const size_t underscore = name.rfind('_'); underscore != std::string_view::npos &&
                                                 all_digits(name.substr(underscore + 1)) &&
                                                 underscore >= kStampChars + 1) {
    name = name.substr(0, underscore);  // the _n of a second segment started in one second
  }
  if (name.size() < kStampChars + 2 || name[name.size() - kStampChars - 1] != '_') return "";
  const std::string_view stamp = name.substr(name.size() - kStampChars);
  if (!all_digits(stamp.substr(0, 8)) || stamp[8] != 'T' || !all_digits(stamp.substr(9, 6)) ||
      stamp[15] != 'Z') {
    return "";
  }
  return std::string(name.substr(0, name.size() - kStampChars - 1));
}

}  // namespace

std::string normal_path(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Result<std::vector<RecordingChain>> chains_in_directory(platform::Storage& storage,
                                                        const std::string& directory) {
  const std::string dir = normal_path(directory);
  auto names = storage.list_directory(dir);
  if (!names) return names.error();
  std::map<std::string, RecordingChain> chains;  // by name: the output's order
  std::map<std::string, std::string> links;
  for (const std::string& name : names.value()) {
    if (!name.ends_with(".h5") && !name.ends_with(".hdf5")) continue;
    const std::string path = (dir == "/" ? "" : dir) + "/" + name;
    if (storage.is_symlink(path)) {
      if (name.ends_with(kLiveSuffix))
        links[name.substr(0, name.size() - kLiveSuffix.size())] = path;
      continue;
    }
    if (storage.list_directory(path)) continue;  // a directory named *.h5
    const std::string device = device_of_segment(name);
    RecordingChain& chain = chains[device.empty() ? name : device];
    chain.name = device.empty() ? name : device;
    chain.segments.push_back(path);  // names sort by start time
  }
  if (chains.empty()) return Error{dir + ": no HDF5 files (*.h5, *.hdf5) in this directory"};
  std::vector<RecordingChain> out;
  for (auto& [name, chain] : chains) {
    if (auto link = links.find(name); link != links.end()) chain.live_link = link->second;
    out.push_back(std::move(chain));
  }
  return out;
}

Result<std::vector<RecordingChain>> chains_named_by(platform::Storage& storage,
                                                    const std::string& path) {
  const std::string normal = normal_path(path);
  if (storage.list_directory(normal)) return chains_in_directory(storage, normal);
  return std::vector<RecordingChain>{RecordingChain{platform::file_name_of(normal), {normal}, ""}};
}

}  // namespace h5rec::tools
