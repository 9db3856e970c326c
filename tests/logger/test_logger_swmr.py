"""Concurrent readers (SWMR) and checkpoints: an h5py reader (swmr=True, refresh()) follows the
file while the driver logs, for each of the three ways to switch SWMR on (datasets declared at
open, enable_concurrent_readers(), automatically once n_datasets names exist). Row counts must
grow while logging and never shrink, every row read must be bit-exact, a new name afterwards must
fail with kNewNameAfterSwmr, and the file must read fine after close. flush() makes every row
logged so far visible to the reader; a killed logger leaves everything up to its last checkpoint.
"""

import os
import pathlib
import signal
import subprocess
import time
import unittest

import h5py
import numpy as np

from h5rec_test import logger_lib as lib

STREAM_S = 2.0
CHECKPOINT_S = 0.1
POLL_S = 0.02
HANG_S = 60  # only a hung logger takes this long to make rows visible
SPECS = [("cnt", "int64", ()), ("vec", "float64", (3,)), ("grid/flags", "bool", (2, 2)),
         ("grid/small", "uint16", ())]


def spec_text(name, type_name, shape):
    return "%s:%s:%s" % (name, type_name, "x".join(map(str, shape)) or "-")


def wait_for_line(proc, prefix):
    """Reads the driver's stdout up to a line starting with `prefix`; returns the lines read."""
    lines = []
    while True:
        raw = proc.stdout.readline()
        if not raw:
            raise AssertionError("driver ended before %r; output %s; stderr %s" % (
                prefix, lines, lib.decode(proc.stderr.read())))
        line = lib.decode(raw).rstrip("\n")
        lines.append(line)
        if line.startswith(prefix):
            return lines


def resume(proc):
    """Lets a driver blocked in `wait` go on."""
    proc.stdin.write(b"\n")
    proc.stdin.flush()


def piecewise(created, base):
    """Expected values of a dataset whose first `created` rows hold values 0.. and the rest
    values base, base+1, ..."""
    def expect(name, type_name, shape, start, count):
        parts = []
        if start < created:
            n = min(count, created - start)
            parts.append(lib.values(name, type_name, shape, start, n))
            start, count = start + n, count - n
        if count:
            parts.append(lib.values(name, type_name, shape, base + start - created, count))
        return np.concatenate(parts)
    return expect


class Follower:
    """An h5py SWMR reader following some datasets: checks every new row as it appears."""

    def __init__(self, test, f, specs, expect=lib.values):
        self.test = test
        self.f = f
        self.specs = specs
        self.expect = expect
        self.rows = {name: 0 for name, _, _ in specs}
        self.seen = {name: [0] for name, _, _ in specs}  # distinct row counts, in order

    def poll(self):
        for name, type_name, shape in self.specs:
            dset = self.f[name]
            dset.refresh()
            rows = dset.shape[0]
            before = self.rows[name]
            self.test.assertGreaterEqual(rows, before, "%s shrank" % name)
            if rows > before:
                self.test.assertArrayBits(
                    dset[before:rows], type_name,
                    self.expect(name, type_name, shape, before, rows - before),
                    "%s rows %d..%d" % (name, before, rows))
                self.rows[name] = rows
                self.seen[name].append(rows)

    def follow(self, proc):
        """Polls until the driver exits; returns the row counts seen while it was running."""
        while proc.poll() is None:
            self.poll()
            time.sleep(POLL_S)
        seen_live = {name: list(counts) for name, counts in self.seen.items()}
        self.poll()
        return seen_live


