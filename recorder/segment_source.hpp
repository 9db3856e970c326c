// Where a writer gets its files: the recorder rotates through segments (SegmentStore), so its
// writer asks for the next one when the current is due for rotation or has failed. The logger
// writes one file and has no source.
#pragma once

#include <cstdint>
#include <vector>

#include "base/error.hpp"
#include "recorder/hdf5/appendable_dataset.hpp"
#include "recorder/hdf5/h5_file.hpp"

namespace h5rec {

// A freshly opened segment: its file and, per writer binding (in the order they were added),
// the datasets of the binding's ring columns.
struct OpenSegment {
  h5::File* file = nullptr;
  std::vector<std::vector<h5::AppendableDataset*>> columns;
};

class SegmentSource {
 public:
  virtual ~SegmentSource() = default;
  // Creates the next segment, empty and checkpointed. Called with the HDF5 lock held.
  virtual Result<OpenSegment> open_next() = 0;
  // Closes the current segment. Cleanly after a final checkpoint; or, with `give_up`, after
  // storage failures: whatever was written since its last checkpoint is rolled back. Called
  // with the HDF5 lock held.
  virtual Status close_current(bool give_up) = 0;
  // Whether the current segment has reached its duration or size limit.
  virtual bool rotation_due() = 0;
  // Applies the retention policy (deleting the oldest closed segments). With `out_of_space`,
  // deletes at least one if any is left. Returns the bytes freed.
  virtual uint64_t apply_retention(bool out_of_space) = 0;
  // Whether there is room to start a segment again after running out of space.
  virtual bool space_available() = 0;
};

}  // namespace h5rec
