#include "bench/report.hpp"

#include <hdf5.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

namespace h5rec::bench {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

std::string file_system(const std::string& dir) {
  struct statfs s {};
  if (statfs(dir.c_str(), &s) != 0) return "unknown file system";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    case 0x4d44:
      return "vfat";
    case 0xF2F52010:
      return "f2fs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof hex, "file system 0x%lx", static_cast<unsigned long>(s.f_type));
      return hex;
    }
  }
}

}  // namespace

void Table::print() const {
  std::vector<size_t> width(header.size(), 3);
  for (size_t c = 0; c < header.size(); ++c) width[c] = std::max(width[c], header[c].size());
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "|";
    for (size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      // First column left-aligned (names), the others right-aligned (numbers).
      const std::string pad(width[c] - cell.size(), ' ');
      text += " " + (c == 0 ? cell + pad : pad + cell) + " |";
    }
    std::printf("%s\n", text.c_str());
  };
  line(header);
  std::string rule = "|";
  for (size_t c = 0; c < width.size(); ++c) {
    rule +=
        c == 0 ? ":" + std::string(width[c] + 1, '-') + "|" : std::string(width[c] + 1, '-') + ":|";
  }
  std::printf("%s\n", rule.c_str());
  for (const auto& row : rows) line(row);
  std::printf("\n");
}

void Goals::add(GoalKind kind, const std::string& name, bool pass, const std::string& measured,
                const std::string& target) {
  const bool judged = kind == GoalKind::kCount || timing_reason_.empty();
  std::string text = std::string(pass ? "PASS " : "FAIL ") + name + " " + measured + " " + target;
  if (!judged) text += "  (not judged: " + timing_reason_ + ")";
  lines_.push_back({text, judged, pass});
}

void Goals::unmeasured(GoalKind kind, const std::string& name, const std::string& why,
                       const std::string& target) {
  add(kind, name, false, "unmeasured(" + why + ")", target);
}

void Goals::skip(const std::string& name, const std::string& why, const std::string& target) {
  lines_.push_back({"SKIP " + name + " - " + target + "  (" + why + ")", false, true});
}

int Goals::print_and_judge() const {
  bool all_pass = true;
  std::printf("```\n");
  for (const Line& l : lines_) {
    std::printf("%s\n", l.text.c_str());
    if (l.judged && !l.pass) all_pass = false;
  }
  std::printf("```\n");
  std::fflush(stdout);
  return all_pass ? 0 : 1;
}

void print_environment(const std::string& dir, const std::string& invocation) {
  char date[32] = "?";
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  if (gmtime_r(&now, &utc) != nullptr) std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &utc);
  struct utsname u {};
  uname(&u);
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  std::printf("# h5rec-bench\n\n");
  std::printf("- run: `%s`, %s\n", invocation.c_str(), date);
  std::printf("- machine: %s, %u cores, %s %s %s\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), u.sysname, u.release, u.machine);
  std::printf("- files: %s (%s)\n", dir.c_str(), file_system(dir).c_str());
  std::printf("- compiler: g++ %s, %s build; HDF5 %u.%u.%u\n\n", __VERSION__, H5REC_BUILD_TYPE,
              major, minor, release);
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string grouped(double value) {
  if (!std::isfinite(value)) return "-";
  const bool negative = value < 0;
  std::string digits =
      std::to_string(static_cast<unsigned long long>(std::llround(std::fabs(value))));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<size_t>(i), ",");
  return negative ? "-" + digits : digits;
}

}  // namespace h5rec::bench
