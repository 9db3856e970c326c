// RAII ownership of HDF5 identifiers and HDF5 error text. Only files under recorder/hdf5 and
// tools/ include hdf5.h.
#pragma once

#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

#include "base/error.hpp"

namespace h5rec::h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now and reports whether HDF5 accepted the close.
  bool close() {
    if (!valid()) return true;
    const bool ok = closer_(std::exchange(id_, H5I_INVALID_HID)) >= 0;
    return ok;
  }
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline Handle file(hid_t id) { return {id, H5Fclose}; }
inline Handle group(hid_t id) { return {id, H5Gclose}; }
inline Handle dataset(hid_t id) { return {id, H5Dclose}; }
inline Handle dataspace(hid_t id) { return {id, H5Sclose}; }
inline Handle datatype(hid_t id) { return {id, H5Tclose}; }
inline Handle attribute(hid_t id) { return {id, H5Aclose}; }
inline Handle plist(hid_t id) { return {id, H5Pclose}; }

// HDF5 builds for boards are not thread-safe: every thread that calls HDF5 while another may
// (recorder writers, loggers and their writers) holds this lock for the calls' duration.
std::mutex& api_mutex();

// Turns off HDF5's own printing of error stacks for the calling thread (we report errors
// ourselves; thread-safe HDF5 builds keep one error stack per thread). Cheap when repeated.
void silence_errors();
// The innermost messages of HDF5's current error stack, e.g. "unable to open file: ...".
std::string last_error();
// The storage failure behind a failing HDF5 call: the file driver notes it (with its errno) on
// the calling thread, and error() reports and clears it.
void note_storage_failure(const Status& failure);
// Returns (and clears) the storage failure noted on this thread, if any.
Status take_storage_failure();
// "<what> '<where>': <last_error()>", the form every HDF5 failure is reported in; when storage
// failed underneath, its message and errno are included (so callers can tell ENOSPC from EIO).
Error error(const std::string& what, const std::string& where);

}  // namespace h5rec::h5
