#include "tools/verify.hpp"

#include <cmath>
#include <cstdio>

#include "platform/posix/child_process.hpp"
#include "platform/posix/posix_storage.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "recorder/utc_time.hpp"
#include "tools/exit_code.hpp"
#include "tools/verify_accounting.hpp"
#include "tools/verify_file.hpp"
#include "tools/verify_report.hpp"

namespace h5rec::tools {
namespace {

bool is_hdf5_name(const std::string& name) {
  return name.ends_with(".h5") || name.ends_with(".hdf5");
}

// "X.h5" for "X.h5-journal"; "" for other names.
std::string journal_data_name(const std::string& name) {
  const std::string suffix = journal::kJournalSuffix;
  if (!name.ends_with(suffix)) return "";
  const std::string data = name.substr(0, name.size() - suffix.size());
  return is_hdf5_name(data) ? data : "";
}

// Every HDF5 file at or below path, in name order; symbolic links below a directory skipped.
void collect(platform::Storage& storage, const std::string& path, std::vector<std::string>& out) {
  auto names = storage.list_directory(path);
  if (!names) {
    out.push_back(path);
    return;
  }
  for (const std::string& name : names.value()) {
    const std::string full = path + (path.ends_with("/") ? "" : "/") + name;
    if (storage.is_symlink(full)) continue;
    if (storage.list_directory(full)) {
      collect(storage, full, out);
    } else if (is_hdf5_name(name)) {
      out.push_back(full);
    } else if (const std::string data = journal_data_name(full);
               !data.empty() && !storage.exists(data) && !storage.is_symlink(data)) {
      out.push_back(data);  // a journal without its file: reported as unclean
    }
  }
}

FileReport check_in_child(const std::string& path, double timeout_s) {
  const int64_t timeout_ns = static_cast<int64_t>(timeout_s * 1e9);
  auto outcome = platform::run_in_child(
      [&] {
        const std::string encoded = encode(verify_file(path));
        std::fwrite(encoded.data(), 1, encoded.size(), stdout);
        return 0;
      },
      {timeout_ns, true});
  FileReport failed;
  failed.path = path;
  failed.state = VerifiedState::kUnreadable;
  if (!outcome) {
    failed.add({"unreadable", "", 0, 0, 1, "not checked: " + outcome.message()});
    return failed;
  }
  if (outcome->kind == platform::ChildOutcome::Kind::kExited && outcome->exit_code == 0) {
    auto decoded = decode(outcome->output);
    if (decoded) return decoded.value();
  }
  using Kind = platform::ChildOutcome::Kind;
  const Kind kind = outcome->kind;
  failed.add(
      {"unreadable", "", 0, 0, 1,
       std::string(kind == Kind::kSignalled ? "the check was " : "the check ") +
           platform::describe(outcome.value(), timeout_ns) +
           (kind == Kind::kExited ? " without a report" : ": HDF5 cannot read this file safely")});
  return failed;
}

std::string count_text(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string problem_text(const Problem& p) {
  std::string out = p.check;
  if (!p.dataset.empty()) out += " " + p.dataset;
  out += ": " + p.message;
  if (p.count > 1) out += " (" + std::to_string(p.count) + " times)";
  return out;
}

std::string summary_line(const FileReport& r) {
  if (!r.sound()) {
    std::string out = r.path + ": PROBLEMS: " + std::to_string(r.problems.size()) + " (";
    for (size_t i = 0; i < r.problems.size(); ++i) {
      out += (i ? "; " : "") + problem_text(r.problems[i]);
    }
    return out + ")";
  }
  std::string out = r.path + ": ok (";
  if (r.kind == FileKind::kLogger) {
    out += "logger file, " + count_text(r.datasets, "dataset", "datasets") + ", " +
           count_text(r.rows, "row", "rows");
  } else {
    out +=
        count_text(r.groups.size(), "group", "groups") + ", " + count_text(r.rows, "row", "rows");
    uint64_t dropped = 0;
    bool accounted = !r.groups.empty();
    bool elsewhere = false;
    for (const GroupReport& g : r.groups) {
      accounted = accounted && g.accounting == "ok";
      elsewhere = elsewhere || g.accounting.starts_with("see ");
      dropped += g.dropped_rows;
    }
    if (accounted) {
      out += ", " + std::to_string(dropped) + " dropped, accounted for";
    } else if (!elsewhere) {
      out += ", drop accounting not checked";
    }
  }
  if (r.state == VerifiedState::kLive) out += ", live: checked up to its last checkpoint";
  return out + ")";
}

// Bytes of the UTF-8 sequence starting at text[at]; 0 when it is not valid UTF-8 (names and
// messages read from a damaged file may hold any bytes).
size_t utf8_sequence(const std::string& text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  size_t n = 0;
  uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2, code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3, code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4, code = lead & 0x07;
  } else {
    return 0;
  }
  if (at + n > text.size()) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = code << 6 | (byte(at + i) & 0x3F);
  }
  const bool overlong = (n == 3 && code < 0x800) || (n == 4 && code < 0x10000);
  const bool invalid = code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF);
  return overlong || invalid ? 0 : n;
}

