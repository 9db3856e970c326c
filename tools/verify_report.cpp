#include "tools/verify_report.hpp"

#include <cstdio>
#include <cstdlib>

namespace h5rec::tools {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
  }
  return out;
}

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  size_t at = 0;
  while (true) {
    const size_t tab = line.find('\t', at);
    fields.push_back(unescape(line.substr(at, tab == std::string_view::npos ? tab : tab - at)));
    if (tab == std::string_view::npos) return fields;
    at = tab + 1;
  }
}

template <class... Fields>
std::string line(const Fields&... fields) {
  std::string out;
  ((out += (out.empty() ? "" : "\t") + escape(fields)), ...);
  return out + "\n";
}

std::string num(uint64_t v) { return std::to_string(v); }
std::string num(int64_t v) { return std::to_string(v); }
std::string num(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

uint64_t to_u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }
int64_t to_i64(const std::string& s) { return std::strtoll(s.c_str(), nullptr, 10); }

// The first line of every encoded report; a report without it (cut short) is rejected.
constexpr const char* kMagic = "h5rec-verify-report 1";
constexpr const char* kEnd = "end";

}  // namespace

const char* describe(FileKind kind) {
  switch (kind) {
    case FileKind::kRecording:
      return "recording";
    case FileKind::kLogger:
      return "logger";
    case FileKind::kOther:
      return "hdf5";
  }
  return "";
}

const char* describe(VerifiedState state) {
  switch (state) {
    case VerifiedState::kClosed:
      return "closed";
    case VerifiedState::kLive:
      return "live";
    case VerifiedState::kUnclean:
      return "unclean";
    case VerifiedState::kUnreadable:
      return "unreadable";
  }
  return "";
}

void FileReport::add(Problem p) {
  const bool about_rows = p.end_row > p.first_row;
  for (Problem& existing : problems) {
    const bool same =
        existing.check == p.check && existing.dataset == p.dataset &&
        (about_rows ? existing.end_row > existing.first_row : existing.message == p.message);
    if (same) {
      existing.count += p.count;
      return;
    }
  }
  problems.push_back(std::move(p));
}

std::string encode(const FileReport& r) {
  std::string out = std::string(kMagic) + "\n";
  out += line(std::string("file"), r.path, std::string(describe(r.kind)),
              std::string(describe(r.state)), r.device_id, num(r.segment), r.previous_segment,
              num(r.start_time_ns), num(static_cast<uint64_t>(r.has_status)),
              num(r.last_status_time_ns), num(r.datasets), num(r.rows),
              num(static_cast<uint64_t>(r.status_final)));
  for (const GroupReport& g : r.groups) {
    out += line(std::string("group"), g.name, num(g.rate_hz), num(g.datasets), num(g.rows),
                num(g.first_time_ns), num(g.last_time_ns), num(g.missing_rows),
                num(static_cast<uint64_t>(g.has_dropped)), num(g.dropped_rows),
                num(static_cast<uint64_t>(g.has_due)), num(g.rows_due));
  }
  for (const Problem& p : r.problems) {
    out += line(std::string("problem"), p.check, p.dataset, num(p.first_row), num(p.end_row),
                num(p.count), p.message);
  }
  return out + kEnd + "\n";
}

Result<FileReport> decode(std::string_view text) {
  FileReport r;
  bool started = false, ended = false, has_file = false;
  size_t at = 0;
  while (at < text.size() && !ended) {
    const size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) break;  // a last line without its newline: cut short
    const std::string_view raw = text.substr(at, nl - at);
    at = nl + 1;
    if (!started) {
      started = raw == kMagic;
      continue;
    }
    if (raw == kEnd) {
      ended = true;
      break;
    }
    const std::vector<std::string> f = split_fields(raw);
    if (f[0] == "file" && f.size() == 13) {
      r.path = f[1];
      r.kind = f[2] == "recording" ? FileKind::kRecording
               : f[2] == "logger"  ? FileKind::kLogger
                                   : FileKind::kOther;
      r.state = f[3] == "closed"    ? VerifiedState::kClosed
                : f[3] == "live"    ? VerifiedState::kLive
                : f[3] == "unclean" ? VerifiedState::kUnclean
                                    : VerifiedState::kUnreadable;
      r.device_id = f[4];
      r.segment = to_i64(f[5]);
      r.previous_segment = f[6];
      r.start_time_ns = to_i64(f[7]);
      r.has_status = f[8] == "1";
      r.last_status_time_ns = to_i64(f[9]);
      r.datasets = to_u64(f[10]);
      r.rows = to_u64(f[11]);
      r.status_final = f[12] == "1";
      has_file = true;
    } else if (f[0] == "group" && f.size() == 12) {
      r.groups.push_back({f[1], std::strtod(f[2].c_str(), nullptr), to_u64(f[3]), to_u64(f[4]),
                          to_i64(f[5]), to_i64(f[6]), to_u64(f[7]), f[8] == "1", to_u64(f[9]),
                          f[10] == "1", to_u64(f[11])});
    } else if (f[0] == "problem" && f.size() == 7) {
      r.problems.push_back({f[1], f[2], to_u64(f[3]), to_u64(f[4]), to_u64(f[5]), f[6]});
    } else {
      return Error{"verify report: unexpected line '" + std::string(raw) + "'"};
    }
  }
  if (!ended || !has_file) return Error{"verify report: incomplete"};
  return r;
}

}  // namespace h5rec::tools
