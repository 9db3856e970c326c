// The accounting check of `h5rec verify`: for each rate group, rows stored + rows dropped must
// equal rows due, across the segments of one recording.
//
// What the file can prove: /_status/<group>_dropped_rows is cumulative over the whole recording
// (every segment since the recorder started: rows the sampler could not push, rows it skipped
// when late, rows lost with a given-up segment or never stored at shutdown), and the recorder's
// last status row, written after its final checkpoint, holds the final count. Rows due are not
// stored; what the file shows is every row due up to the last one stored: the rows stored, plus
// the rows missing before each stored row (steps of k periods in time, within and between
// segments, and before the first row: start_time_utc of segment 1 is taken just after the
// recording's start, so it bounds them from below). So for the final segment of a chain that
// starts at segment 1 and is complete (each segment's previous_segment is the one before):
//   missing <= dropped, and dropped - missing (rows due after the last stored one) is no more
//   than the rows due between the last stored row and the last status row (plus a margin for
//   the realtime clock that stamps status rows drifting from the monotonic one that schedules).
// Then due = stored + dropped. Recordings whose /_status has <group>_rows_due and whose last
// status row is the recorder's final one (recording_ended = 1) are checked exactly instead:
// stored + dropped == due. A chain that is incomplete, a live or unclean last segment, or a
// group whose time did not check leaves the accounting "not checked" (with the reason).
#pragma once

#include <vector>

#include "tools/verify_report.hpp"

namespace h5rec::tools {

// Sets every group's accounting fields and adds "accounting" problems to the last file of each
// chain. reports: every file verify checked, in any order.
void check_accounting(std::vector<FileReport>& reports);

}  // namespace h5rec::tools
