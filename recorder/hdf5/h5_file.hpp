// An HDF5 file opened for appending the way h5rec writes: latest file format (needed for SWMR in
// HDF5 1.10), link creation order kept, a fixed-size metadata cache and capped free lists so memory
// stays flat. Used by one thread at a time (the caller serialises access).
#pragma once

#include <string>

#include "platform/error.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {

class File {
 public:
  enum class Create { kFailIfExists, kTruncate };
  static Result<File> create(const std::string& path, Create mode);
  // Opens an existing HDF5 file for appending. Fails (saying so) if it is not HDF5.
  static Result<File> open(const std::string& path);

  hid_t id() const { return file_.get(); }
  const std::string& path() const { return path_; }
  bool swmr() const { return swmr_; }
  // The superblock's format version: SWMR writing needs 3 or more (HDF5 1.10 "latest").
  unsigned superblock_version() const;

  // Switches to SWMR writing: create every object and close every attribute first.
  Status start_swmr();
  // Writes all metadata (no fsync: callers fsync through platform storage).
  Status flush();
  Status close();
  // close(), then an fsync through platform storage: the close clears the superblock's "open for
  // writing" flags, and that must survive a power cut too.
  Status close_durably(platform::Storage& storage);

 private:
  std::string path_;
  Handle file_;
  bool swmr_ = false;
};

}  // namespace h5rec::h5
