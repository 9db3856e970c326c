// Whether a recording (or logger) file is closed, live or unclean, from the evidence recovery
// uses (recorder/journal/recovery.hpp): a running writer holds its journal's lock for the life of
// the file; a journal nobody holds is what a crashed writer leaves; a file closed cleanly has no
// journal and its superblock's "open for writing" flags cleared. The file's age is no evidence: a
// recorder checkpointing once an hour leaves a live file untouched for an hour.
#pragma once

#include <string>

#include "platform/storage.hpp"

namespace h5rec::tools {

enum class FileState {
  kClosed,   // no journal, superblock flags clear (or no superblock to read)
  kLive,     // a writer holds the journal's lock
  kUnclean,  // a journal nobody holds, or (no journal) flags still set: needs `h5rec recover`
};

// "closed cleanly", "live (...)", "unclean: run h5rec recover (...)".
const char* describe(FileState state);

// The state of the file at `path` (a data file, not a link). Probing the journal's lock takes it
// for the time of one flock() call and gives it back at once. A file whose writer closes it
// while it is being probed reads as closed. A file with its flags set and no journal (a writer
// with crash_safety off, running or not) reads as unclean: nothing tells them apart.
FileState file_state(platform::Storage& storage, const std::string& path);

}  // namespace h5rec::tools
