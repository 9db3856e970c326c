// The report a verify child sends its parent: encode/decode round trip, and output cut short
// (a child that crashed mid-write) rejected.
#include "tools/verify_report.hpp"

#include <gtest/gtest.h>

namespace h5rec::tools {
namespace {

FileReport sample() {
  FileReport r;
  r.path = "dir/odd\tname\\with\nbreaks.h5";
  r.kind = FileKind::kRecording;
  r.state = VerifiedState::kLive;
  r.device_id = "dev-1";
  r.segment = 3;
  r.previous_segment = "dev-1_20260101T000000Z.h5";
  r.start_time_ns = 1'767'225'600'000'000'123;
  r.has_status = true;
  r.last_status_time_ns = -5;
  r.datasets = 18;
  r.rows = 2020;
  r.groups.push_back({"fast", 1000.0 / 3.0, 3, 2000, 1, 2, 7, true, 9});
  r.groups.push_back({"slow", 10, 2, 20, 3, 4, 0, false, 0});
  r.add({"time", "fast/time", 10, 12, 1, "not strictly increasing: row 11"});
  r.add({"time", "fast/time", 20, 22, 1, "counted, not described"});
  r.add({"read", "slow/t", 0, 16, 1, "rows 0..15 do not read: a\tb"});
  r.add({"format", "", 0, 0, 1, "root attribute config is missing or unreadable"});
  r.add({"format", "", 0, 0, 1, "root attribute segment is missing or unreadable"});
  r.add({"format", "", 0, 0, 1, "root attribute segment is missing or unreadable"});
  return r;
}

TEST(VerifyReport, RoundTripsEveryField) {
  const FileReport r = sample();
  ASSERT_EQ(r.problems.size(), 4u);  // messages not about rows are kept apart, unless the same
  EXPECT_EQ(r.problems[0].count, 2u);
  EXPECT_EQ(r.problems[3].count, 2u);
  auto back = decode(encode(r));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->path, r.path);
  EXPECT_EQ(back->kind, FileKind::kRecording);
  EXPECT_EQ(back->state, VerifiedState::kLive);
  EXPECT_EQ(back->device_id, r.device_id);
  EXPECT_EQ(back->segment, 3);
  EXPECT_EQ(back->previous_segment, r.previous_segment);
  EXPECT_EQ(back->start_time_ns, r.start_time_ns);
  EXPECT_TRUE(back->has_status);
  EXPECT_EQ(back->last_status_time_ns, -5);
  EXPECT_EQ(back->datasets, 18u);
  EXPECT_EQ(back->rows, 2020u);
  ASSERT_EQ(back->groups.size(), 2u);
  EXPECT_EQ(back->groups[0].name, "fast");
  EXPECT_EQ(back->groups[0].rate_hz, 1000.0 / 3.0);  // bit-exact through %.17g
  EXPECT_EQ(back->groups[0].missing_rows, 7u);
  EXPECT_TRUE(back->groups[0].has_dropped);
  EXPECT_EQ(back->groups[0].dropped_rows, 9u);
  EXPECT_FALSE(back->groups[1].has_dropped);
  ASSERT_EQ(back->problems.size(), 4u);
  EXPECT_EQ(back->problems[0].count, 2u);
  EXPECT_EQ(back->problems[0].first_row, 10u);
  EXPECT_EQ(back->problems[0].end_row, 12u);
  EXPECT_EQ(back->problems[1].message, "rows 0..15 do not read: a\tb");
  EXPECT_FALSE(back->sound());
}

TEST(VerifyReport, OutputCutShortOrForeignIsRejected) {
  const std::string text = encode(sample());
  for (size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(decode(text.substr(0, cut))) << "cut at " << cut;
  }
  EXPECT_FALSE(decode("hello\n"));
  EXPECT_FALSE(decode("h5rec-verify-report 1\nbogus\tline\nend\n"));
  // Anything a body printed before the report is ignored.
  EXPECT_TRUE(decode("noise\n" + text));
}

}  // namespace
}  // namespace h5rec::tools
