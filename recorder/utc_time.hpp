// UTC formatting of ns-since-epoch timestamps (pure C++, no OS calls).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace h5rec {

// "2026-11-21T04:10:00.123456789Z"
std::string format_utc_iso8601(int64_t ns_since_epoch);
// The inverse of format_utc_iso8601: exactly that form (nine fraction digits, 'Z'), else nullopt.
std::optional<int64_t> parse_utc_iso8601(const std::string& text);
// "20261121T041000Z", for file names
std::string format_utc_compact(int64_t ns_since_epoch);

}  // namespace h5rec
