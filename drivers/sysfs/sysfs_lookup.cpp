#include "drivers/sysfs/sysfs_lookup.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace h5rec::platform {
namespace {

// The number between prefix and suffix in name, or -1 when name is not prefix, digits, suffix.
long number_between(const std::string& name, const std::string& prefix, const std::string& suffix) {
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return -1;
  }
  long n = 0;
  for (size_t i = prefix.size(); i < name.size() - suffix.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > 100000000) return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

}  // namespace

Result<std::string> read_sysfs_text(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "re"), &std::fclose);
  if (!file) {
    const int err = errno;
    return Error{"cannot read '" + path + "': " + std::strerror(err), err};
  }
  char buffer[512];
  const size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
  if (std::ferror(file.get())) {
    const int err = errno;
    return Error{"cannot read '" + path + "': " + std::strerror(err), err};
  }
  std::string text(buffer, n);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

Result<std::vector<std::string>> numbered_entries(const std::string& directory,
                                                  const std::string& prefix,
                                                  const std::string& suffix) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), &::closedir);
  if (!dir) {
    const int err = errno;
    return Error{"cannot list '" + directory + "': " + std::strerror(err), err};
  }
  std::vector<std::pair<long, std::string>> found;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    const long n = number_between(name, prefix, suffix);
    if (n >= 0) found.emplace_back(n, name);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> names;
  for (auto& f : found) names.push_back(std::move(f.second));
  return names;
}

Result<std::string> find_class_device(const std::string& class_dir, const std::string& prefix,
                                      const std::string& attribute, const std::string& wanted,
                                      const std::string& what) {
  auto entries = numbered_entries(class_dir, prefix);
  if (!entries)
    return Error{"no " + what + " '" + wanted + "': " + entries.message(), entries.code()};
  std::string seen;
  for (const std::string& entry : entries.value()) {
    const std::string directory = class_dir + "/" + entry;
    if (entry == wanted) return directory;
    auto text = read_sysfs_text(directory + "/" + attribute);
    if (!text) continue;  // a device without the attribute cannot be the one asked for
    if (text.value() == wanted) return directory;
    seen += (seen.empty() ? "" : ", ") + text.value();
  }
  return Error{"no " + what + " named '" + wanted + "' in " + class_dir +
                   " (found: " + (seen.empty() ? std::string("none") : seen) + ")",
               ENOENT};
}

}  // namespace h5rec::platform
