/* Logging from C firmware: a counter, a 3-axis reading, an event message.
 * Usage: h5rec_c_example [FILE] — prints what it logged; read it with
 * h5py.File(FILE)["imu/accel"][:] and friends. */
#include <h5rec/logger.h>
#include <stdio.h>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "c_example.h5";
  h5rec_logger_options options;
  h5rec_logger_options_init(&options);
  options.replace_if_exists = 1;
  h5rec_logger* logger = h5rec_logger_open(path, &options);
  if (logger == NULL) {
    fprintf(stderr, "open failed: %s\n", h5rec_last_error());
    return 1;
  }
  const size_t shape[1] = {3};
  for (int i = 0; i < 100; ++i) {
    const float accel[3] = {0.5f * (float)i, -1.0f * (float)i, 9.81f};
    int rc = h5rec_log_int32(logger, "count", i);
    if (rc == 0) rc = h5rec_log_array(logger, "imu/accel", H5REC_FLOAT32, shape, 1, accel);
    if (rc == 0 && i % 25 == 0) rc = h5rec_log_string(logger, "events", "quarter mark");
    if (rc != 0) {
      fprintf(stderr, "log failed (%s): %s\n", h5rec_strerror(rc), h5rec_last_error());
      h5rec_logger_close(logger);
      return 1;
    }
  }
  /* A mistake is reported, not fatal: "count" holds int32 values. */
  const int rc = h5rec_log_double(logger, "count", 1.5);
  printf("logging a double to count: %s (%s)\n", h5rec_strerror(rc), h5rec_last_error());
  if (h5rec_logger_close(logger) != 0) {
    fprintf(stderr, "close failed: %s\n", h5rec_last_error());
    return 1;
  }
  printf("logged 100 rows of count and imu/accel, 4 events to %s\n", path);
  return 0;
}
