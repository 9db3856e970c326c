/* Test driver for the C API (<h5rec/logger.h>). Prints one line per call:
 *   RC <label> <rc> <h5rec_strerror(rc)>|<h5rec_last_error()>
 * Values are the same pure function of (dataset name, row, element) as in logger_driver.cpp.
 *
 *   h5rec_logger_c_driver all FILE ROWS     NULL options: every h5rec_log_<type>, strings,
 *                                           rank-2 arrays, flush, enable_concurrent_readers,
 *                                           more rows, a new name after SWMR, close
 *   h5rec_logger_c_driver errors FILE       options: error codes and messages, per-thread errors
 *   h5rec_logger_c_driver open-fail FILE    h5rec_logger_open failing (FILE is not HDF5)
 *   h5rec_logger_c_driver declared FILE     options with declared datasets and concurrent
 *                                           readers: ROWS rows into them, an undeclared name,
 *                                           and bad declarations refused at open
 */
#include <h5rec/logger.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_MUL 0x9E3779B97F4A7C15ull
#define ELEMENT_MUL 0xC2B2AE3D27D4EB4Full

static uint64_t fnv1a64(const char* s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; ++s) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ull;
  }
  return h;
}

/* The top `bits` bits of u(name, i, k). */
static uint64_t top_bits(const char* name, uint64_t i, uint64_t k, unsigned bits) {
  const uint64_t u = fnv1a64(name) + i * ROW_MUL + k * ELEMENT_MUL;
  return u >> (64 - bits);
}

