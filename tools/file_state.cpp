#include "tools/file_state.hpp"

#include "recorder/journal/rollback_journal.hpp"
#include "recorder/journal/superblock.hpp"

namespace h5rec::tools {
namespace {

// Whether the data file's superblock says a writer has it open (false when there is none to
// read: not HDF5, or damaged, which is no sign of a writer).
bool flags_set(platform::Storage& storage, const std::string& path) {
  auto file = storage.open(path, platform::OpenMode::kRead);
  if (!file) return false;
  const auto superblock = journal::read_superblock(*file.value());
  return superblock && superblock.value() && superblock.value()->status_flags != 0;
}

}  // namespace

const char* describe(FileState state) {
  switch (state) {
    case FileState::kClosed:
      return "closed cleanly";
    case FileState::kLive:
      return "live (a writer is recording into it)";
    case FileState::kUnclean:
      return "unclean: run h5rec recover (the writer stopped without closing it)";
  }
  return "";
}

FileState file_state(platform::Storage& storage, const std::string& path) {
  const std::string journal_name = journal::journal_path(path);
  if (storage.exists(journal_name)) {
    auto journal = storage.open(journal_name, platform::OpenMode::kRead);
    if (journal) {
      auto locked = journal.value()->try_lock();
      if (locked && !locked.value()) return FileState::kLive;
      // Held by nobody, unless its writer removed it (unlinked while locked) and let go since.
      const bool still_there = storage.exists(journal_name);
      journal.value().reset();  // gives the lock back
      if (still_there) return FileState::kUnclean;
    } else if (storage.exists(journal_name)) {
      return FileState::kUnclean;
    }
  }
  return flags_set(storage, path) ? FileState::kUnclean : FileState::kClosed;
}

}  // namespace h5rec::tools
