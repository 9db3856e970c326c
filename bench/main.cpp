#include <cstdio>
#include <string>

#include "bench/ingest_throughput.hpp"
#include "bench/report.hpp"

int main(int argc, char** argv) {
  using namespace h5rec::bench;
  bool quick = false;
  std::string dir = "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
  }
  print_environment(dir, "h5rec-bench");
  Goals goals(quick ? "quick run" : "");
  ingest_throughput(dir, quick, goals);
  return goals.print_and_judge();
}