static void print_last_error(void) {
  /* The message may contain anything: escape control bytes and backslashes. */
  for (const unsigned char* p = (const unsigned char*)h5rec_last_error(); *p; ++p) {
    if (*p < 0x20 || *p == 0x7f || *p == '\\') {
      printf("\\x%02x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('\n');
  fflush(stdout);
}

static void print_rc(const char* label, int rc) {
  printf("RC %s %d %s|", label, rc, h5rec_strerror(rc));
  print_last_error();
}

/* For calls without a return code (h5rec_logger_open). */
static void print_message(const char* label) {
  printf("MSG %s|", label);
  print_last_error();
}

/* text_of() of logger_driver.cpp. */
static void text_of(uint64_t i, size_t max_bytes, char* out, size_t out_size) {
  static const char* const kBase[] = {
      "",
      "hello",
      "h\xc3\xa9llo w\xc3\xb6rld",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
      "\xf0\x9f\x99\x82 smile",
      "tab\tand\nnewline",
      "quote \" backslash \\",
  };
  if (i % 11 == 10) {
    size_t n = 0;
    while (n + 2 <= max_bytes && n + 3 <= out_size) {
      out[n++] = (char)0xc3;
      out[n++] = (char)0xa9;
    }
    if (n < max_bytes && n + 2 <= out_size) out[n++] = 'x';
    out[n] = '\0';
    return;
  }
  const uint64_t b = i % 7;
  if (b == 0) {
    snprintf(out, out_size, "%s", kBase[0]);
  } else {
    snprintf(out, out_size, "%s #%llu", kBase[b], (unsigned long long)i);
  }
}

static const char* const kTypeNames[] = {"int8",    "int16",   "int32",  "int64",
                                         "uint8",   "uint16",  "uint32", "uint64",
                                         "float32", "float64", "bool"};
static const unsigned kTypeBits[] = {8, 16, 32, 64, 8, 16, 32, 64, 32, 64, 1};

/* Stores element (name, i, k) of `type` at dst. */
static void store(h5rec_type type, const char* name, uint64_t i, uint64_t k, void* dst) {
  if (type == H5REC_BOOL) {
    const uint8_t b = (uint8_t)top_bits(name, i, k, 1);
    memcpy(dst, &b, 1);
    return;
  }
  const unsigned bits = kTypeBits[type];
  const uint64_t v = top_bits(name, i, k, bits);
  switch (bits) {
    case 8: {
      const uint8_t x = (uint8_t)v;
      memcpy(dst, &x, 1);
      break;
    }
    case 16: {
      const uint16_t x = (uint16_t)v;
      memcpy(dst, &x, 2);
      break;
    }
    case 32: {
      const uint32_t x = (uint32_t)v;
      memcpy(dst, &x, 4);
      break;
    }
    default:
      memcpy(dst, &v, 8);
      break;
  }
}

/* One scalar row of every type through h5rec_log_<type>; returns the first failure. */
static int log_scalars(h5rec_logger* logger, uint64_t i) {
  char name[64];
  unsigned char buf[8];
  int rc = 0;
#define LOG_SCALAR(TYPE, CTYPE, FN)                             \
  if (rc == 0) {                                                \
    CTYPE v;                                                    \
    snprintf(name, sizeof name, "scalar/%s", kTypeNames[TYPE]); \
    store(TYPE, name, i, 0, buf);                               \
    memcpy(&v, buf, sizeof v);                                  \
    rc = FN(logger, name, v);                                   \
  }
  LOG_SCALAR(H5REC_INT8, int8_t, h5rec_log_int8)
  LOG_SCALAR(H5REC_INT16, int16_t, h5rec_log_int16)
  LOG_SCALAR(H5REC_INT32, int32_t, h5rec_log_int32)
  LOG_SCALAR(H5REC_INT64, int64_t, h5rec_log_int64)
  LOG_SCALAR(H5REC_UINT8, uint8_t, h5rec_log_uint8)
  LOG_SCALAR(H5REC_UINT16, uint16_t, h5rec_log_uint16)
  LOG_SCALAR(H5REC_UINT32, uint32_t, h5rec_log_uint32)
  LOG_SCALAR(H5REC_UINT64, uint64_t, h5rec_log_uint64)
  LOG_SCALAR(H5REC_FLOAT32, float, h5rec_log_float)
  LOG_SCALAR(H5REC_FLOAT64, double, h5rec_log_double)
#undef LOG_SCALAR
  if (rc == 0) {
    /* h5rec_log_bool takes an int: any nonzero is true. */
    snprintf(name, sizeof name, "scalar/%s", kTypeNames[H5REC_BOOL]);
    const int v = top_bits(name, i, 0, 1) ? (int)(i % 5) + 1 : 0;
    rc = h5rec_log_bool(logger, name, v);
  }
  return rc;
}

/* One row of a (2, 3) array of every type through h5rec_log_array. */
static int log_arrays(h5rec_logger* logger, uint64_t i) {
  const size_t shape[2] = {2, 3};
  for (int t = H5REC_INT8; t <= H5REC_BOOL; ++t) {
    char name[64];
    unsigned char data[6 * 8];
    snprintf(name, sizeof name, "array/%s", kTypeNames[t]);
    const size_t size = t == H5REC_BOOL ? 1 : kTypeBits[t] / 8;
    for (uint64_t k = 0; k < 6; ++k) store((h5rec_type)t, name, i, k, data + k * size);
    const int rc = h5rec_log_array(logger, name, (h5rec_type)t, shape, 2, data);
    if (rc != 0) return rc;
  }
  return 0;
}

static int log_rows(h5rec_logger* logger, uint64_t first, uint64_t count, size_t max_string) {
  for (uint64_t i = first; i < first + count; ++i) {
    char text[1024];
    int rc = log_scalars(logger, i);
    if (rc == 0) rc = log_arrays(logger, i);
    text_of(i, max_string, text, sizeof text);
    if (rc == 0) rc = h5rec_log_string(logger, "text", text);
    if (rc != 0) return rc;
  }
  return 0;
}

static int run_all(const char* path, uint64_t rows) {
  h5rec_logger* logger = h5rec_logger_open(path, NULL);
  if (logger == NULL) {
    print_message("open");
    return 1;
  }
  h5rec_logger_options defaults;
  h5rec_logger_options_init(&defaults);
  print_rc("log", log_rows(logger, 0, rows, defaults.max_string_bytes));
  print_rc("flush", h5rec_logger_flush(logger));
  print_rc("enable", h5rec_logger_enable_concurrent_readers(logger));
  print_rc("log_more", log_rows(logger, rows, rows, defaults.max_string_bytes));
  print_rc("new_name", h5rec_log_int32(logger, "late/name", 1));
  print_rc("log_after", log_rows(logger, 2 * rows, 1, defaults.max_string_bytes));
  print_rc("close", h5rec_logger_close(logger));
  return 0;
}

struct thread_result {
  int rc;
  char message[512];
};

static void* thread_error(void* arg) {
  struct thread_result* r = (struct thread_result*)arg;
  r->rc = h5rec_log_int32(NULL, "from/thread", 1);
  snprintf(r->message, sizeof r->message, "%s", h5rec_last_error());
  return NULL;
}

static int run_errors(const char* path) {
  h5rec_logger_options o;
  h5rec_logger_options_init(&o);
  printf(
      "DEFAULTS replace=%d concurrent=%d n_datasets=%zu checkpoint=%g chunk_bytes=%zu "
      "ring_chunks=%zu max_string=%zu\n",
      o.replace_if_exists, o.concurrent_readers, o.n_datasets, o.checkpoint_interval, o.chunk_bytes,
      o.ring_chunks, o.max_string_bytes);
  o.replace_if_exists = 1;
  o.chunk_bytes = 64;
  o.ring_chunks = 2;
  o.checkpoint_interval = 0.05;
  o.max_string_bytes = 8;
  h5rec_logger* logger = h5rec_logger_open(path, &o);
  if (logger == NULL) {
    print_message("open");
    return 1;
  }
  int rc = 0;
  for (uint64_t i = 0; i < 100 && rc == 0; ++i) {
    char name[] = "n";
    unsigned char v[4];
    store(H5REC_INT32, name, i, 0, v);
    int32_t x;
    memcpy(&x, v, 4);
    rc = h5rec_log_int32(logger, name, x);
  }
  print_rc("good", rc);
  print_rc("type_mismatch", h5rec_log_double(logger, "n", 1.5));
  const size_t shape1[1] = {3};
  const size_t shape2[2] = {3, 1};
  const float f3[3] = {1.0f, 2.0f, 3.0f};
  print_rc("vec", h5rec_log_array(logger, "vec", H5REC_FLOAT32, shape1, 1, f3));
  print_rc("shape_rank", h5rec_log_array(logger, "vec", H5REC_FLOAT32, shape2, 2, f3));
  const size_t shape_size[1] = {2};
  print_rc("shape_size", h5rec_log_array(logger, "vec", H5REC_FLOAT32, shape_size, 1, f3));
  print_rc("null_logger", h5rec_log_int32(NULL, "n", 1));
  print_rc("null_name", h5rec_log_int32(logger, NULL, 1));
  print_rc("null_text", h5rec_log_string(logger, "s", NULL));
  print_rc("null_logger_string", h5rec_log_string(NULL, "s", "x"));
  print_rc("null_name_string", h5rec_log_string(logger, NULL, "x"));
  print_rc("invalid_name", h5rec_log_int32(logger, "a//b", 1));
  print_rc("empty_name", h5rec_log_int32(logger, "", 1));
  print_rc("string_ok", h5rec_log_string(logger, "s", "12345678"));
  print_rc("string_too_long", h5rec_log_string(logger, "s", "123456789"));
  print_rc("string_to_number", h5rec_log_string(logger, "n", "x"));
  print_rc("array_bad_type", h5rec_log_array(logger, "vec", (h5rec_type)99, shape1, 1, f3));
  print_rc("array_null_data", h5rec_log_array(logger, "vec", H5REC_FLOAT32, shape1, 1, NULL));
  print_rc("array_null_shape", h5rec_log_array(logger, "vec", H5REC_FLOAT32, NULL, 1, f3));
  print_rc("flush_null", h5rec_logger_flush(NULL));
  print_rc("enable_null", h5rec_logger_enable_concurrent_readers(NULL));
  print_rc("close_null", h5rec_logger_close(NULL));
  /* A failure, then a success: h5rec_last_error() keeps the failure's message. */
  print_rc("main_error", h5rec_log_int32(logger, "bad//main", 1));
  {
    unsigned char v[4];
    int32_t x;
    store(H5REC_INT32, "n", 100, 0, v);
    memcpy(&x, v, 4);
    print_rc("success_after_error", h5rec_log_int32(logger, "n", x));
  }
  {
    /* Rank 0: h5rec_log_array logs a scalar (shape may be NULL). */
    unsigned char v[4];
    store(H5REC_INT32, "n", 101, 0, v);
    print_rc("array_rank0", h5rec_log_array(logger, "n", H5REC_INT32, NULL, 0, v));
  }
  /* h5rec_last_error() is per thread: another thread's failure does not change ours. */
  struct thread_result r;
  memset(&r, 0, sizeof r);
  pthread_t thread;
  if (pthread_create(&thread, NULL, thread_error, &r) != 0 || pthread_join(thread, NULL) != 0) {
    printf("THREAD failed\n");
    return 1;
  }
  printf("THREAD %d %s\n", r.rc, r.message);
  print_message("main_after_thread");
  for (int code = 0; code >= -11; --code) printf("STRERROR %d %s\n", code, h5rec_strerror(code));
  printf("STRERROR 1 %s\n", h5rec_strerror(1));
  print_rc("close", h5rec_logger_close(logger));
  return 0;
}

static int run_open_fail(const char* path) {
  h5rec_logger* logger = h5rec_logger_open(path, NULL);
  printf("OPEN_NULL %d\n", logger == NULL);
  print_message("open_not_hdf5");
  h5rec_logger_close(logger);
  logger = h5rec_logger_open(NULL, NULL);
  printf("OPEN_NULL %d\n", logger == NULL);
  print_message("open_null_path");
  h5rec_logger_options o;
  h5rec_logger_options_init(&o);
  o.replace_if_exists = 1;
  o.ring_chunks = 1;
  char other[4096];
  snprintf(other, sizeof other, "%s.ring1.h5", path);
  logger = h5rec_logger_open(other, &o);
  printf("OPEN_NULL %d\n", logger == NULL);
  print_message("open_bad_options");
  h5rec_logger_close(logger);
  return 0;
}

static int run_declared(const char* path) {
  const size_t vec3[1] = {3};
  const h5rec_dataset_declaration declared[3] = {
      {"train/loss", H5REC_FLOAT64, NULL, 0},
      {"train/acc", H5REC_FLOAT32, vec3, 1},
      {"note", H5REC_STRING, NULL, 0},
  };
  h5rec_logger_options o;
  h5rec_logger_options_init(&o);
  o.replace_if_exists = 1;
  o.concurrent_readers = 1;
  o.datasets = declared;
  o.n_declared = 3;
  h5rec_logger* logger = h5rec_logger_open(path, &o);
  if (logger == NULL) {
    print_message("open");
    return 1;
  }
  int rc = 0;
  for (int i = 0; i < 5 && rc == 0; ++i) {
    const float acc[3] = {(float)i, (float)i + 0.5f, (float)i + 0.25f};
    rc = h5rec_log_double(logger, "train/loss", 1.0 / (i + 1));
    if (rc == 0) rc = h5rec_log_array(logger, "train/acc", H5REC_FLOAT32, vec3, 1, acc);
    if (rc == 0) rc = h5rec_log_string(logger, "note", i % 2 ? "odd" : "even");
  }
  print_rc("declared_rows", rc);
  print_rc("undeclared", h5rec_log_int32(logger, "late", 1));
  print_rc("close", h5rec_logger_close(logger));

  char other[4096];
  snprintf(other, sizeof other, "%s.bad.h5", path);
  const h5rec_dataset_declaration bad[2] = {
      {"fine", H5REC_INT32, NULL, 0},
      {"text", H5REC_STRING, vec3, 1},
  };
  o.datasets = bad;
  o.n_declared = 2;
  logger = h5rec_logger_open(other, &o);
  printf("OPEN_NULL %d\n", logger == NULL);
  print_message("open_bad_declaration");
  h5rec_logger_close(logger);
  o.datasets = NULL;
  logger = h5rec_logger_open(other, &o);
  printf("OPEN_NULL %d\n", logger == NULL);
  print_message("open_null_declarations");
  h5rec_logger_close(logger);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 4 && strcmp(argv[1], "all") == 0) {
    return run_all(argv[2], strtoull(argv[3], NULL, 10));
  }
  if (argc >= 3 && strcmp(argv[1], "errors") == 0) return run_errors(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "open-fail") == 0) return run_open_fail(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "declared") == 0) return run_declared(argv[2]);
  fprintf(stderr,
          "usage: h5rec_logger_c_driver all FILE ROWS | errors FILE | open-fail FILE | "
          "declared FILE\n");
  return 2;
}
