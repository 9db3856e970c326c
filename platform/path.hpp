// Splitting a path into its directory and file name, as the storage layer spells paths
// ('/'-separated text; no normalisation).
#pragma once

#include <string>

namespace h5rec::platform {

// "/a/b/c.h5" → "/a/b"; "c.h5" → "."; "/c.h5" → "/".
inline std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// "/a/b/c.h5" → "c.h5".
inline std::string file_name_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace h5rec::platform
