// What h5rec-bench prints: Markdown (headings, tables, a code block of goal lines), so that
// `h5rec-bench | tee bench/RESULTS.md` is the report the README links to.
//
// Every goal prints one line "PASS|FAIL <goal> <measured> <target>" (or SKIP where a run cannot
// measure it). Goals measured by timing
// are judged only by the full run: --quick measures too little to be steady on a shared machine,
// and under emulation (qemu-user) timings mean nothing; those lines then end in "(not judged: ...)"
// and do not change the exit code. Goals from counts (instructions, bytes, allocations, drops)
// are judged in every run.
#pragma once

#include <string>
#include <vector>

namespace h5rec::bench {

// A Markdown table, printed with its columns padded so it also reads well in a terminal.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  void print() const;
};

enum class GoalKind { kCount, kTiming };

class Goals {
 public:
  // `timing_reason`: why timing goals are not judged in this run ("" = they are).
  explicit Goals(std::string timing_reason) : timing_reason_(std::move(timing_reason)) {}

  void add(GoalKind kind, const std::string& name, bool pass, const std::string& measured,
           const std::string& target);
  // A goal that could not be measured (a tool missing, a run failed): judged as failed.
  void unmeasured(GoalKind kind, const std::string& name, const std::string& why,
                  const std::string& target);
  // A goal this kind of run cannot measure at all (valgrind under qemu-user): "SKIP", not judged.
  void skip(const std::string& name, const std::string& why, const std::string& target);
  // Prints the goal lines; returns 0 when every judged goal passed, else 1.
  int print_and_judge() const;

 private:
  struct Line {
    std::string text;
    bool judged;
    bool pass;
  };
  std::string timing_reason_;
  std::vector<Line> lines_;
};

// The report's heading: date, machine (CPU, cores, kernel, the file system of `dir`), compiler,
// HDF5 version and how the run was invoked.
void print_environment(const std::string& dir, const std::string& invocation);

// Number formatting for tables and goal lines.
std::string fixed(double value, int decimals);
std::string grouped(double value);  // 12,345,678 (rounded)

}  // namespace h5rec::bench
