// The checks `h5rec verify` runs on one file (recording or logger), in the process that calls
// it: run it in a child process (tools/verify.cpp does), since a damaged file may crash or hang
// the HDF5 library. Reads only: opens the data file through HDF5 read-only (SWMR read, file
// locking off, few metadata read attempts, as any reader of a live file must) and looks at its
// journal (`<file>-journal`) and the journal's lock, never changing either.
//
// A recording (docs/FORMAT.md): root attributes, groups with rate_hz and time, datasets
// chunked with unlimited rows and with units and description, equal dataset lengths per group,
// time strictly increasing on the group's schedule (missing rows counted for the accounting
// against /_status: tools/verify_accounting.hpp), every chunk of every dataset read. A logger
// file: every dataset chunked with an unlimited first dimension, every chunk read (each logged
// name grows on its own, so lengths are not compared). A live file is checked as far as its
// last checkpoint; an unclean one is only reported (recover it first). The journal's lock is
// taken for a moment to tell live from unclean: a writer starting at that very moment would
// take the file for live and leave it to its next start.
#pragma once

#include <string>

#include "tools/verify_report.hpp"

namespace h5rec::tools {

FileReport verify_file(const std::string& path);

}  // namespace h5rec::tools
