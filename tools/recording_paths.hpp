// What paths named on the command line stand for (info, tail, recover): a file, the recorder's
// live link (`<device>_live.h5`, read as the segment it points to), or a directory, whose HDF5
// files (*.h5, *.hdf5; not in subdirectories) form recording chains: the segments
// `<device>_<UTC start>[_n].h5` of one device, oldest first, and any other file as a chain of
// its own. Symbolic links in a directory are not files of a chain; a chain's live link is noted.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "platform/storage.hpp"

namespace h5rec::tools {

struct RecordingChain {
  std::string name;                   // the device id, or the file name of a file on its own
  std::vector<std::string> segments;  // paths, oldest first
  std::string live_link;              // the chain's `<device>_live.h5` in the directory, or ""
};

// The path with repeated '/' collapsed and trailing '/' dropped ("rec//" -> "rec", "/" stays).
std::string normal_path(const std::string& path);

// The chains a directory holds, in name order (an error when it holds no HDF5 file).
Result<std::vector<RecordingChain>> chains_in_directory(platform::Storage& storage,
                                                        const std::string& directory);

// The chains `path` names: a directory's, or one chain of the file itself (whether or not it
// exists: opening it reports what is wrong).
Result<std::vector<RecordingChain>> chains_named_by(platform::Storage& storage,
                                                    const std::string& path);

}  // namespace h5rec::tools
