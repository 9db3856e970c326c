// The h5logger README walkthrough in C++: log ten random binary values as "number", then read
// them back in Python exactly as h5logger users do:
//
//   >>> import h5py
//   >>> data = h5py.File("saved_data.h5", "r")
//   >>> data["number"]
//   <HDF5 dataset "number": shape (10,), type "<i8">
//   >>> data["number"][:]
//   array([1, 0, 0, 1, ...])
//
// Usage: h5rec_walkthrough [FILE] [SEED]  (prints the values it logged)
#include <cstdint>
#include <cstdio>
#include <h5rec/logger.hpp>
#include <random>
#include <string>

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "saved_data.h5";
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 42u;

  h5rec::Logger::Options options;
  options.replace_if_exists = true;  // like h5logger(path), a fresh file each run
  h5rec::Logger logger(path, options);
  if (!logger.is_open()) {
    std::fprintf(stderr, "%s\n", logger.open_status().message().c_str());
    return 1;
  }
  std::mt19937 random(seed);
  std::bernoulli_distribution coin(0.5);
  for (int i = 0; i < 10; ++i) {
    const int64_t number = coin(random) ? 1 : 0;
    if (auto status = logger.log("number", number); !status) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return 1;
    }
    std::printf("%lld\n", static_cast<long long>(number));
  }
  if (auto status = logger.close(); !status) {
    std::fprintf(stderr, "%s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
