// Logs 1000 rows of "value" (row i holds i * 0.5) to the file named on the command line.
#include <cstdio>
#include <h5rec/logger.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 64;
  h5rec::Logger::Options options;
  options.replace_if_exists = true;
  h5rec::Logger logger(argv[1], options);
  for (int i = 0; i < 1000; ++i) {
    if (auto status = logger.log("value", i * 0.5); !status) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return 1;
    }
  }
  return logger.close() ? 0 : 1;
}
