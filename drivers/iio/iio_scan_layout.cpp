#include "drivers/iio/iio_scan_layout.hpp"

#include <algorithm>

namespace h5rec::platform {
namespace {

// The kernel's ALIGN(): rounds up for the power-of-two sizes of plain elements; for repeated
// elements of other sizes it computes what the kernel computes, which is what the device sends.
size_t kernel_align(size_t bytes, size_t alignment) {
  return (bytes + alignment - 1) & ~(alignment - 1);
}

}  // namespace

size_t IioScanLayout::find(const std::string& name) const {
  for (size_t k = 0; k < elements.size(); ++k) {
    if (elements[k].name == name) return k;
  }
  return elements.size();
}

Result<IioScanLayout> compute_iio_scan_layout(std::vector<IioScanElement> enabled) {
  // The kernel appends the timestamp after the scan mask's elements, whatever its index.
  std::stable_sort(enabled.begin(), enabled.end(),
                   [](const IioScanElement& a, const IioScanElement& b) {
                     const bool a_ts = a.name == "timestamp";
                     const bool b_ts = b.name == "timestamp";
                     if (a_ts != b_ts) return b_ts;
                     return a.index < b.index;
                   });
  for (size_t k = 1; k < enabled.size(); ++k) {
    if (enabled[k].index == enabled[k - 1].index) {
      return Error{"IIO scan elements '" + enabled[k - 1].name + "' and '" + enabled[k].name +
                   "' have the same index " + std::to_string(enabled[k].index)};
    }
  }
  IioScanLayout layout;
  size_t bytes = 0;
  size_t largest = 0;
  for (const IioScanElement& e : enabled) {
    const size_t length = e.type.element_bytes();
    bytes = kernel_align(bytes, length);
    layout.offsets.push_back(bytes);
    bytes += length;
    largest = std::max(largest, length);
  }
  layout.scan_bytes = largest == 0 ? 0 : kernel_align(bytes, largest);
  layout.elements = std::move(enabled);
  return layout;
}

}  // namespace h5rec::platform
