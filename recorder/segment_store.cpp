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
  const std::string stem =
      settings_.output_dir + "/" + settings_.device_id + "_" + format_utc_compact(utc_ns);
  std::string path = stem + ".h5";
  for (int n = 1; storage_.exists(path); ++n) path = stem + "_" + std::to_string(n) + ".h5";
  return path;
}

Result<OpenSegment> SegmentStore::open_next() {
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
  opened_at_ns_ = clock_.monotonic_ns();
  paths_.push_back(path);
  const std::string link = settings_.output_dir + "/" + live_link_name(settings_.device_id);
  if (Status linked = storage_.replace_symlink(platform::file_name_of(path), link); !linked && !link_failed_) {
    log_event(EventLevel::kWarning, "no live link (" + linked.message() +
                                        "): follow the newest segment instead");
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
  if (s && !give_up) return {};
  // Given up, or the close failed: bring the file back to its last checkpoint now, so that a
  // closed segment is final. (If storage still fails, the journal stays for the next start.)
  const journal::RecoveryReport r = journal::recover_file(storage_, path);
  log_event(r.outcome == journal::RecoveryOutcome::kUnrecoverable ? EventLevel::kError
                                                                   : EventLevel::kInfo,
            path + ": " + journal::describe(r.outcome) + " (" + r.detail + ")");
  if (r.outcome == journal::RecoveryOutcome::kUnrecoverable) {
    return Error{"segment '" + path + "' could not be recovered: " + r.detail};
  }
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
  return settings_.max_bytes > 0 && current_->file().size() >= settings_.max_bytes;
}

std::vector<std::pair<std::string, uint64_t>> SegmentStore::closed_segments() {
  std::vector<std::pair<std::string, uint64_t>> out;
  auto names = storage_.list_directory(settings_.output_dir);
  if (!names) return out;
  const std::string prefix = settings_.device_id + "_";
  for (const std::string& name : names.value()) {
    const std::string path = settings_.output_dir + "/" + name;
    if (!name.starts_with(prefix) || !name.ends_with(".h5") ||
        path == current_path_ || storage_.is_symlink(path) ||
        storage_.exists(journal::journal_path(path))) {
      continue;
    }
    auto file = storage_.open(path, platform::OpenMode::kRead);
    if (!file) continue;
    auto size = file.value()->size();
    out.emplace_back(path, size ? size.value() : 0);
  }
  return out;  // names sort by start time
}

uint64_t SegmentStore::apply_retention(bool out_of_space) {
  if (settings_.min_free_bytes == 0 && settings_.max_total_bytes == 0) return 0;  // keep all
  auto closed = closed_segments();
  auto free = storage_.free_bytes(settings_.output_dir);
  uint64_t total = current_ ? current_->file().size() : 0;
  for (const auto& [path, size] : closed) total += size;
  uint64_t freed = 0;
  for (const auto& [path, size] : closed) {
    const bool low_space = settings_.min_free_bytes > 0 && free &&
                           free.value() + freed < settings_.min_free_bytes;
    const bool too_big = settings_.max_total_bytes > 0 && total - freed > settings_.max_total_bytes;
    if (!low_space && !too_big && !(out_of_space && freed == 0)) break;
    if (Status s = storage_.unlink(path); !s) {
      log_event(EventLevel::kError, "retention: " + s.message());
      break;
    }
    log_event(EventLevel::kInfo, "retention: deleted " + path + " (" + std::to_string(size) +
                                     " bytes) to keep space free");
    freed += size;
  }
  if (freed > 0) (void)storage_.sync_directory(settings_.output_dir);
  return freed;
}

bool SegmentStore::space_available() {
  auto free = storage_.free_bytes(settings_.output_dir);
  return free && free.value() >= std::max(settings_.min_free_bytes, kMinRoomBytes);
}

}  // namespace h5rec
