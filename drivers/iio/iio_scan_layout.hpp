// Where each enabled element sits in one IIO scan, as the kernel lays scans out
// (industrialio-buffer.c, iio_compute_scan_bytes): elements in ascending scan index, the
// timestamp last, each at an offset aligned to its size (storage bytes x repeat), and the scan
// padded to a multiple of its largest element.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "drivers/iio/iio_scan_type.hpp"

namespace h5rec::platform {

struct IioScanElement {
  std::string name;    // "voltage0", "accel_x", "timestamp" (scan_elements/in_<name>_en)
  unsigned index = 0;  // scan_elements/in_<name>_index
  IioScanType type;
};

struct IioScanLayout {
  std::vector<IioScanElement> elements;  // enabled elements in scan order
  std::vector<size_t> offsets;           // byte offset of each, same order
  size_t scan_bytes = 0;                 // bytes per scan (what the char device delivers)

  // Position of `name` in elements, or elements.size() when it is not in the scan.
  size_t find(const std::string& name) const;
};

// Lays out the enabled elements (any order). Two elements with one index is an error.
Result<IioScanLayout> compute_iio_scan_layout(std::vector<IioScanElement> enabled);

}  // namespace h5rec::platform
