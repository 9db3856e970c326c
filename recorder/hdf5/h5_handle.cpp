#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {
namespace {

herr_t collect(unsigned depth, const H5E_error2_t* err, void* out) {
  auto* text = static_cast<std::string*>(out);
  // The innermost entries (depth 0, 1) carry the cause; outer ones repeat API names.
  if (depth < 2 && err->desc != nullptr && err->desc[0] != '\0') {
    if (!text->empty()) *text += ": ";
    *text += err->desc;
  }
  return 0;
}

}  // namespace

std::mutex& api_mutex() {
  static std::mutex mutex;
  return mutex;
}

void silence_errors() {
  thread_local bool silenced = false;
  if (!silenced) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

static thread_local Status t_storage_failure;

void note_storage_failure(const Status& failure) { t_storage_failure = failure; }

Status take_storage_failure() { return std::exchange(t_storage_failure, Status()); }

Error error(const std::string& what, const std::string& where) {
  Error e{what + " '" + where + "': " + last_error()};
  if (!t_storage_failure) {
    e.message += " (" + t_storage_failure.message() + ")";
    e.code = t_storage_failure.code();
    t_storage_failure = Status();
  }
  return e;
}

std::string last_error() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &text);
  return text.empty() ? "HDF5 error" : text;
}

}  // namespace h5rec::h5
