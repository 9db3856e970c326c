/* h5rec logger for C: log(name, value) into HDF5 through preallocated buffers and a background
 * writer with periodic crash-safe checkpoints (the C face of h5rec::Logger, <h5rec/logger.hpp>).
 *
 *   h5rec_logger* log = h5rec_logger_open("run.h5", NULL);       // NULL options: defaults
 *   if (!log) fprintf(stderr, "%s\n", h5rec_last_error());
 *   h5rec_log_double(log, "temperature", 21.5);                  // → /temperature, shape (N,)
 *   h5rec_logger_close(log);                                     // final checkpoint, frees
 *
 * Every function returning int returns 0 on success or a negative h5rec_error code;
 * h5rec_strerror(code) names the code, h5rec_last_error() gives the full message of the last
 * failure on the calling thread (which dataset, which file, why).
 *
 * Thread safety: a logger is not thread-safe. Use one logger per thread, or serialise every call
 * on a shared logger with one mutex. h5rec_last_error() is per thread. */
#ifndef H5REC_LOGGER_H
#define H5REC_LOGGER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct h5rec_logger h5rec_logger;

typedef enum h5rec_error {
  H5REC_OK = 0,
  H5REC_E_INVALID_NAME = -1,
  H5REC_E_TYPE_MISMATCH = -2,
  H5REC_E_SHAPE_MISMATCH = -3,
  H5REC_E_CLOSED = -4,
  H5REC_E_NEW_NAME_AFTER_SWMR = -5,
  H5REC_E_NOT_HDF5 = -6,
  H5REC_E_IO = -7,
  H5REC_E_INVALID_ARGUMENT = -8,
  H5REC_E_STRING_TOO_LONG = -9,
  H5REC_E_CANNOT_APPEND = -10
} h5rec_error;

typedef enum h5rec_type {
  H5REC_INT8,
  H5REC_INT16,
  H5REC_INT32,
  H5REC_INT64,
  H5REC_UINT8,
  H5REC_UINT16,
  H5REC_UINT32,
  H5REC_UINT64,
  H5REC_FLOAT32,
  H5REC_FLOAT64,
  H5REC_BOOL,
  H5REC_STRING /* declarations only: one variable-length UTF-8 string per row */
} h5rec_type;

/* A dataset created when the logger opens, before any value is logged: with
 * concurrent_readers, SWMR is switched on at open, and only declared names can be logged. */
typedef struct h5rec_dataset_declaration {
  const char* name; /* e.g. "train/loss" */
  h5rec_type type;
  const size_t* shape; /* `rank` dimensions of one value; NULL when rank is 0 (a scalar) */
  size_t rank;
} h5rec_dataset_declaration;

typedef struct h5rec_logger_options {
  int replace_if_exists;      /* nonzero: truncate an existing file; 0: append to it */
  int concurrent_readers;     /* nonzero: SWMR once n_datasets names exist (or on request) */
  size_t n_datasets;          /* 0: no automatic switch */
  double checkpoint_interval; /* seconds between checkpoints, > 0 */
  size_t chunk_bytes;         /* HDF5 chunk size per dataset */
  size_t ring_chunks;         /* chunk buffers per dataset, >= 2 */
  size_t max_string_bytes;    /* longest string h5rec_log_string takes */
  const h5rec_dataset_declaration* datasets; /* n_declared datasets to create at open (copied
                                                by h5rec_logger_open), or NULL */
  size_t n_declared;
} h5rec_logger_options;

/* Fills `options` with the defaults (what NULL options means). */
void h5rec_logger_options_init(h5rec_logger_options* options);

/* Opens or creates `path`. Returns NULL on failure (see h5rec_last_error()). */
h5rec_logger* h5rec_logger_open(const char* path, const h5rec_logger_options* options);

int h5rec_log_int8(h5rec_logger* logger, const char* name, int8_t value);
int h5rec_log_int16(h5rec_logger* logger, const char* name, int16_t value);
int h5rec_log_int32(h5rec_logger* logger, const char* name, int32_t value);
int h5rec_log_int64(h5rec_logger* logger, const char* name, int64_t value);
int h5rec_log_uint8(h5rec_logger* logger, const char* name, uint8_t value);
int h5rec_log_uint16(h5rec_logger* logger, const char* name, uint16_t value);
int h5rec_log_uint32(h5rec_logger* logger, const char* name, uint32_t value);
int h5rec_log_uint64(h5rec_logger* logger, const char* name, uint64_t value);
int h5rec_log_float(h5rec_logger* logger, const char* name, float value);
int h5rec_log_double(h5rec_logger* logger, const char* name, double value);
int h5rec_log_bool(h5rec_logger* logger, const char* name, int value);
/* A variable-length UTF-8 string (NUL-terminated). */
int h5rec_log_string(h5rec_logger* logger, const char* name, const char* text);
/* An array of `rank` dimensions `shape`, product(shape) values of `type` in C order. */
int h5rec_log_array(h5rec_logger* logger, const char* name, h5rec_type type, const size_t* shape,
                    size_t rank, const void* data);

/* Switches SWMR on now; no dataset can be created afterwards. */
int h5rec_logger_enable_concurrent_readers(h5rec_logger* logger);
/* A checkpoint: everything logged so far is written, visible to readers and fsynced. */
int h5rec_logger_flush(h5rec_logger* logger);
/* Final checkpoint, close and free (also on error). NULL is accepted. */
int h5rec_logger_close(h5rec_logger* logger);

/* A short, static description of an error code. */
const char* h5rec_strerror(int code);
/* The message of the last failure on this thread ("" if none). Valid until the next call. */
const char* h5rec_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* H5REC_LOGGER_H */
