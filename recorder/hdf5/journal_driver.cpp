#include "recorder/hdf5/journal_driver.hpp"

#include <algorithm>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "recorder/journal/checkpointed_file.hpp"

namespace h5rec::h5 {
namespace {

// The JournaledFile the writer reaches through HDF5 (journaled_file()): the protocol's file as
// HDF5 opened it.
class DriverFile final : public JournaledFile {
 public:
  explicit DriverFile(std::unique_ptr<journal::CheckpointedFile> file) : file_(std::move(file)) {}
  ~DriverFile() = default;

  Status commit() override { return file_->commit(); }
  void abandon() override { file_->abandon(); }
  bool abandoned() const override { return file_->abandoned(); }
  uint64_t take_failed_operations() override { return file_->take_failed_operations(); }
  Status pending_failure() const override { return file_->pending_failure(); }

  journal::CheckpointedFile& file() { return *file_; }

 private:
  std::unique_ptr<journal::CheckpointedFile> file_;
};

// HDF5's open flags as the protocol's options.
journal::CheckpointedFileOptions options_of(const DriverOptions& options, unsigned flags) {
  journal::CheckpointedFileOptions out;
  out.writable = (flags & H5F_ACC_RDWR) != 0;
  out.create = (flags & H5F_ACC_CREAT) != 0;
  out.exclusive = (flags & H5F_ACC_EXCL) != 0;
  out.crash_safe = options.crash_safe;
  return out;
}

// ---- The HDF5 file driver class ----

struct DriverHandle {
  H5FD_t base;  // first: HDF5 sees a pointer to this
  DriverFile* file;
};

DriverFile* driver_file_of(const H5FD_t* f) { return reinterpret_cast<const DriverHandle*>(f)->file; }
journal::CheckpointedFile& file_of(const H5FD_t* f) { return driver_file_of(f)->file(); }

herr_t fail(const Status& s, hid_t minor) {
  note_storage_failure(s);
  H5Epush2(H5E_DEFAULT, __FILE__, "h5rec journal driver", __LINE__, H5E_ERR_CLS, H5E_VFL, minor,
           "%s", s.message().c_str());
  return -1;
}

void* fapl_copy(const void* info) {
  return new DriverOptions(*static_cast<const DriverOptions*>(info));
}
herr_t fapl_free(void* info) {
  delete static_cast<DriverOptions*>(info);
  return 0;
}

H5FD_t* driver_open(const char* name, unsigned flags, hid_t fapl, haddr_t) {
  const auto* options = static_cast<const DriverOptions*>(H5Pget_driver_info(fapl));
  if (options == nullptr || options->storage == nullptr) {
    (void)fail(Error{std::string("open '") + name + "': no storage given to the driver"},
               H5E_CANTOPENFILE);
    return nullptr;
  }
  try {  // nothing may be thrown through HDF5's C frames
    auto file = journal::CheckpointedFile::open(*options->storage, name, options_of(*options, flags));
    if (!file) {
      (void)fail(file.error(), H5E_CANTOPENFILE);
      return nullptr;
    }
    auto adapted = std::make_unique<DriverFile>(std::move(file.value()));
    auto* handle = new DriverHandle{};
    handle->file = adapted.release();
    return &handle->base;
  } catch (const std::bad_alloc&) {
    (void)fail(Error{std::string("open '") + name + "': out of memory"}, H5E_CANTOPENFILE);
    return nullptr;
  }
}

herr_t driver_close(H5FD_t* f) {
  auto* handle = reinterpret_cast<DriverHandle*>(f);
  const Status s = handle->file->file().close();
  delete handle->file;
  delete handle;
  // HDF5 must let go of the file whatever happened (a failed close leaves it half-closed until
  // the process exits); h5::File::close() reports the failure.
  if (!s) note_storage_failure(s);
  return 0;
}

int driver_cmp(const H5FD_t* a, const H5FD_t* b) {
  return file_of(a).path().compare(file_of(b).path());
}

herr_t driver_query(const H5FD_t*, unsigned long* flags) {
  *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
           H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_SUPPORTS_SWMR_IO;
#ifdef H5FD_FEAT_DEFAULT_VFD_COMPATIBLE
  *flags |= H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
#endif
  return 0;
}

haddr_t driver_get_eoa(const H5FD_t* f, H5FD_mem_t) { return file_of(f).allocated_size(); }
herr_t driver_set_eoa(H5FD_t* f, H5FD_mem_t, haddr_t addr) {
  file_of(f).set_allocated_size(addr);
  return 0;
}
haddr_t driver_get_eof(const H5FD_t* f, H5FD_mem_t) { return file_of(f).size(); }

herr_t driver_get_handle(H5FD_t* f, hid_t, void** handle) {
  *handle = static_cast<JournaledFile*>(driver_file_of(f));
  return 0;
}

herr_t driver_read(H5FD_t* f, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buffer) {
  const Status s = file_of(f).read(addr, {static_cast<std::byte*>(buffer), size});
  return s ? 0 : fail(s, H5E_READERROR);
}

herr_t driver_write(H5FD_t* f, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buffer) {
  try {  // held writes allocate; nothing may be thrown through HDF5's C frames
    const Status s = file_of(f).write(addr, {static_cast<const std::byte*>(buffer), size});
    return s ? 0 : fail(s, H5E_WRITEERROR);
  } catch (const std::bad_alloc&) {
    return fail(Error{file_of(f).path() + ": write: out of memory"}, H5E_WRITEERROR);
  }
}

herr_t driver_truncate(H5FD_t* f, hid_t, hbool_t) {
  const Status s = file_of(f).truncate();
  return s ? 0 : fail(s, H5E_SEEKERROR);
}

// HDF5's own file locks are not used: a writer holds its journal's lock instead, and SWMR
// readers must be able to open the file while it is written.
herr_t driver_lock(H5FD_t*, hbool_t) { return 0; }
herr_t driver_unlock(H5FD_t*) { return 0; }

H5FD_class_t driver_class() {
  H5FD_class_t c{};
#if H5_VERSION_GE(1, 13, 2)
  c.version = H5FD_CLASS_VERSION;
  c.value = static_cast<H5FD_class_value_t>(0x1f5);  // user driver values are 256..511
#endif
  c.name = "h5rec_journal";
  c.maxaddr = static_cast<haddr_t>(INT64_MAX);
  c.fc_degree = H5F_CLOSE_WEAK;
  c.fapl_size = sizeof(DriverOptions);
  c.fapl_copy = fapl_copy;
  c.fapl_free = fapl_free;
  c.open = driver_open;
  c.close = driver_close;
  c.cmp = driver_cmp;
  c.query = driver_query;
  c.get_eoa = driver_get_eoa;
  c.set_eoa = driver_set_eoa;
  c.get_eof = driver_get_eof;
  c.get_handle = driver_get_handle;
  c.read = driver_read;
  c.write = driver_write;
  c.truncate = driver_truncate;
  c.lock = driver_lock;
  c.unlock = driver_unlock;
  const H5FD_mem_t free_lists[H5FD_MEM_NTYPES] = H5FD_FLMAP_DICHOTOMY;  // as sec2
  std::copy(std::begin(free_lists), std::end(free_lists), std::begin(c.fl_map));
  return c;
}

hid_t driver_id() {
  static const H5FD_class_t cls = driver_class();
  static const hid_t id = H5FDregister(&cls);
  return id;
}

}  // namespace

Status use_journal_driver(hid_t fapl, const DriverOptions& options) {
  const hid_t id = driver_id();
  if (id < 0) return error("register the h5rec file driver", "HDF5");
  if (H5Pset_driver(fapl, id, &options) < 0) return error("select the h5rec file driver", "HDF5");
  return {};
}

JournaledFile* journaled_file(hid_t file_id) {
  Handle fapl = plist(H5Fget_access_plist(file_id));
  if (!fapl.valid() || H5Pget_driver(fapl.get()) != driver_id()) return nullptr;
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file_id, fapl.get(), &handle) < 0) return nullptr;
  return static_cast<JournaledFile*>(handle);
}

}  // namespace h5rec::h5
