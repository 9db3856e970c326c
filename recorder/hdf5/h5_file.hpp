// An HDF5 file opened for appending the way h5rec writes: through platform storage and the
// journal driver (crash-safe checkpoints), latest file format (needed for SWMR in HDF5 1.10),
// link creation order kept, a fixed-size metadata cache and capped free lists so memory stays
// flat. Used by one thread at a time (the caller serialises access).
#pragma once

#include <string>

#include "base/error.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/h5_handle.hpp"
#include "recorder/hdf5/journal_driver.hpp"

namespace h5rec::h5 {

class File {
 public:
  enum class Create { kFailIfExists, kTruncate };
  static Result<File> create(const std::string& path, Create mode, const DriverOptions& driver);
  // Opens an existing HDF5 file for appending. Fails (saying so) if it is not HDF5 or was not
  // closed cleanly (recover it first).
  static Result<File> open(const std::string& path, const DriverOptions& driver);

  hid_t id() const { return file_.get(); }
  const std::string& path() const { return path_; }
  bool swmr() const { return swmr_; }
  // The superblock's format version: SWMR writing needs 3 or more (HDF5 1.10 "latest").
  unsigned superblock_version() const;
  uint64_t size() const;  // bytes, as HDF5 sees the file

  // Switches to SWMR writing: create every object and close every attribute first. Commits,
  // so SWMR readers can open the file when this returns.
  Status start_swmr();
  // Sizes the fixed metadata cache for a file of `datasets` growing datasets, once they are
  // made: room for what they touch between checkpoints (less rereads metadata all the time),
  // not more (more fills with metadata never touched again, and memory grows with it).
  Status size_metadata_cache(size_t datasets);
  // The heap such a file's metadata cache still takes after the file is made: the cache fills to
  // its fixed size over the file's first half hour or so (with the least recently used metadata),
  // and each byte it holds costs HDF5 about 2.8 bytes of heap (the entry, its on-disk image,
  // bookkeeping; bench/RESULTS.md's field-station memory table), plus the heap's fragmentation.
  static size_t metadata_cache_heap_bytes(size_t datasets);
  // Writes all metadata to the driver (nothing is durable yet).
  Status flush();
  // After flush(): makes the flushed state durable, the checkpoint (see journal_driver.hpp).
  // Keep the HDF5 lock from the flush through the commit: another thread's HDF5 write in
  // between would be committed half-done.
  Status commit();
  // Gives the file up after storage failures (see JournaledFile::abandon).
  void abandon();
  bool abandoned() const { return journaled_ != nullptr && journaled_->abandoned(); }
  // See JournaledFile::pending_failure.
  Status pending_failure() const {
    return journaled_ != nullptr ? journaled_->pending_failure() : Status();
  }
  // See JournaledFile::take_failed_operations.
  uint64_t take_failed_operations() {
    return journaled_ != nullptr ? journaled_->take_failed_operations() : 0;
  }
  // Closes the file; the close is durable (committed, journal removed) when this succeeds.
  Status close();

 private:
  std::string path_;
  Handle file_;
  JournaledFile* journaled_ = nullptr;  // owned by HDF5's file driver, valid while file_ is open
  bool swmr_ = false;
};

}  // namespace h5rec::h5
