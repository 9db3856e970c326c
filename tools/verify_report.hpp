// What `h5rec verify` found in one file, and the line format a checking child process sends it
// to its parent in (tools/verify.cpp runs each file's checks in a child: see
// platform/posix/child_process.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace h5rec::tools {

enum class FileKind {
  kRecording,  // has the h5rec_format attribute (docs/FORMAT.md)
  kLogger,     // h5rec::Logger / h5logger layout: chunked datasets, unlimited first dimension
  kOther,      // opens, but neither (or could not be told)
};
const char* describe(FileKind kind);

enum class VerifiedState {
  kClosed,      // closed cleanly
  kLive,        // a running writer holds it: checked up to its last checkpoint
  kUnclean,     // left open by a writer that is gone: `h5rec recover` first
  kUnreadable,  // the checks could not run (or crashed, or ran out of time)
};
const char* describe(VerifiedState state);

// One kind of fault, counted: the first occurrence is described, later ones only counted.
struct Problem {
  std::string check;       // open, format, lengths, time, read, accounting, journal, unreadable
  std::string dataset;     // "fast/time"; "" for the file as a whole
  uint64_t first_row = 0;  // rows [first_row, end_row) of the first occurrence; both 0 when the
  uint64_t end_row = 0;    // problem is not about rows
  uint64_t count = 1;      // occurrences
  std::string message;     // the first occurrence, in words
};

// A rate group of a recording (not /_status).
struct GroupReport {
  std::string name;
  double rate_hz = 0;
  uint64_t datasets = 0;      // time included
  uint64_t rows = 0;          // rows of time (checked rows, for a live file)
  int64_t first_time_ns = 0;  // time of the first and last row (when rows > 0)
  int64_t last_time_ns = 0;
  uint64_t missing_rows = 0;  // rows the schedule called for between the first and last row
                              // that are not stored (the sum of each step's periods minus one)
  bool has_dropped = false;   // /_status has <name>_dropped_rows with at least one row
  uint64_t dropped_rows = 0;  // its last value: rows of the recording not stored so far
  bool has_due = false;       // /_status has <name>_rows_due (written since format 1's
  uint64_t rows_due = 0;      // recording_ended column): its last value

  // Filled by the parent (tools/verify_accounting.hpp), not sent by the child:
  std::string accounting = "not checked";  // "ok", "problem", "not checked: why", "see FILE"
  uint64_t chain_stored = 0;   // rows stored in every segment of the recording up to here
  uint64_t chain_missing = 0;  // rows the schedule called for before the last row, not stored
  uint64_t chain_due = 0;      // chain_stored + dropped_rows, when the accounting holds
};

struct FileReport {
  std::string path;
  FileKind kind = FileKind::kOther;
  VerifiedState state = VerifiedState::kUnreadable;
  std::string device_id;
  int64_t segment = 0;           // 1 for the first segment of a recording; 0 unknown
  std::string previous_segment;  // file name of the segment before, "" for the first
  int64_t start_time_ns = 0;     // start_time_utc; 0 when absent or not parsed
  bool has_status = false;       // /_status has rows
  int64_t last_status_time_ns = 0;
  bool status_final = false;  // the last /_status row is the recording's final one
  uint64_t datasets = 0;      // every dataset in the file
  uint64_t rows = 0;          // sum of the groups' rows (logger: of every dataset)
  std::vector<GroupReport> groups;
  std::vector<Problem> problems;

  bool sound() const { return problems.empty(); }
  // Adds a problem, or counts one more of an existing one: the same check of the same dataset's
  // rows (a fault repeated along a column), or the same message.
  void add(Problem p);
};

// The child's report as text lines (tab-separated fields, \\ \t \n escaped), and back.
std::string encode(const FileReport& report);
Result<FileReport> decode(std::string_view text);

}  // namespace h5rec::tools
