"""Readers of a live recording (real clock): an h5py SWMR reader polling with refresh(),
`h5rec tail --follow` and `h5rec info`, all while h5rec records.

The reader must only ever see whole, correct rows: row counts never shrink, they grow at each
checkpoint, every row read is bit-exact (counter value == row index, time on schedule), and no
read raises. `tail --follow` must print every row once, in order, and exit 0 by itself when the
recording is closed.
"""

import pathlib
import subprocess
import time
import unittest

import numpy as np

from h5rec_test import recorder_lib as lib

DURATION_S = 4
FAST_RATE = 1000
SLOW_RATE = 10
FAST_CHANNELS = 16
POLL_S = 0.05
OPEN_TIMEOUT_S = 20  # the file exists a little before SWMR writing starts


def groups():
    fast = lib.counter_group("fast", rate_hz=FAST_RATE, channels=FAST_CHANNELS)
    slow = {"name": "slow", "rate_hz": SLOW_RATE, "channels": [
        {"name": "n", "sensor": "counter", "dtype": "uint32"},
        {"name": "wave", "sensor": "sine", "dtype": "float64", "shape": [2],
         "params": {"frequency_hz": 0.5}},
    ]}
    return [fast, slow]


class LiveColumn:
    """One dataset followed by the reader: remembers how many rows it has checked."""

    def __init__(self, dset, check):
        self.dset = dset
        self.check = check  # check(first_row, values) raises AssertionError on a wrong value
        self.rows = 0
        self.counts = [0]

    def poll(self):
        self.dset.refresh()
        rows = self.dset.shape[0]
        if rows < self.rows:
            raise AssertionError("%s shrank from %d to %d rows" % (self.dset.name, self.rows, rows))
        if rows > self.rows:
            self.check(self.rows, self.dset[self.rows:rows])
            self.rows = rows
            self.counts.append(rows)


