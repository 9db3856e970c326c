"""Readers of a live recording (real clock): an h5py SWMR reader polling with refresh(),
`h5rec tail --follow` and `h5rec info`, all while h5rec records.

The reader must only ever see whole, correct rows: row counts never shrink, they grow while the
recorder records, every row read is bit-exact (counter value == row index, time on schedule: what
the reader saw live is what the closed file holds), and no read raises. `tail --follow` must print
every row once, in order, and exit 0 by itself when the recording is closed.

On a real clock a sampler thread held off the CPU for over a second (a loaded machine,
sanitizers, qemu) skips the rows it missed and counts them (the ring, 10 s by default, covers any
plausible storage stall): the rows are judged against the recorder's own accounting (stored +
dropped == due, the gaps are the dropped rows), not against "0 dropped". How often the reader
and the writer get the CPU is not assumed either: growth is asserted, not a number of steps.
"""

import calendar
import pathlib
import signal
import subprocess
import time
import unittest

import numpy as np

from h5rec_test import recorder_lib as lib
from h5rec_test import verify_segments
from h5rec_test.row_schedule import offsets_ns

DURATION_S = 4
FAST_RATE = 1000
SLOW_RATE = 10
FAST_CHANNELS = 16
POLL_S = 0.05
HANG_S = 60  # past the recording's duration, only a hung recorder is still running
OPEN_TIMEOUT_S = 60  # only a hung recorder takes this long to start SWMR writing


def groups():
    fast = lib.counter_group("fast", rate_hz=FAST_RATE, channels=FAST_CHANNELS)
    slow = {"name": "slow", "rate_hz": SLOW_RATE, "channels": [
        {"name": "n", "sensor": "counter", "dtype": "uint32"},
        {"name": "wave", "sensor": "sine", "dtype": "float64", "shape": [2],
         "params": {"frequency_hz": 0.5}},
    ]}
    return [fast, slow]


