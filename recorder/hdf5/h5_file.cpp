#include "recorder/hdf5/h5_file.hpp"

#include <algorithm>

namespace h5rec::h5 {
namespace {

// While a file is being made (groups, datasets, attributes), before size_metadata_cache().
constexpr size_t kMetadataCacheBytes = 256 << 10;
// What one appendable dataset touches while it grows (its object header, chunk-index header, index
// block and the index data block being filled), with room to spare: the least recently used blocks
// are evicted when it is full. 1.25 KiB per dataset kept resident memory flatter over the first
// hour (0.8% growth against 2.5%) but doubled the recorder's instructions per row and halved the
// write speed of small chunks: the working set no longer fit, and evicted index blocks were written
// and read back again and again. Memory reaches a plateau either way, within hours
// (bench/RESULTS.md, the field-station memory table).
constexpr size_t kMetadataCacheBytesPerDataset = 4096;
constexpr size_t kMinMetadataCacheBytes = 32 << 10;
constexpr int kFreeListBytes = 256 << 10;
// Heap per byte the metadata cache holds, with room for the heap's fragmentation: about 2.8 is
// in use; with 4 the heap still grew by 100 KB over an hour with a segment rotation (the test
// FixedMemory.WithTheHeapReservedAtStartResidentMemoryIsFlatFromTheFirstMinute), with 6 not.
constexpr size_t kHeapBytesPerCachedByte = 6;

// A fixed-size metadata cache: memory stays flat however long the file grows.
void set_fixed_cache_size(H5AC_cache_config_t& cache, size_t bytes) {
  cache.set_initial_size = true;
  cache.initial_size = bytes;
  cache.min_size = bytes;
  cache.max_size = bytes;
  cache.incr_mode = H5C_incr__off;
  cache.flash_incr_mode = H5C_flash_incr__off;
  cache.decr_mode = H5C_decr__off;
}

size_t metadata_cache_bytes(size_t datasets) {
  return std::max(kMinMetadataCacheBytes, datasets * kMetadataCacheBytesPerDataset);
}

Result<Handle> access_properties(const DriverOptions& driver) {
  // HDF5 keeps freed blocks on free lists for reuse; cap them so they cannot grow with the file.
  H5set_free_list_limits(kFreeListBytes, kFreeListBytes, kFreeListBytes, kFreeListBytes,
                         kFreeListBytes, kFreeListBytes);
  Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS));
  // SWMR writing in HDF5 1.10 needs the latest file format.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  // No H5Pset_alignment: chunks are sized by time, not to pages, and every aligned allocation
  // would leave a free-space fragment that HDF5 tracks in memory for the life of the file.
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  H5Pget_mdc_config(fapl.get(), &cache);
  set_fixed_cache_size(cache, kMetadataCacheBytes);
  H5Pset_mdc_config(fapl.get(), &cache);
  if (Status s = use_journal_driver(fapl.get(), driver); !s) return s.error();
  return fapl;
}

}  // namespace

Result<File> File::create(const std::string& path, Create mode, const DriverOptions& driver) {
  silence_errors();
  // Groups list their members in creation order, not alphabetically.
  Handle fcpl = plist(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  auto fapl = access_properties(driver);
  if (!fapl) return fapl.error();
  File out;
  out.path_ = path;
  const unsigned flags = mode == Create::kFailIfExists ? H5F_ACC_EXCL : H5F_ACC_TRUNC;
  out.file_ = file(H5Fcreate(path.c_str(), flags, fcpl.get(), fapl.value().get()));
  if (!out.file_.valid()) return error("create HDF5 file", path);
  (void)take_storage_failure();  // HDF5 first tries to open the file without creating it
  out.journaled_ = journaled_file(out.file_.get());
  return out;
}

Result<File> File::open(const std::string& path, const DriverOptions& driver) {
  silence_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    return Error{"'" + path + "' exists but is not an HDF5 file"};
  }
  auto fapl = access_properties(driver);
  if (!fapl) return fapl.error();
  File out;
  out.path_ = path;
  out.file_ = file(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.value().get()));
  if (!out.file_.valid()) return error("open HDF5 file for appending", path);
  out.journaled_ = journaled_file(out.file_.get());
  return out;
}

unsigned File::superblock_version() const {
  H5F_info2_t info{};
  if (H5Fget_info2(file_.get(), &info) < 0) return 0;
  return info.super.version;
}

uint64_t File::size() const {
  hsize_t size = 0;
  return H5Fget_filesize(file_.get(), &size) < 0 ? 0 : size;
}

size_t File::metadata_cache_heap_bytes(size_t datasets) {
  return kHeapBytesPerCachedByte * metadata_cache_bytes(datasets);
}

Status File::size_metadata_cache(size_t datasets) {
  const size_t bytes = metadata_cache_bytes(datasets);
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  if (H5Fget_mdc_config(file_.get(), &cache) < 0)
    return error("read the metadata cache size of", path_);
  if (cache.max_size == bytes) return {};
  set_fixed_cache_size(cache, bytes);
  if (H5Fset_mdc_config(file_.get(), &cache) < 0) return error("size the metadata cache of", path_);
  return {};
}

Status File::start_swmr() {
  silence_errors();
  if (swmr_) return {};
  if (H5Fstart_swmr_write(file_.get()) < 0) return error("start SWMR writing", path_);
  swmr_ = true;
  // The switch rewrote the superblock; readers look there for SWMR mode: commit it.
  return commit();
}

Status File::flush() {
  silence_errors();
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) return error("flush", path_);
  // Index blocks evicted from the metadata cache go to HDF5's free lists, sized per block; as
  // the index grows those sizes are never reused. Returning them keeps memory flat.
  H5garbage_collect();
  return {};
}

Status File::commit() {
  if (journaled_ == nullptr)
    return Error{"commit '" + path_ + "': not open through h5rec's driver"};
  return journaled_->commit();
}

void File::abandon() {
  if (journaled_ != nullptr) journaled_->abandon();
}

Status File::close() {
  silence_errors();
  journaled_ = nullptr;
  (void)take_storage_failure();
  if (!file_.close()) return error("close", path_);
  return take_storage_failure();  // the driver's close never fails HDF5's
}

}  // namespace h5rec::h5
