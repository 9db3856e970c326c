// h5rec's HDF5 file driver: adapts HDF5's virtual file driver callbacks (H5FD_class_t) to the
// commit protocol of recorder/journal/checkpointed_file.hpp, which does all the I/O. Every byte
// HDF5 reads or writes goes through platform storage (pwrite/pread/fsync, so the sim platform
// can trace it and inject faults) and, with crash safety on, through a rollback journal
// (recorder/journal/rollback_journal.hpp). HDF5's end of allocation is the protocol's allocated
// size. Files stay plain HDF5: the driver stores nothing in them, and stock tools open them with
// HDF5's default driver.
#pragma once

#include <memory>
#include <string>

#include "platform/error.hpp"
#include "platform/storage.hpp"
#include "recorder/hdf5/h5_handle.hpp"

namespace h5rec::h5 {

struct DriverOptions {
  platform::Storage* storage = nullptr;
  bool crash_safe = true;  // false: writes go straight to the file and commit() only fsyncs
};

// Makes a file access property list open files through the driver.
Status use_journal_driver(hid_t fapl, const DriverOptions& options);

// The driver's view of one open file, for the code that owns the HDF5 file.
class JournaledFile {
 public:
  // Makes everything HDF5 has written so far durable, after H5Fflush. With crash safety: three
  // fsyncs (journal, file, journal) when checkpointed bytes change, else one. A failure before
  // the file was touched may be retried; a later one abandons the file.
  virtual Status commit() = 0;
  // Gives the file up after storage failures: later writes are dropped and commits fail, so
  // closing it through HDF5 cannot make things worse; the journal stays behind so recovery
  // restores the last checkpoint.
  virtual void abandon() = 0;
  virtual bool abandoned() const = 0;
  // Storage operations that failed under HDF5 since the last call. HDF5 is never told (a failed
  // write leaves HDF5's caches in states it cannot recover from): the bytes are held and the
  // next commit retries them, failing if storage still does.
  virtual uint64_t take_failed_operations() = 0;
  // The last storage failure held for the next commit (ok when none): the writer commits early
  // to retry it.
  virtual Status pending_failure() const = 0;

 protected:
  ~JournaledFile() = default;
};

// The driver's file behind an open HDF5 file id; nullptr if it was opened another way.
JournaledFile* journaled_file(hid_t file_id);

}  // namespace h5rec::h5
