#include "recorder/hdf5/recording_file.hpp"

#include "recorder/hdf5/h5_attributes.hpp"

#ifndef H5REC_VERSION
#define H5REC_VERSION "unknown"
#endif

namespace h5rec {
namespace {

Status write_root_attributes(hid_t file, const FileAttributes& a, const std::string& path) {
  Status s = h5::write_int_attribute(file, "h5rec_format", kFormatVersion, path);
  if (s) s = h5::write_string_attribute(file, "h5rec_version", H5REC_VERSION, path);
  if (s) s = h5::write_string_attribute(file, "device_id", a.device_id, path);
  if (s) s = h5::write_string_attribute(file, "start_time_utc", a.start_time_utc, path);
  if (s) s = h5::write_string_attribute(file, "config", a.config_text, path);
  if (s) s = h5::write_int_attribute(file, "segment", a.segment, path);
  if (s) s = h5::write_string_attribute(file, "previous_segment", a.previous_segment, path);
  if (s) {
    s = h5::write_double_attribute(file, "checkpoint_interval_s", a.checkpoint_interval_s, path);
  }
  if (s) s = h5::write_string_attribute(file, "config_overrides", a.config_overrides, path);
  // Times of a simulated clock (tests, --virtual-clock) must never pass for real ones.
  if (s) {
    s = h5::write_string_attribute(
        file, "time_source",
        a.virtual_time ? "virtual: simulated time (--virtual-clock), not a real time"
                       : "system clock",
        path);
  }
  return s;
}

}  // namespace

Result<RecordingFile> RecordingFile::create(const std::string& path,
                                            const FileAttributes& attributes,
                                            const std::vector<GroupLayout>& groups,
                                            const h5::DriverOptions& driver) {
  auto file = h5::File::create(path, h5::File::Create::kFailIfExists, driver);
  if (!file) return file.error();
  RecordingFile out;
  out.file_ = std::move(file.value());
  const hid_t root = out.file_.id();
  if (Status s = write_root_attributes(root, attributes, path); !s) return s.error();
  // Groups list their members in creation (config) order, not alphabetically.
  h5::Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  for (const GroupLayout& layout : groups) {
    const std::string group_path = path + ":/" + layout.name;
    h5::Handle group =
        h5::group(H5Gcreate2(root, layout.name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!group.valid()) {
      return Error{"create group '" + group_path + "': " + h5::last_error()};
    }
    if (Status s = h5::write_double_attribute(group.get(), "rate_hz", layout.rate_hz, group_path);
        !s) {
      return s.error();
    }
    std::vector<h5::AppendableDataset> datasets;
    for (const h5::ColumnLayout& column : layout.columns) {
      auto dataset = h5::AppendableDataset::create(group.get(), column, layout.chunk_rows,
                                                   group_path + "/" + column.name);
      if (!dataset) return dataset.error();
      datasets.push_back(std::move(dataset.value()));
    }
    out.groups_.push_back(std::move(group));
    out.datasets_.push_back(std::move(datasets));
  }
  size_t datasets = 0;
  for (const GroupLayout& layout : groups) datasets += layout.columns.size();
  if (Status s = out.file_.size_metadata_cache(datasets); !s) return s.error();
  // Everything exists and every attribute is closed: readers may now follow the file.
  if (Status s = out.file_.start_swmr(); !s) return s.error();
  return out;
}

std::vector<h5::AppendableDataset*> RecordingFile::datasets(size_t group) {
  std::vector<h5::AppendableDataset*> out;
  for (h5::AppendableDataset& d : datasets_[group]) out.push_back(&d);
  return out;
}

Status RecordingFile::close() {
  datasets_.clear();
  groups_.clear();
  return file_.close();
}

}  // namespace h5rec
