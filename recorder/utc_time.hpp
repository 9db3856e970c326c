// UTC formatting of ns-since-epoch timestamps (pure C++, no OS calls).
#pragma once

#include <cstdint>
#include <string>

namespace h5rec {

// "2026-11-21T04:10:00.123456789Z"
std::string format_utc_iso8601(int64_t ns_since_epoch);
// "20261121T041000Z", for file names
std::string format_utc_compact(int64_t ns_since_epoch);

}  // namespace h5rec