class SwmrTest(lib.LoggerTestCase):

    def stream_args(self, seconds, first, specs=SPECS):
        return ["stream", seconds, first] + [spec_text(*s) for s in specs]

    def check_live_growth(self, seen_live):
        for name, counts in seen_live.items():
            self.assertEqual(counts, sorted(counts), name)
            # Checkpoints every 0.1 s for 2 s: the reader must see the file grow while it is
            # being written, more than once, not just at close. (How many times depends on when
            # the reader and the logger's writer get the CPU: not assumed.)
            self.assertGreaterEqual(len(counts), 3,
                                    "%s grew only %s while logging" % (name, counts))

    def finish(self, proc):
        out, err = proc.communicate(timeout=lib.TIMEOUT_S)
        self.assertRanOk(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        return lib.DriverOutput(out)

    # ---- the three ways to switch SWMR on ----

    def test_declared_datasets_start_swmr_at_open(self):
        path = self.path()
        declare = []
        for s in SPECS:
            declare += ["--declare", spec_text(*s)]
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", *declare,
                         "--checkpoint", CHECKPOINT_S, "--chunk-bytes", 512, path,
                         "echo", "OPENED", "wait",
                         *self.stream_args(STREAM_S, 0),
                         "log", "late/name", "int8", "-", 0, 1,
                         *self.stream_args(0.2, "+"), "close")
        try:
            lines = wait_for_line(proc, "OPENED")
            self.assertTrue(lines[0].startswith("OPEN kOk 1"), lines)
            # SWMR is on as soon as the logger is open: a reader opens at the first attempt.
            f = h5py.File(path, "r", libver="latest", swmr=True)
            resume(proc)
            with f:
                self.assertEqual(sorted(lib.dataset_names(f)), sorted(s[0] for s in SPECS))
                seen = Follower(self, f, SPECS).follow(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
        out = self.finish(proc)
        self.check_live_growth(seen)
        runs = [int(line.split()[1]) for line in out.other if line.startswith("STREAMED")]
        self.assertEqual(len(runs), 2, out.lines)
        self.assertGreater(runs[1], 0, "logging goes on after the refused name")
        self.assertStatus(out.status("log"), "kNewNameAfterSwmr", "late/name", path)
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertNotIn("late", f)
            for name, type_name, shape in SPECS:
                self.assertDataset(f, name, type_name, shape, 0, runs[0] + runs[1])

    def test_enable_concurrent_readers_explicitly(self):
        path = self.path()
        proc = lib.start(lib.DRIVER, "--replace", "--checkpoint", CHECKPOINT_S,
                         "--chunk-bytes", 512, path,
                         *self.stream_args(0.1, 0), "echo", "BEFORE", "wait",
                         "enable", "echo", "ENABLED", "wait",
                         *self.stream_args(STREAM_S, 100000),
                         "log", "late/name", "int8", "-", 0, 1, "close")
        try:
            lines = wait_for_line(proc, "BEFORE")
            created = int(lines[-2].split()[1])  # STREAMED n
            # Not yet: a SWMR reader cannot open the file.
            with self.assertRaises(OSError):
                h5py.File(path, "r", libver="latest", swmr=True).close()
            resume(proc)
            lines = wait_for_line(proc, "ENABLED")
            self.assertIn("STATUS enable kOk 0 ", lines)
            f = h5py.File(path, "r", libver="latest", swmr=True)
            # Switching on was a checkpoint: the rows logged before are visible at once.
            for name, type_name, shape in SPECS:
                self.assertEqual(f[name].shape[0], created, name)
            resume(proc)
            with f:
                seen = Follower(self, f, SPECS, piecewise(created, 100000)).follow(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
        out = self.finish(proc)
        self.check_live_growth(seen)
        self.assertStatus(out.status("log"), "kNewNameAfterSwmr", "late/name", path)
        self.assertStatus(out.status("close"), "kOk")
        streamed = int(out.line_starting("STREAMED").split()[1])
        with h5py.File(path, "r") as f:
            self.assertNotIn("late", f)
            for name, type_name, shape in SPECS:
                dset = f[name]
                self.assertEqual(dset.shape, (created + streamed,) + shape)
                self.assertValues(f[name], type_name, np.concatenate(
                    [lib.values(name, type_name, shape, 0, created),
                     lib.values(name, type_name, shape, 100000, streamed)]), name)

    def test_automatic_once_n_datasets_exist(self):
        path = self.path()
        first_two, last_two = SPECS[:2], SPECS[2:]
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", "--n-datasets", len(SPECS),
                         "--checkpoint", CHECKPOINT_S, "--chunk-bytes", 512, path,
                         *self.stream_args(0.05, 0, first_two), "echo", "TWO", "wait",
                         *self.stream_args(STREAM_S, 50000),
                         "log", "late/name", "int8", "-", 0, 1, "close")
        try:
            lines = wait_for_line(proc, "TWO")
            created = int(lines[-2].split()[1])
            # Two of four names: SWMR is not on yet.
            with self.assertRaises(OSError):
                h5py.File(path, "r", libver="latest", swmr=True).close()
            resume(proc)
            wait_for_line(proc, "STREAMING")
            # The first row of the stream created the last names, the last one switching SWMR
            # on (a checkpoint first): a reader opens at the first attempt and sees them all.
            f = h5py.File(path, "r", libver="latest", swmr=True)
            with f:
                self.assertEqual(sorted(lib.dataset_names(f)), sorted(s[0] for s in SPECS))
                expect_first_two = piecewise(created, 50000)

                def expect(name, type_name, shape, start, count):
                    if name in (s[0] for s in first_two):
                        return expect_first_two(name, type_name, shape, start, count)
                    return lib.values(name, type_name, shape, 50000 + start, count)
                seen = Follower(self, f, SPECS, expect).follow(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
        out = self.finish(proc)
        self.check_live_growth(seen)
        self.assertStatus(out.status("log"), "kNewNameAfterSwmr", "late/name", path)
        self.assertStatus(out.status("close"), "kOk")
        streamed = int([l for l in out.other if l.startswith("STREAMED")][-1].split()[1])
        with h5py.File(path, "r") as f:
            self.assertNotIn("late", f)
            for name, type_name, shape in first_two:
                self.assertValues(f[name], type_name, np.concatenate(
                    [lib.values(name, type_name, shape, 0, created),
                     lib.values(name, type_name, shape, 50000, streamed)]), name)
            for name, type_name, shape in last_two:
                self.assertValues(f[name], type_name,
                                  lib.values(name, type_name, shape, 50000, streamed), name)

    def test_string_dataset_under_swmr_reads_after_reopen(self):
        """HDF5 1.10 SWMR readers following a file with refresh() cannot read variable-length
        string rows added after they opened it ("address of object past end of allocation"),
        a documented limit: a reader that reopens the file reads them, and numeric datasets in
        the same file follow live."""
        path = self.path()
        proc, out = lib.run_driver("--replace", "--concurrent", "--declare", "cnt:int64:-",
                                   "--declare", "msg:string:-", path,
                                   "log", "cnt", "int64", "-", 0, 50,
                                   "str", "msg", "first", "flush",
                                   "str", "msg", "second", "close")
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(out.open_code, "kOk")
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            self.assertEqual(lib.read_strings(f["msg"]), ["first", "second"])
            self.assertEqual(f["cnt"].shape, (50,))

    # ---- flush() and checkpoints ----

    def test_flush_makes_every_row_visible(self):
        """With checkpoints far apart, only flush() can make rows visible: right after it
        returns, a SWMR reader sees exactly the rows logged so far."""
        path = self.path()
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent",
                         "--declare", "x:int32:-", "--declare", "y:float32:2",
                         "--checkpoint", 1000, "--chunk-bytes", 256, path,
                         "log", "x", "int32", "-", 0, 500, "log", "y", "float32", "2", 0, 333,
                         "flush", "echo", "F1", "wait",
                         "log", "x", "int32", "-", 500, 77, "log", "y", "float32", "2", 333, 1,
                         "flush", "echo", "F2", "wait",
                         "log", "x", "int32", "-", 577, 3, "close")
        try:
            lines = wait_for_line(proc, "F1")
            self.assertIn("STATUS flush kOk 0 ", lines)
            f = h5py.File(path, "r", libver="latest", swmr=True)
            with f:
                self.assertValues(f["x"], "int32", lib.values("x", "int32", (), 0, 500))
                self.assertValues(f["y"], "float32", lib.values("y", "float32", (2,), 0, 333))
                resume(proc)
                lines = wait_for_line(proc, "F2")
                self.assertIn("STATUS flush kOk 0 ", lines)
                f["x"].refresh()
                f["y"].refresh()
                self.assertValues(f["x"], "int32", lib.values("x", "int32", (), 0, 577))
                self.assertValues(f["y"], "float32", lib.values("y", "float32", (2,), 0, 334))
            # A reader opening the file now sees the same.
            with h5py.File(path, "r", libver="latest", swmr=True) as g:
                self.assertEqual(g["x"].shape, (577,))
            resume(proc)
            out = self.finish(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertValues(f["x"], "int32", lib.values("x", "int32", (), 0, 580))

    def kill_after(self, proc, prefix):
        wait_for_line(proc, prefix)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=lib.TIMEOUT_S)
        self.assertEqual(proc.returncode, -signal.SIGKILL)

    def test_killed_logger_keeps_its_checkpoints(self):
        """SIGKILL after flush(), and after a periodic checkpoint: the rows up to it are in the
        file (SWMR file: a SWMR reader opens it as is)."""
        path = self.path()
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", "--declare", "x:int64:-",
                         "--declare", "v:uint8:3", "--checkpoint", 1000, "--chunk-bytes", 128,
                         path, "log", "x", "int64", "-", 0, 1234, "log", "v", "uint8", "3", 0, 99,
                         "flush", "echo", "FLUSHED", "wait")
        self.kill_after(proc, "FLUSHED")
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 1234))
            self.assertValues(f["v"], "uint8", lib.values("v", "uint8", (3,), 0, 99))

        # Periodic checkpoints (every 20 ms), no flush: once a reader sees that one made every
        # row visible (not after a sleep: the background writer may get the CPU late on a
        # loaded machine), kill.
        path = self.path("periodic.h5")
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", "--declare", "x:int64:-",
                         "--checkpoint", 0.02, "--chunk-bytes", 128, path,
                         "log", "x", "int64", "-", 0, 777, "echo", "LOGGED", "wait")
        try:
            wait_for_line(proc, "LOGGED")
            with lib.open_swmr(path, timeout_s=HANG_S, required=("x",)) as f:
                deadline = time.monotonic() + HANG_S
                while f["x"].shape[0] < 777:
                    self.assertLess(time.monotonic(), deadline,
                                    "no periodic checkpoint made the rows visible in %d s" % HANG_S)
                    time.sleep(POLL_S)
                    f["x"].refresh()
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=lib.TIMEOUT_S)
            self.assertEqual(proc.returncode, -signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
        with h5py.File(path, "r", libver="latest", swmr=True) as f:
            self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 777))

    def killed_without_swmr(self, name):
        path = self.path(name)
        proc = lib.start(lib.DRIVER, "--replace", "--checkpoint", 1000, "--chunk-bytes", 128,
                         path, "log", "x", "int64", "-", 0, 1234, "log", "s", "string", "-", 0, 40,
                         "flush", "log", "x", "int64", "-", 1234, 1300, "echo", "FLUSHED", "wait")
        self.kill_after(proc, "FLUSHED")
        self.assertTrue(pathlib.Path(str(path) + "-journal").exists(), "no journal left behind")
        return path

    def test_killed_logger_without_swmr_is_recovered(self):
        """Without SWMR a killed file is marked open for writing. `h5rec recover` brings it back
        to its last checkpoint (the flush): plain h5py and h5dump open it, no h5clear, and the
        rows logged after the flush are gone."""
        path = self.killed_without_swmr("killed.h5")
        recover = subprocess.run(lib.command(lib.H5REC, "recover", path), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, timeout=lib.TIMEOUT_S, env=lib.child_env())
        self.assertEqual(recover.returncode, 0, lib.decode(recover.stderr))
        # One line: a logger file has no groups of a recording, so its datasets are listed.
        self.assertRegex(lib.decode(recover.stdout),
                         r"^\S*killed\.h5: recovered: (.*, )?x 1234 rows[ ,][^\n]*\n$")
        self.assertFalse(pathlib.Path(str(path) + "-journal").exists())
        with h5py.File(path, "r") as f:
            self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 1234))
            self.assertValues(f["s"], "string", lib.texts(0, 40, 255))
        dump = subprocess.run(["h5dump", "-H", path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=lib.TIMEOUT_S, env=lib.child_env())
        self.assertEqual(dump.returncode, 0, lib.decode(dump.stderr))

    def test_killed_logger_file_is_recovered_when_reopened(self):
        """Opening a killed logger's file to append recovers it first, then appends after the
        last checkpoint."""
        path = self.killed_without_swmr("reopened.h5")
        proc = lib.start(lib.DRIVER, path, "log", "x", "int64", "-", 1234, 766, "close")
        out, err = proc.communicate(timeout=lib.TIMEOUT_S)
        self.assertEqual(proc.returncode, 0, lib.decode(err))
        with h5py.File(path, "r") as f:
            self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 2000))
            self.assertValues(f["s"], "string", lib.texts(0, 40, 255))


if __name__ == "__main__":
    unittest.main()
