// The exit codes of every h5rec command, in one table (README "Using it" lists them for users):
// scripts on a board rely on them, so a number never changes its meaning.
#pragma once

namespace h5rec::tools {

enum ExitCode : int {
  kExitOk = 0,
  // Failed while running: storage or HDF5; `tail --follow`: the writer stopped without closing.
  kExitRuntime = 1,
  // Input that cannot be used: a config error, a missing, non-HDF5, truncated or foreign file, an
  // unknown channel; `recover`: some file unrecoverable.
  kExitBadInput = 2,
  // `record`: rows due were not stored; `verify`: some file is not sound.
  kExitRowsNotStored = 3,
  kExitNotSound = 3,
  kExitUsage = 64,    // sysexits.h EX_USAGE: the command line
  kExitNoInput = 66,  // sysexits.h EX_NOINPUT: no such file or directory, or no HDF5 file in it
};

}  // namespace h5rec::tools