def utc_ns(text):
    """2026-11-21T06:52:27.123456789Z in ns since the epoch."""
    seconds, fraction = text.rstrip("Z").split(".")
    whole = calendar.timegm(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S"))
    return whole * 10**9 + int(fraction.ljust(9, "0")[:9])


class LiveColumn:
    """One dataset followed by the reader: remembers how many rows it has checked."""

    def __init__(self, dset, check):
        self.dset = dset
        self.check = check  # check(first_row, values) raises AssertionError on a wrong value
        self.rows = 0
        self.counts = [0]
        self.seen = []  # every block of rows read, in order

    def poll(self):
        self.dset.refresh()
        rows = self.dset.shape[0]
        if rows < self.rows:
            raise AssertionError("%s shrank from %d to %d rows" % (self.dset.name, self.rows, rows))
        if rows > self.rows:
            values = self.dset[self.rows:rows]
            self.check(self.rows, values)
            self.seen.append(values)
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

    def check_group(self, f, group, counters, due):
        """The closed file's rows of `group`: every counter is the row's sample index, time is on
        the schedule from one t0, indices increase within 0..due-1 and the ones missing are the
        last /_status drops. Returns the indices."""
        index = f[group][counters[0]][...].astype(np.int64)
        for name in counters:
            np.testing.assert_array_equal(f[group][name][...], index.astype(f[group][name].dtype),
                                          "%s/%s" % (group, name))
        self.assertTrue((np.diff(index) > 0).all(), group)
        rate = float(f[group].attrs["rate_hz"])
        time_ = f[group]["time"][...]
        if len(index):
            self.assertGreaterEqual(int(index[0]), 0)
            self.assertLess(int(index[-1]), due, group)
            t0 = int(time_[0]) - int(offsets_ns(index[:1], rate)[0])
            np.testing.assert_array_equal(time_, t0 + offsets_ns(index, rate), group + "/time")
        self.assertEqual(len(index) + int(f["_status"][group + "_dropped_rows"][-1]), due, group)
        return index

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

        def increasing(name):
            """Each block read follows the rows read before it (no row changed, repeated or out
            of order); the closed file is compared with everything read at the end."""
            last = []

            def check(first, values):
                flat = np.asarray(values).reshape(len(values), -1)[:, 0].astype(np.int64)
                if last:
                    flat = np.concatenate([last[-1:], flat])
                if (np.diff(flat) <= 0).any():
                    raise AssertionError("%s: rows from %d do not increase: %s" % (
                        name, first, values[:10]))
                last[:] = flat[-1:].tolist()
            return check

        columns = [LiveColumn(f["fast"]["time"], increasing("fast/time"))]
        columns += [LiveColumn(f["fast"]["c%d" % k], increasing("fast/c%d" % k))
                    for k in range(FAST_CHANNELS)]
        columns += [LiveColumn(f["slow"]["time"], increasing("slow/time")),
                    LiveColumn(f["slow"]["n"], increasing("slow/n")),
                    LiveColumn(f["slow"]["wave"], lambda first, values: None)]
        status_rows = LiveColumn(f["_status"]["fast_dropped_rows"],
                                 lambda first, values: None)
        columns.append(status_rows)

        info_during = None
        info_while_running = False
        tail_out_path = self.tmp / "tail.out"
        tail_printed_before = None  # rows the reader saw just after tail had printed
        polls = 0
        started = time.monotonic()
        while recorder.poll() is None:
            if time.monotonic() - started > DURATION_S + HANG_S:
                self.fail("recording did not end")
            tail_printed = tail_out_path.stat().st_size > 0
            for column in columns:
                column.poll()
            polls += 1
            if tail_printed and tail_printed_before is None:
                tail_printed_before = columns[1].rows
            if info_during is None and columns[1].rows > 0:
                # While rows are being recorded; "live" only if the recorder still ran once
                # info had finished (a loaded machine may let the recording end meanwhile).
                info_during = lib.run_h5rec("info", path, timeout=60)
                info_while_running = recorder.poll() is None
            time.sleep(POLL_S)
        rec_stdout, rec_stderr = recorder.communicate(timeout=60)
        summary = lib.parse_record_summary(rec_stdout)
        fast = summary["groups"]["fast"]
        self.assertEqual(recorder.returncode,
                         lib.record_exit(fast["dropped"]), rec_stderr)

        # The last rows, made visible by the final checkpoint.
        for column in columns:
            column.poll()

        # tail exits by itself once it sees the file closed.
        try:
            tail.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow did not exit after the recording was closed")
        tail_out.flush()
        tail_text = tail_out_path.read_text()
        tail_stderr = (self.tmp / "tail.err").read_text()
        self.assertEqual(tail.returncode, 0, tail_stderr)
        self.assertEqual(tail_stderr, "")

        rows = DURATION_S * FAST_RATE
        self.assertEqual(fast["due"], rows, rec_stdout)
        self.assertEqual(fast["stored"] + fast["dropped"], rows, rec_stdout)
        print("\n%d polls; fast rows seen: %s; %d dropped" % (polls, columns[1].counts,
                                                               fast["dropped"]), flush=True)

        # The closed file: the recorder's accounting, then what the live reader saw.
        with lib.open_recording(path) as closed:
            fast_index = self.check_group(closed, "fast", ["c%d" % k for k in range(FAST_CHANNELS)],
                                          rows)
            slow_index = self.check_group(closed, "slow", ["n"], DURATION_S * SLOW_RATE)
            self.assertEqual(len(fast_index), fast["stored"])
            self.assertEqual(int(closed["_status"]["fast_dropped_rows"][-1]), fast["dropped"])
            wave = lib.expected_channel(
                {"name": "wave", "sensor": "sine", "dtype": "float64", "shape": [2],
                 "params": {"frequency_hz": 0.5}}, DURATION_S * SLOW_RATE, SLOW_RATE)
            np.testing.assert_array_equal(closed["slow"]["wave"][...], wave[slow_index])
            for column in columns[:-1]:
                name = column.dset.name
                whole = closed[name][...]
                self.assertEqual(column.rows, len(whole), name)
                seen = np.concatenate(column.seen) if column.seen else whole[:0]
                self.assertTrue(np.array_equal(seen.view(np.uint8), whole.view(np.uint8)),
                                "%s: the rows read live differ from the closed file" % name)
                self.assertEqual(column.counts, sorted(column.counts), name)
        # Rows grew while recording: the reader saw some, and more later, before the close.
        fast_counts = columns[1].counts
        self.assertGreaterEqual(len(set(fast_counts)), min(min_counts, 3),
                                "rows did not grow while recording: %s" % fast_counts)
        self.assertGreaterEqual(polls, 2)

        # info saw a live recording.
        self.assertIsNotNone(info_during, "the reader never saw a row while recording")
        self.assertEqual(info_during.returncode, 0, lib.describe(info_during))
        if info_while_running:
            self.assertIn("state:    live", info_during.stdout)
        else:
            print("the recording ended while `h5rec info` ran: its state is not judged",
                  flush=True)
        self.assertRegex(info_during.stdout, r"(?m)^group fast: 1000 Hz, \d+ rows")
        # ... and a closed one now.
        info_after = lib.run_h5rec("info", path)
        self.assertEqual(info_after.returncode, 0)
        self.assertIn("state:    closed cleanly", info_after.stdout)
        self.assertIn("group fast: 1000 Hz, %d rows" % fast["stored"], info_after.stdout)

        # tail printed consecutive stored rows up to the last one (each once, in order).
        lines = tail_text.splitlines()
        self.assertTrue(lines, "tail printed nothing")
        values = [int(line.split()[1]) for line in lines]
        stored = fast_index.tolist()
        self.assertIn(values[0], stored)
        first = stored.index(values[0])
        self.assertEqual(values, stored[first:],
                         "gap or duplicate in tail output (first %d, last %d, %d lines)"
                         % (values[0], values[-1], len(values)))
        self.assertEqual(values[-1], stored[-1])
        # It followed: it printed its first 10 rows before the reader saw the last rows, so
        # more came after them. (Not judged when the recording ended before tail printed.)
        if tail_printed_before is not None and tail_printed_before < len(stored):
            self.assertLess(first, len(stored) - 10, "tail did not follow the recording")
        else:
            print("tail printed nothing before the recording ended: following not judged",
                  flush=True)

    def test_tail_follows_the_live_link_across_segments(self):
        """Segments rotate every 0.7 s: `tail --follow DIR/<device>_live.h5` prints every row of
        every segment once, in order, and exits when the recorder stops (the link goes away).
        The segments chain through their `segment` and `previous_segment` attributes.

        The recorder rotates at the first checkpoint after a segment is 0.7 s old, so how many
        segments a fixed duration gives depends on when its writer gets the CPU (3 instead of
        4 in 3 s, seen on a loaded machine). So it records until the fourth segment exists and
        is stopped with SIGINT; each segment is opened at least 0.7 s after the one before
        (start_time_utc: rotation never early)."""
        rate, segment_s, segments = 200, 0.7, 4
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, [lib.counter_group("fast", rate_hz=rate)],
                                  output_dir=str(out), checkpoint_interval=0.2,
                                  segment_duration=segment_s, device_id="rot")
        recorder = lib.start_h5rec("record", config, cwd=self.tmp)
        self.addCleanup(lambda: recorder.poll() is None and recorder.kill())
        link = out / "rot_live.h5"
        deadline = time.monotonic() + OPEN_TIMEOUT_S
        while not link.is_symlink():
            self.assertIsNone(recorder.poll(), "the recorder ended early")
            self.assertLess(time.monotonic(), deadline, "no live link appeared")
            time.sleep(0.01)
        tail = subprocess.Popen(
            lib.h5rec_command("tail", link, "--channel", "c0", "--follow", "-n", "100000"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.tmp,
            env=lib.child_env())
        self.addCleanup(lambda: tail.poll() is None and tail.kill())
        deadline = time.monotonic() + segments * segment_s + HANG_S
        while len([p for p in out.glob("rot_*.h5") if not p.is_symlink()]) < segments:
            self.assertIsNone(recorder.poll(), "the recorder ended early")
            self.assertLess(time.monotonic(), deadline, "no %d segments" % segments)
            time.sleep(0.02)
        recorder.send_signal(signal.SIGINT)
        rec_stdout, rec_stderr = recorder.communicate(timeout=HANG_S)
        try:
            tail_stdout, tail_stderr = tail.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow did not exit once the recorder had stopped")
        summary = lib.parse_record_summary(rec_stdout)
        fast = summary["groups"]["fast"]
        self.assertEqual(recorder.returncode,
                         lib.record_exit(fast["dropped"]), rec_stderr)
        self.assertEqual(tail.returncode, 0, tail_stderr)
        self.assertFalse(link.exists() or link.is_symlink(), "live link left behind")
        # Every row due stored or counted as dropped (a sampler late by over a second skips
        # rows); tail printed every stored row of every segment, once, in order.
        stored = verify_segments.check_chain(
            [out], due={"fast": fast["due"]}, stored_want={"fast": fast["stored"]},
            dropped_want={"fast": fast["dropped"]}, log=lambda line: None)["fast"]["indices"]
        values = [int(line.split()[1]) for line in tail_stdout.splitlines()]
        self.assertEqual(values, stored.tolist(),
                         "tail lost, repeated or reordered rows across segments; its stderr: "
                         + tail_stderr)
        paths = summary["paths"]
        self.assertGreaterEqual(len(paths), segments, rec_stdout)
        opened = []
        for path in paths:
            with lib.open_recording(path) as f:
                opened.append(utc_ns(lib.attr_text(f.attrs["start_time_utc"])))
        # 10 ms: the wall clock read beside the monotonic one the recorder times segments by.
        self.assertTrue(all(b - a >= (segment_s - 0.01) * 1e9 for a, b in zip(opened, opened[1:])),
                        "a segment rotated early: opened at %s" % opened)
        previous = ""
        for number, path in enumerate(paths, start=1):
            with lib.open_recording(path) as f:
                self.assertEqual(int(f.attrs["segment"]), number)
                self.assertEqual(lib.attr_text(f.attrs["previous_segment"]), previous)
            previous = pathlib.Path(path).name

    def test_tail_follows_a_last_segment_the_link_left_before_tail_saw_it(self):
        """A rotation just before the recorder stops makes a last segment that the live link may
        point to too briefly for `tail --follow` to see: once the link is gone, tail goes on with
        the segment after the one it finished (in the directory's chain), then exits. Made
        deterministic: two closed segments of a virtual-clock recording, a link to the first that
        is removed while tail waits for the next."""
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, [lib.counter_group("fast", rate_hz=100)],
                                  output_dir=str(out), checkpoint_interval=0.5,
                                  segment_duration=2.0, device_id="brief")
        lib.record(config, duration=4.0, cwd=self.tmp)
        segments = sorted(p for p in out.glob("brief_*.h5"))
        self.assertEqual(len(segments), 2, segments)
        link = out / "brief_live.h5"
        link.symlink_to(segments[0].name)
        tail = subprocess.Popen(
            lib.h5rec_command("tail", link, "--channel", "c0", "--follow", "-n", "100000"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.tmp,
            env=lib.child_env())
        self.addCleanup(lambda: tail.poll() is None and tail.kill())
        time.sleep(1.0)  # tail has printed the first segment and waits for the link to move
        link.unlink()
        try:
            stdout, stderr = tail.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow did not exit once the link was gone")
        self.assertEqual(tail.returncode, 0, stderr)
        values = [int(line.split()[1]) for line in stdout.splitlines()]
        self.assertEqual(values, list(range(400)), "tail did not print both segments, in order")


if __name__ == "__main__":
    unittest.main()
