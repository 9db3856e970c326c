#include "recorder/segment_store.hpp"

#include <algorithm>
#include <utility>

#include "platform/path.hpp"
#include "recorder/event_log.hpp"
#include "recorder/journal/recovery.hpp"
#include "recorder/journal/rollback_journal.hpp"
#include "recorder/utc_time.hpp"

namespace h5rec {
namespace {

// Room a new segment needs at least before recording resumes after the card was full.
constexpr uint64_t kMinRoomBytes = uint64_t{1} << 20;

}  // namespace

SegmentStore::SegmentStore(SegmentSettings settings, FileAttributes attributes,
                           std::vector<GroupLayout> layout, platform::Clock& clock,
                           platform::Storage& storage)
    : settings_(std::move(settings)),
      attributes_(std::move(attributes)),
      layout_(std::move(layout)),
      clock_(clock),
      storage_(storage) {}

std::string SegmentStore::next_path(int64_t utc_ns) {
  std::string path;
  for (uint32_t n = 0; path.empty() || storage_.exists(path); ++n) {
    path = settings_.output_dir + "/" + segment_file_name(settings_.device_id, utc_ns, n);
  }
  return path;
}

void SegmentStore::find_closed_segments() {
  closed_found_ = true;
  auto names = storage_.list_directory(settings_.output_dir);
  if (!names) return;
  std::vector<std::pair<SegmentName, std::string>> found;
  for (const std::string& name : names.value()) {
    const auto segment = parse_segment_name(name, settings_.device_id);
    if (segment) found.emplace_back(*segment, settings_.output_dir + "/" + name);
  }
  std::sort(found.begin(), found.end());
  for (const auto& [segment, path] : found) note_closed(path);
}

void SegmentStore::note_closed(const std::string& path) {
  // A file with a journal is not closed: a writer holds it, or it awaits recovery.
  if (storage_.is_symlink(path) || storage_.exists(journal::journal_path(path))) return;
  auto file = storage_.open(path, platform::OpenMode::kRead);
  if (!file) return;
  auto size = file.value()->size();
  closed_.push_back({path, size ? size.value() : 0});
}

Result<OpenSegment> SegmentStore::open_next() {
  if (!closed_found_) find_closed_segments();
  const int64_t utc = clock_.realtime_ns();
  const std::string path = next_path(utc);
  FileAttributes a = attributes_;
  a.start_time_utc = format_utc_iso8601(utc);
  a.segment = static_cast<int64_t>(paths_.size()) + 1;
  a.previous_segment = paths_.empty() ? "" : platform::file_name_of(paths_.back());
  // Created committed (the SWMR switch commits): readers can open it at once, and a crash
  // before its first checkpoint leaves a file that opens.
  auto file = RecordingFile::create(path, a, layout_, {&storage_, settings_.crash_safe});
  if (!file) {
    // Never a half-made segment in the directory: it held no rows.
    for (const std::string& p : {path, journal::journal_path(path)}) {
      if (storage_.exists(p)) (void)storage_.unlink(p);
    }
    (void)storage_.sync_directory(settings_.output_dir);
    return file.error();
  }
  current_.emplace(std::move(file.value()));
  current_path_ = path;
  live_bytes_seen_ = current_->file().size();
  opened_at_ns_ = clock_.monotonic_ns();
  paths_.push_back(path);
  const std::string link = settings_.output_dir + "/" + live_link_name(settings_.device_id);
  if (Status linked = storage_.replace_symlink(platform::file_name_of(path), link);
      !linked && !link_failed_) {
    log_event(EventLevel::kWarning,
              "no live link (" + linked.message() + "): follow the newest segment instead");
    link_failed_ = true;
  }
  log_event(EventLevel::kInfo, "recording to " + path);
  OpenSegment out{&current_->file(), {}};
  for (size_t g = 0; g < layout_.size(); ++g) out.columns.push_back(current_->datasets(g));
  return out;
}

Status SegmentStore::close_current(bool give_up) {
  if (!current_) return {};
  if (give_up) current_->file().abandon();
  Status s = current_->close();
  current_.reset();
  const std::string path = std::exchange(current_path_, std::string());
  if (s && !give_up) {
    note_closed(path);
    return {};
  }
  // Given up, or the close failed: bring the file back to its last checkpoint now, so that a
  // closed segment is final. (If storage still fails, the journal stays for the next start.)
  const journal::RecoveryReport r = journal::recover_file(storage_, path);
  log_event(r.outcome == journal::RecoveryOutcome::kUnrecoverable ? EventLevel::kError
                                                                  : EventLevel::kInfo,
            path + ": " + journal::describe(r.outcome) + " (" + r.detail + ")");
  if (r.outcome == journal::RecoveryOutcome::kUnrecoverable) {
    return Error{"segment '" + path + "' could not be recovered: " + r.detail};
  }
  if (r.outcome != journal::RecoveryOutcome::kDiscarded) note_closed(path);
  return give_up ? Status() : s;
}

Status SegmentStore::close_last() {
  Status s = close_current(false);
  const std::string link = settings_.output_dir + "/" + live_link_name(settings_.device_id);
  if (storage_.is_symlink(link)) {
    if (Status removed = storage_.unlink(link); s && !removed) s = removed;
  }
  return s;
}

bool SegmentStore::rotation_due() {
  if (!current_) return false;
  if (settings_.max_duration_ns > 0 &&
      clock_.monotonic_ns() - opened_at_ns_ >= settings_.max_duration_ns) {
    return true;
  }
  const uint64_t size = current_->file().size();
  if (settings_.max_bytes > 0 && size >= settings_.max_bytes) return true;
  // Before the open segment holds half of max_total_bytes: then the older half can be deleted
  // while the newer is kept, and the total holds.
  return settings_.max_total_bytes > 0 && size + growth_reserve_ > settings_.max_total_bytes / 2;
}

bool SegmentStore::delete_oldest(const std::string& reason) {
  const ClosedSegment oldest = closed_.front();
  if (Status s = storage_.unlink(oldest.path); !s && storage_.exists(oldest.path)) {
    log_event(EventLevel::kError, "retention: " + s.message());
    return false;
  }
  closed_.erase(closed_.begin());
  deleted_.push_back(oldest.path);
  log_event(EventLevel::kInfo, "retention: deleted " + oldest.path + " (" +
                                   std::to_string(oldest.bytes) + " bytes) " + reason);
  return true;
}

uint64_t SegmentStore::apply_retention(bool out_of_space) {
  if (settings_.min_free_bytes == 0 && settings_.max_total_bytes == 0) return 0;  // keep all
  if (!closed_found_) find_closed_segments();
  uint64_t live = 0;
  if (current_) {
    live = current_->file().size();
    if (live > live_bytes_seen_)
      growth_reserve_ = std::max(growth_reserve_, live - live_bytes_seen_);
    live_bytes_seen_ = live;
  }
  const auto free = storage_.free_bytes(settings_.output_dir);
  uint64_t total = current_ ? live + growth_reserve_ : 0;
  for (const ClosedSegment& c : closed_) total += c.bytes;
  uint64_t freed = 0;
  while (!closed_.empty()) {
    std::string reason;
    if (out_of_space && freed == 0) {
      reason = "because the storage is full";
    } else if (settings_.max_total_bytes > 0 && total - freed > settings_.max_total_bytes) {
      reason = "to keep this device's segments under max_total_bytes (" +
               std::to_string(settings_.max_total_bytes) + " bytes)";
    } else if (settings_.min_free_bytes > 0 && free &&
               free.value() + freed < settings_.min_free_bytes) {
      reason =
          "to keep min_free_bytes (" + std::to_string(settings_.min_free_bytes) + " bytes) free";
    } else {
      break;
    }
    const uint64_t bytes = closed_.front().bytes;
    if (!delete_oldest(reason)) break;
    freed += bytes;
  }
  if (freed > 0) (void)storage_.sync_directory(settings_.output_dir);
  return freed;
}

bool SegmentStore::space_available() {
  auto free = storage_.free_bytes(settings_.output_dir);
  return free && free.value() >= std::max(settings_.min_free_bytes, kMinRoomBytes);
}

}  // namespace h5rec
