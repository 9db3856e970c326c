#include "platform/sim/crash_model.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace h5rec::platform {
namespace {

// splitmix64 (Steele, Lea, Flood): small, explicit, and the same on every standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) from the top 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

void apply_write(std::vector<std::byte>& content, uint64_t offset,
                 std::span<const std::byte> data) {
  if (data.empty()) return;
  const uint64_t end = offset + data.size();
  if (content.size() < end) content.resize(end);
  std::memcpy(content.data() + offset, data.data(), data.size());
}

// Applies one pending write as a cut may leave it: page pieces kept, lost or torn.
void apply_at_cut(std::vector<std::byte>& image, uint64_t offset, std::span<const std::byte> data,
                  SplitMix64& random, const TearOptions& options) {
  const uint64_t end = offset + data.size();
  uint64_t piece_begin = offset;
  while (piece_begin < end) {
    const uint64_t piece_end = std::min(end, (piece_begin / kCrashPageBytes + 1) * kCrashPageBytes);
    const double draw = random.unit();
    if (draw < options.lose) {
      // lost
    } else if (draw < options.lose + options.tear) {
      uint64_t sector_begin = piece_begin;
      while (sector_begin < piece_end) {
        const uint64_t sector_end =
            std::min(piece_end, (sector_begin / kCrashSectorBytes + 1) * kCrashSectorBytes);
        if ((random.next() >> 63) != 0) {
          apply_write(image, sector_begin,
                      data.subspan(sector_begin - offset, sector_end - sector_begin));
        }
        sector_begin = sector_end;
      }
    } else {
      apply_write(image, piece_begin, data.subspan(piece_begin - offset, piece_end - piece_begin));
    }
    piece_begin = piece_end;
  }
}

}  // namespace

void CrashModel::track(const std::string& path, std::vector<std::byte> baseline) {
  FileState& file = files_[path];
  file.current = baseline;
  file.durable = std::move(baseline);
  file.pending.clear();
}

bool CrashModel::tracks(const std::string& path) const { return files_.contains(path); }

CrashModel::FileState& CrashModel::state_of(const std::string& path) {
  return files_[path];  // an untracked path starts empty
}

void CrashModel::write(const std::string& path, uint64_t offset, std::span<const std::byte> data) {
  if (data.empty()) return;
  FileState& file = state_of(path);
  apply_write(file.current, offset, data);
  file.pending.push_back(PendingOp{false, offset, {data.begin(), data.end()}});
}

void CrashModel::truncate(const std::string& path, uint64_t size) {
  FileState& file = state_of(path);
  file.current.resize(size);
  file.pending.push_back(PendingOp{true, size, {}});
}

void CrashModel::fsync(const std::string& path) {
  FileState& file = state_of(path);
  file.durable = file.current;
  file.pending.clear();
}

void CrashModel::rename(const std::string& from, const std::string& to) {
  if (from == to) return;
  auto source = files_.find(from);
  if (source == files_.end()) {
    files_.erase(to);
    return;
  }
  FileState moved = std::move(source->second);
  files_.erase(source);
  files_[to] = std::move(moved);
}

void CrashModel::unlink(const std::string& path) { files_.erase(path); }

std::map<std::string, std::vector<std::byte>> CrashModel::crash_image(
    uint64_t seed, const TearOptions& options) const {
  assert(options.lose >= 0 && options.tear >= 0 && options.lose + options.tear <= 1.0);
  SplitMix64 random(seed);
  std::map<std::string, std::vector<std::byte>> images;
  for (const auto& [path, file] : files_) {
    std::vector<std::byte> image = file.durable;
    for (const PendingOp& op : file.pending) {
      if (op.is_truncate) {
        if (random.unit() >= options.lose) image.resize(op.offset);
      } else {
        apply_at_cut(image, op.offset, op.data, random, options);
      }
    }
    images.emplace(path, std::move(image));
  }
  return images;
}

const std::vector<std::byte>& CrashModel::current(const std::string& path) const {
  static const std::vector<std::byte> kUntracked;
  auto found = files_.find(path);
  assert(found != files_.end() && "CrashModel::current of an untracked path");
  return found == files_.end() ? kUntracked : found->second.current;
}

const std::vector<std::byte>& CrashModel::durable(const std::string& path) const {
  static const std::vector<std::byte> kUntracked;
  auto found = files_.find(path);
  assert(found != files_.end() && "CrashModel::durable of an untracked path");
  return found == files_.end() ? kUntracked : found->second.durable;
}

size_t CrashModel::pending_writes(const std::string& path) const {
  auto found = files_.find(path);
  return found == files_.end() ? 0 : found->second.pending.size();
}

std::vector<std::string> CrashModel::paths() const {
  std::vector<std::string> names;
  names.reserve(files_.size());
  for (const auto& entry : files_) names.push_back(entry.first);
  return names;
}

void replay(const TraceOp& op, CrashModel& model) {
  switch (op.kind) {
    case TraceOp::kCreate:
      model.track(op.path, op.data);
      break;
    case TraceOp::kWrite:
      model.write(op.path, op.offset, op.data);
      break;
    case TraceOp::kTruncate:
      model.truncate(op.path, op.size);
      break;
    case TraceOp::kFsync:
      model.fsync(op.path);
      break;
    case TraceOp::kRename:
      model.rename(op.path, op.to);
      break;
    case TraceOp::kUnlink:
      model.unlink(op.path);
      break;
    case TraceOp::kMark:
      break;
  }
}

}  // namespace h5rec::platform
