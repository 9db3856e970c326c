#include "recorder/segment_name.hpp"

#include <charconv>
#include <chrono>

#include "recorder/utc_time.hpp"

namespace h5rec {
namespace {

constexpr std::string_view kExtension = ".h5";
constexpr size_t kStampLength = 16;  // "20261121T041000Z"

std::optional<unsigned> digits(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.size() > 9) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "20261121T041000Z" to seconds since the epoch; nullopt unless every field is a valid date.
std::optional<int64_t> parse_stamp(std::string_view stamp) {
  if (stamp.size() != kStampLength || stamp[8] != 'T' || stamp[15] != 'Z') return std::nullopt;
  const auto year = digits(stamp.substr(0, 4));
  const auto month = digits(stamp.substr(4, 2));
  const auto day = digits(stamp.substr(6, 2));
  const auto hour = digits(stamp.substr(9, 2));
  const auto minute = digits(stamp.substr(11, 2));
  const auto second = digits(stamp.substr(13, 2));
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(static_cast<int>(*year)), std::chrono::month(*month),
                           std::chrono::day(*day)};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const sys_seconds t = sys_days(ymd) + hours(*hour) + minutes(*minute) + seconds(*second);
  return t.time_since_epoch().count();
}

}  // namespace

std::string segment_file_name(std::string_view device_id, int64_t start_utc_ns, uint32_t sequence) {
  std::string name = std::string(device_id) + "_" + format_utc_compact(start_utc_ns);
  if (sequence > 0) name += "_" + std::to_string(sequence);
  return name + std::string(kExtension);
}

std::optional<SegmentName> parse_segment_name(std::string_view file_name,
                                              std::string_view device_id) {
  if (!file_name.starts_with(device_id) || !file_name.ends_with(kExtension)) return std::nullopt;
  std::string_view rest = file_name.substr(device_id.size());
  rest.remove_suffix(kExtension.size());
  if (!rest.starts_with('_')) return std::nullopt;
  rest.remove_prefix(1);
  const auto start = parse_stamp(rest.substr(0, kStampLength));
  if (!start) return std::nullopt;
  rest.remove_prefix(kStampLength);
  SegmentName out{*start, 0};
  if (rest.empty()) return out;
  // "_N" as segment_file_name writes it: no sign, no leading zero.
  if (rest.size() < 2 || rest[0] != '_' || rest[1] == '0') return std::nullopt;
  const auto sequence = digits(rest.substr(1));
  if (!sequence) return std::nullopt;
  out.sequence = *sequence;
  return out;
}

}  // namespace h5rec