// On one line: control characters (a damaged name may hold a newline) become '?'.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return text;
}

// A JSON string; bytes that are not UTF-8 become U+FFFD, so the document is always valid JSON.
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (size_t at = 0; at < text.size();) {
    const size_t n = utf8_sequence(text, at);
    if (n == 0) {
      out += "\\ufffd";
      ++at;
      continue;
    }
    if (n > 1) {
      out.append(text, at, n);
      at += n;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[at++]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

std::string json_group(const GroupReport& g) {
  std::string out =
      "{\"name\": " + json_string(g.name) + ", \"rate_hz\": " + json_number(g.rate_hz) +
      ", \"datasets\": " + std::to_string(g.datasets) + ", \"rows\": " + std::to_string(g.rows);
  if (g.rows > 0) {
    out += ", \"first_time_ns\": " + std::to_string(g.first_time_ns) +
           ", \"first_time_utc\": " + json_string(format_utc_iso8601(g.first_time_ns)) +
           ", \"last_time_ns\": " + std::to_string(g.last_time_ns) +
           ", \"last_time_utc\": " + json_string(format_utc_iso8601(g.last_time_ns));
  }
  out += ", \"missing_rows\": " + std::to_string(g.missing_rows);
  out += ", \"dropped_rows\": " + (g.has_dropped ? std::to_string(g.dropped_rows) : "null");
  out += ", \"accounting\": " + json_string(g.accounting);
  if (g.accounting == "ok" || g.accounting == "problem") {
    out += ", \"recording_rows_stored\": " + std::to_string(g.chain_stored) +
           ", \"recording_rows_missing\": " + std::to_string(g.chain_missing);
  }
  if (g.accounting == "ok") out += ", \"recording_rows_due\": " + std::to_string(g.chain_due);
  return out + "}";
}

std::string json_file(const FileReport& r) {
  std::string out = "    {\"path\": " + json_string(r.path) +
                    ", \"sound\": " + (r.sound() ? "true" : "false") +
                    ", \"kind\": " + json_string(describe(r.kind)) +
                    ", \"state\": " + json_string(describe(r.state));
  if (r.kind == FileKind::kRecording) {
    out += ", \"device_id\": " + json_string(r.device_id) +
           ", \"segment\": " + std::to_string(r.segment) +
           ", \"previous_segment\": " + json_string(r.previous_segment);
  }
  out += ", \"datasets\": " + std::to_string(r.datasets) + ", \"rows\": " + std::to_string(r.rows) +
         ",\n     \"groups\": [";
  for (size_t i = 0; i < r.groups.size(); ++i) {
    out += std::string(i ? ",\n" : "\n") + "       " + json_group(r.groups[i]);
  }
  out += r.groups.empty() ? "]" : "\n     ]";
  out += ",\n     \"problems\": [";
  for (size_t i = 0; i < r.problems.size(); ++i) {
    const Problem& p = r.problems[i];
    out += std::string(i ? ",\n" : "\n") + "       {\"check\": " + json_string(p.check) +
           ", \"dataset\": " + json_string(p.dataset);
    if (p.end_row > p.first_row) {
      out += ", \"first_row\": " + std::to_string(p.first_row) +
             ", \"end_row\": " + std::to_string(p.end_row);
    }
    out += ", \"count\": " + std::to_string(p.count) + ", \"message\": " + json_string(p.message) +
           "}";
  }
  out += r.problems.empty() ? "]}" : "\n     ]}";
  return out;
}

}  // namespace

int run_verify(const VerifyOptions& options) {
  platform::PosixStorage storage;
  std::vector<std::string> files;
  for (const std::string& path : options.paths) {
    if (!storage.exists(path)) {
      std::fprintf(stderr, "h5rec verify: '%s': no such file or directory\n", path.c_str());
      return kExitNoInput;
    }
    collect(storage, path, files);
  }
  if (files.empty()) {
    std::fprintf(stderr, "h5rec verify: no HDF5 files (*.h5, *.hdf5) found\n");
    return kExitNoInput;
  }
  std::vector<FileReport> reports;
  for (const std::string& file : files) {
    reports.push_back(check_in_child(file, options.timeout_s));
    if (!options.json) std::fflush(stdout);
  }
  check_accounting(reports);
  size_t unsound = 0;
  for (const FileReport& r : reports) unsound += r.sound() ? 0 : 1;
  if (options.json) {
    std::printf("{\"files\": [\n");
    for (size_t i = 0; i < reports.size(); ++i) {
      std::printf("%s%s\n", json_file(reports[i]).c_str(), i + 1 < reports.size() ? "," : "");
    }
    std::printf("  ],\n  \"files_checked\": %zu, \"files_with_problems\": %zu, \"sound\": %s}\n",
                reports.size(), unsound, unsound == 0 ? "true" : "false");
  } else {
    for (const FileReport& r : reports) std::printf("%s\n", one_line(summary_line(r)).c_str());
    if (reports.size() > 1) {
      std::printf("%zu files: %zu sound, %zu with problems\n", reports.size(),
                  reports.size() - unsound, unsound);
    }
  }
  return unsound == 0 ? 0 : kExitNotSound;
}

}  // namespace h5rec::tools
