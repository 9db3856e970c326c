// The C API: an opaque handle around h5rec::Logger, error codes instead of LogStatus.
#include <h5rec/logger.h>

#include <h5rec/logger.hpp>
#include <string>

struct h5rec_logger {
  h5rec::Logger logger;
};

namespace {

static_assert(H5REC_BOOL == static_cast<int>(h5rec::LogType::kBool) &&
                  H5REC_STRING == static_cast<int>(h5rec::LogType::kString),
              "h5rec_type and h5rec::LogType number the types alike");

thread_local std::string t_last_error;

int report(const h5rec::LogStatus& status) {
  if (status.ok()) return H5REC_OK;
  t_last_error = status.message();
  return -static_cast<int>(status.code());
}

template <class T>
int log_value(h5rec_logger* logger, const char* name, T value) {
  if (logger == nullptr || name == nullptr) {
    return report({h5rec::LogError::kInvalidArgument, "h5rec_log: NULL logger or name"});
  }
  return report(logger->logger.log(name, value));
}

}  // namespace

extern "C" {

void h5rec_logger_options_init(h5rec_logger_options* options) {
  const h5rec::Logger::Options defaults;
  options->replace_if_exists = defaults.replace_if_exists;
  options->concurrent_readers = defaults.concurrent_readers;
  options->n_datasets = defaults.n_datasets;
  options->checkpoint_interval = defaults.checkpoint_interval;
  options->chunk_bytes = defaults.chunk_bytes;
  options->ring_chunks = defaults.ring_chunks;
  options->max_string_bytes = defaults.max_string_bytes;
  options->datasets = nullptr;
  options->n_declared = 0;
}

h5rec_logger* h5rec_logger_open(const char* path, const h5rec_logger_options* options) {
  if (path == nullptr) {
    report({h5rec::LogError::kInvalidArgument, "h5rec_logger_open: NULL path"});
    return nullptr;
  }
  h5rec_logger_options o;
  h5rec_logger_options_init(&o);
  if (options != nullptr) o = *options;
  h5rec::Logger::Options cpp;
  cpp.replace_if_exists = o.replace_if_exists != 0;
  cpp.concurrent_readers = o.concurrent_readers != 0;
  cpp.n_datasets = o.n_datasets;
  cpp.checkpoint_interval = o.checkpoint_interval;
  cpp.chunk_bytes = o.chunk_bytes;
  cpp.ring_chunks = o.ring_chunks;
  cpp.max_string_bytes = o.max_string_bytes;
  if (o.n_declared > 0 && o.datasets == nullptr) {
    report({h5rec::LogError::kInvalidArgument, "h5rec_logger_open: n_declared > 0, datasets NULL"});
    return nullptr;
  }
  for (size_t i = 0; i < o.n_declared; ++i) {
    const h5rec_dataset_declaration& d = o.datasets[i];
    if (d.name == nullptr || d.type < H5REC_INT8 || d.type > H5REC_STRING ||
        (d.rank > 0 && d.shape == nullptr) || (d.type == H5REC_STRING && d.rank > 0)) {
      report({h5rec::LogError::kInvalidArgument,
              "h5rec_logger_open: declared dataset " + std::to_string(i) +
                  (d.name != nullptr ? " ('" + std::string(d.name) + "')" : std::string()) +
                  ": NULL name, unknown type, NULL shape, or a string with a shape"});
      return nullptr;
    }
    cpp.datasets.push_back({d.name, static_cast<h5rec::LogType>(d.type),
                            std::vector<size_t>(d.shape, d.shape + d.rank)});
  }
  auto* logger = new h5rec_logger{h5rec::Logger(path, std::move(cpp))};
  if (!logger->logger.is_open()) {
    report(logger->logger.open_status());
    delete logger;
    return nullptr;
  }
  return logger;
}

int h5rec_log_int8(h5rec_logger* l, const char* n, int8_t v) { return log_value(l, n, v); }
int h5rec_log_int16(h5rec_logger* l, const char* n, int16_t v) { return log_value(l, n, v); }
int h5rec_log_int32(h5rec_logger* l, const char* n, int32_t v) { return log_value(l, n, v); }
int h5rec_log_int64(h5rec_logger* l, const char* n, int64_t v) { return log_value(l, n, v); }
int h5rec_log_uint8(h5rec_logger* l, const char* n, uint8_t v) { return log_value(l, n, v); }
int h5rec_log_uint16(h5rec_logger* l, const char* n, uint16_t v) { return log_value(l, n, v); }
int h5rec_log_uint32(h5rec_logger* l, const char* n, uint32_t v) { return log_value(l, n, v); }
int h5rec_log_uint64(h5rec_logger* l, const char* n, uint64_t v) { return log_value(l, n, v); }
int h5rec_log_float(h5rec_logger* l, const char* n, float v) { return log_value(l, n, v); }
int h5rec_log_double(h5rec_logger* l, const char* n, double v) { return log_value(l, n, v); }
int h5rec_log_bool(h5rec_logger* l, const char* n, int v) { return log_value(l, n, v != 0); }

int h5rec_log_string(h5rec_logger* logger, const char* name, const char* text) {
  if (text == nullptr) {
    return report({h5rec::LogError::kInvalidArgument, "h5rec_log_string: NULL text"});
  }
  return log_value(logger, name, text);
}

int h5rec_log_array(h5rec_logger* logger, const char* name, h5rec_type type, const size_t* shape,
                    size_t rank, const void* data) {
  if (logger == nullptr || name == nullptr || data == nullptr || (rank > 0 && shape == nullptr) ||
      type < H5REC_INT8 || type > H5REC_BOOL) {
    return report({h5rec::LogError::kInvalidArgument, "h5rec_log_array: invalid argument"});
  }
  static constexpr size_t kSizes[] = {1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 1};
  size_t values = 1;
  for (size_t d = 0; d < rank; ++d) values *= shape[d];
  return report(logger->logger.log_raw(name, static_cast<h5rec::LogType>(type),
                                       std::span<const size_t>(shape, rank), data,
                                       values * kSizes[type]));
}

int h5rec_logger_enable_concurrent_readers(h5rec_logger* logger) {
  if (logger == nullptr) return report({h5rec::LogError::kInvalidArgument, "NULL logger"});
  return report(logger->logger.enable_concurrent_readers());
}

int h5rec_logger_flush(h5rec_logger* logger) {
  if (logger == nullptr) return report({h5rec::LogError::kInvalidArgument, "NULL logger"});
  return report(logger->logger.flush());
}

int h5rec_logger_close(h5rec_logger* logger) {
  if (logger == nullptr) return H5REC_OK;
  const int rc = report(logger->logger.close());
  delete logger;
  return rc;
}

const char* h5rec_strerror(int code) {
  switch (code) {
    case H5REC_OK:
      return "success";
    case H5REC_E_INVALID_NAME:
      return "invalid dataset name";
    case H5REC_E_TYPE_MISMATCH:
      return "value type differs from the dataset's";
    case H5REC_E_SHAPE_MISMATCH:
      return "value shape differs from the dataset's";
    case H5REC_E_CLOSED:
      return "logger is closed";
    case H5REC_E_NEW_NAME_AFTER_SWMR:
      return "new dataset after concurrent readers were enabled";
    case H5REC_E_NOT_HDF5:
      return "file exists and is not HDF5";
    case H5REC_E_IO:
      return "HDF5 or storage error";
    case H5REC_E_INVALID_ARGUMENT:
      return "invalid argument";
    case H5REC_E_STRING_TOO_LONG:
      return "string longer than max_string_bytes";
    case H5REC_E_CANNOT_APPEND:
      return "existing dataset cannot be continued";
    default:
      return "unknown h5rec error code";
  }
}

const char* h5rec_last_error(void) { return t_last_error.c_str(); }

}  // extern "C"