class SwmrReaderTest(lib.RecorderTestCase):

    def wait_for_file(self, out, recorder):
        deadline = time.monotonic() + OPEN_TIMEOUT_S
        while time.monotonic() < deadline:
            self.assertIsNone(recorder.poll(), "h5rec record exited early: %s"
                              % (recorder.stderr.read() if recorder.poll() is not None else ""))
            files = lib.h5_files(out)
            if files:
                return files[0]
            time.sleep(0.01)
        self.fail("no recording appeared in %s" % out)

    def open_live(self, path, recorder):
        """Opens the live file for SWMR reading, retrying while the writer is still setting it
        up (before H5Fstart_swmr_write the file is not yet open for SWMR)."""
        deadline = time.monotonic() + OPEN_TIMEOUT_S
        last_error = None
        while time.monotonic() < deadline:
            try:
                f = lib.open_recording(path, swmr=True)
                if "fast" in f and "slow" in f and "_status" in f:
                    return f
                f.close()
            except (OSError, KeyError) as e:  # not yet a complete SWMR file
                last_error = e
            self.assertIsNone(recorder.poll(), "h5rec record exited early")
            time.sleep(0.02)
        self.fail("could not open %s for SWMR reading: %s" % (path, last_error))

    def test_live_readers(self):
        """Checkpoints every 0.25 s; chunks of 32 rows (1/8 of a checkpoint interval) are
        written, and datasets extended, between checkpoints too."""
        self.check_live_readers(checkpoint_interval=0.25, chunk_bytes=None, min_counts=8)

    def test_live_readers_chunks_capped_by_chunk_bytes(self):
        """Checkpoints every second; 512-byte chunks (64 rows of int64)."""
        self.check_live_readers(checkpoint_interval=1.0, chunk_bytes=512, min_counts=3)

    def check_live_readers(self, checkpoint_interval, chunk_bytes, min_counts):
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, groups(), output_dir=str(out),
                                  checkpoint_interval=checkpoint_interval, status_interval=0.25,
                                  chunk_bytes=chunk_bytes)
        recorder = lib.start_h5rec("record", config, "--duration", DURATION_S, cwd=self.tmp)
        tail = None
        tail_out = open(self.tmp / "tail.out", "w")
        tail_err = open(self.tmp / "tail.err", "w")
        self.addCleanup(tail_out.close)
        self.addCleanup(tail_err.close)

        def stop_children():
            for proc in (recorder, tail):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
        self.addCleanup(stop_children)

        path = self.wait_for_file(out, recorder)
        f = self.open_live(path, recorder)
        self.addCleanup(f.close)

        # `tail --follow` from the start, printing the last 10 rows first.
        tail = subprocess.Popen(
            lib.h5rec_command("tail", path, "--channel", "fast/c0", "--follow"),
            stdout=tail_out, stderr=tail_err, text=True, cwd=self.tmp, env=lib.child_env())

        t0 = {}

        def time_check(group, rate):
            def check(first, values):
                if group not in t0:
                    if first != 0:
                        raise AssertionError("first rows of %s/time skipped" % group)
                    t0[group] = int(values[0])
                expected = np.array([t0[group] + lib.offset_ns(first + i, rate)
                                     for i in range(len(values))], dtype=np.int64)
                bad = np.flatnonzero(values != expected)
                if bad.size:
                    raise AssertionError("%s/time row %d: %d != %d" % (
                        group, first + bad[0], values[bad[0]], expected[bad[0]]))
            return check

        def counter_check(name):
            def check(first, values):
                expected = np.arange(first, first + len(values))
                bad = np.flatnonzero(values != expected)
                if bad.size:
                    raise AssertionError("%s row %d holds %s (seen %d rows before)" % (
                        name, first + bad[0], values[bad[0]], first))
            return check

        def wave_check(first, values):
            expected = lib.expected_channel(
                {"name": "wave", "sensor": "sine", "dtype": "float64", "shape": [2],
                 "params": {"frequency_hz": 0.5}}, first + len(values), SLOW_RATE)[first:]
            if not np.array_equal(values, expected):
                raise AssertionError("slow/wave rows %d.. differ" % first)

        columns = [LiveColumn(f["fast"]["time"], time_check("fast", FAST_RATE))]
        columns += [LiveColumn(f["fast"]["c%d" % k], counter_check("fast/c%d" % k))
                    for k in range(FAST_CHANNELS)]
        columns += [LiveColumn(f["slow"]["time"], time_check("slow", SLOW_RATE)),
                    LiveColumn(f["slow"]["n"], counter_check("slow/n")),
                    LiveColumn(f["slow"]["wave"], wave_check)]
        status_rows = LiveColumn(f["_status"]["fast_dropped_rows"],
                                 lambda first, values: None)
        columns.append(status_rows)

        info_during = None
        polls = 0
        started = time.monotonic()
        while recorder.poll() is None:
            for column in columns:
                column.poll()
            polls += 1
            if info_during is None and time.monotonic() - started > 1.5:
                info_during = lib.run_h5rec("info", path, timeout=60)
            if time.monotonic() - started > DURATION_S + 60:
                self.fail("recording did not end")
            time.sleep(POLL_S)
        rec_stdout, rec_stderr = recorder.communicate(timeout=60)
        self.assertEqual(recorder.returncode, 0, rec_stderr)

        # The last rows, made visible by the final checkpoint.
        for column in columns:
            column.poll()

        # tail exits by itself once it sees the file closed.
        try:
            tail.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow did not exit after the recording was closed")
        tail_out.flush()
        tail_text = (self.tmp / "tail.out").read_text()
        tail_stderr = (self.tmp / "tail.err").read_text()
        self.assertEqual(tail.returncode, 0, tail_stderr)
        self.assertEqual(tail_stderr, "")

        rows = DURATION_S * FAST_RATE
        summary = lib.parse_record_summary(rec_stdout)
        self.assertEqual(summary["groups"]["fast"]["dropped"], 0, rec_stdout)
        self.assertEqual(summary["groups"]["fast"]["stored"], rows, rec_stdout)

        # What the live reader saw.
        for column in columns[:-1]:
            expected_rows = rows if column.dset.name.startswith("/fast") else DURATION_S * SLOW_RATE
            self.assertEqual(column.rows, expected_rows, column.dset.name)
            self.assertEqual(column.counts, sorted(column.counts), column.dset.name)
        fast_counts = columns[1].counts
        self.assertGreaterEqual(len(set(fast_counts)), min_counts,
                                "rows did not grow while recording: %s" % fast_counts)
        self.assertGreaterEqual(polls, 10)
        self.assertTrue((f["_status"]["fast_dropped_rows"][...] == 0).all())

        # info saw a live recording.
        self.assertIsNotNone(info_during)
        self.assertEqual(info_during.returncode, 0, lib.describe(info_during))
        self.assertIn("state:    live", info_during.stdout)
        self.assertRegex(info_during.stdout, r"(?m)^group fast: 1000 Hz, \d+ rows")
        # ... and a closed one now.
        info_after = lib.run_h5rec("info", path)
        self.assertEqual(info_after.returncode, 0)
        self.assertIn("state:    closed cleanly", info_after.stdout)
        self.assertIn("group fast: 1000 Hz, %d rows" % rows, info_after.stdout)

        # tail printed consecutive rows up to the last one, each with its scheduled time.
        lines = tail_text.splitlines()
        self.assertTrue(lines, "tail printed nothing")
        values = [int(line.split()[1]) for line in lines]
        first = values[0]
        self.assertEqual(values, list(range(first, rows)),
                         "gap or duplicate in tail output (first %d, last %d, %d lines)"
                         % (first, values[-1], len(values)))
        self.assertEqual(values[-1], rows - 1)
        self.assertLess(first, rows - 10, "tail started after the recording had ended")

    def test_tail_follows_the_live_link_across_segments(self):
        """Segments rotate every 0.7 s: `tail --follow DIR/<device>_live.h5` prints every row of
        every segment once, in order, and exits when the recorder stops (the link goes away).
        The segments chain through their `segment` and `previous_segment` attributes."""
        rate, duration = 200, 3
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, [lib.counter_group("fast", rate_hz=rate)],
                                  output_dir=str(out), checkpoint_interval=0.2,
                                  segment_duration=0.7, device_id="rot")
        recorder = lib.start_h5rec("record", config, "--duration", duration, cwd=self.tmp)
        self.addCleanup(lambda: recorder.poll() is None and recorder.kill())
        link = out / "rot_live.h5"
        deadline = time.monotonic() + OPEN_TIMEOUT_S
        while not link.is_symlink():
            self.assertLess(time.monotonic(), deadline, "no live link appeared")
            time.sleep(0.01)
        tail = subprocess.run(
            lib.h5rec_command("tail", link, "--channel", "c0", "--follow", "-n", "100000"),
            capture_output=True, text=True, cwd=self.tmp, env=lib.child_env(), timeout=120)
        rec_stdout, rec_stderr = recorder.communicate(timeout=60)
        self.assertEqual(recorder.returncode, 0, rec_stderr)
        self.assertEqual(tail.returncode, 0, tail.stderr)
        self.assertFalse(link.exists() or link.is_symlink(), "live link left behind")
        values = [int(line.split()[1]) for line in tail.stdout.splitlines()]
        self.assertEqual(values, list(range(rate * duration)),
                         "tail lost, repeated or reordered rows across segments")
        paths = lib.parse_record_summary(rec_stdout)["paths"]
        self.assertGreaterEqual(len(paths), 4, rec_stdout)
        previous = ""
        for number, path in enumerate(paths, start=1):
            with lib.open_recording(path) as f:
                self.assertEqual(int(f.attrs["segment"]), number)
                self.assertEqual(lib.attr_text(f.attrs["previous_segment"]), previous)
            previous = pathlib.Path(path).name


if __name__ == "__main__":
    unittest.main()
