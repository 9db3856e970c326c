// Reads one file in a child process (platform/posix/child_process.hpp), for `h5rec info` and
// `h5rec tail`: HDF5 1.10.8 segfaults or loops forever on some damaged files, and a tool run on
// a card pulled from the field must then say "unreadable" and go on with the next file, not die
// or hang with the library.
//
// The body (what the tool does with the file) runs in the child and prints to stdout, straight
// to the caller's stdout (streamed: output of any size, as it comes); its return value is the
// exit code. If the child is killed by a signal or outlives `timeout_s`, a line on stderr names
// the file and what happened, and the result is 2 (bad input), as for a file that does not open.
// Call only from a single-threaded process (the h5rec command line is, while it reads).
#pragma once

#include <functional>
#include <string>

namespace h5rec::tools {

// `tool`: "info" or "tail", for the message; `timeout_s` 0: no limit (tail --follow).
int guarded_read(const char* tool, const std::string& path, double timeout_s,
                 const std::function<int()>& body);

}  // namespace h5rec::tools
