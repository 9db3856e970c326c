"""Errors: each returns the documented LogError with a message naming the dataset and the file,
never throws or crashes, and leaves the file readable with everything logged before (and the
logger usable for valid calls)."""

import math
import os
import subprocess
import unittest

import h5py

from h5rec_test import logger_lib as lib

INVALID_NAMES = ["", "a%00b", "%00", "/a", "a/", "/", "//", "a//b", "a/./b", "a/../b", ".",
                 "..", "./a", "a/..", "x/./", "/x/y"]


class ErrorsTest(lib.LoggerTestCase):

    def run_ok(self, *args):
        proc, out = lib.run_driver(*args)
        self.assertRanOk(proc)
        return out

    def assertOnlyDatasets(self, path, expected):
        """The file holds exactly these datasets, and no other object (no stray groups)."""
        with h5py.File(path, "r") as f:
            objects = []
            f.visit(objects.append)
            self.assertEqual(sorted(lib.dataset_names(f)), sorted(expected))
            groups = {"/".join(n.split("/")[:k]) for n in expected
                      for k in range(1, n.count("/") + 1)}
            self.assertEqual(sorted(objects), sorted(set(expected) | groups))

    def test_invalid_names(self):
        path = self.path()
        ops = ["log", "good", "int32", "-", 0, 10]
        for name in INVALID_NAMES:
            ops += ["log", name, "int32", "-", 0, 1]
        for name in INVALID_NAMES:
            ops += ["str", name, "text"]
        ops += ["log", "good", "int32", "-", 10, 5, "close"]
        out = self.run_ok(path, *ops)
        logs = [s for s in out.statuses if s.op == "log"]
        strs = [s for s in out.statuses if s.op == "str"]
        self.assertEqual(len(logs), len(INVALID_NAMES) + 2)
        for name, log, text in zip(INVALID_NAMES, logs[1:-1], strs):
            decoded = lib.unescape(name.replace("%00", "\\x00"))
            with self.subTest(name=decoded):
                for s in (log, text):
                    self.assertStatus(s, "kInvalidName", path, "'%s'" % decoded)
                    self.assertEqual(s.rows, 0)
                if "\0" in decoded:
                    self.assertIn("NUL", log.message)
        self.assertStatus(logs[0], "kOk")
        self.assertStatus(logs[-1], "kOk")
        self.assertStatus(out.status("close"), "kOk")
        self.assertOnlyDatasets(path, ["good"])
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "good", "int32", (), 0, 15)

    def test_invalid_declared_name_fails_open(self):
        path = self.path()
        out = self.run_ok("--replace", "--declare", "ok:int8:-", "--declare", "a/./b:int32:-",
                          path, "log", "ok", "int8", "-", 0, 1, "flush", "close")
        self.assertEqual(out.open_code, "kInvalidName")
        self.assertFalse(out.open_is_open)
        self.assertIn("a/./b", out.open_message)
        self.assertIn(path, out.open_message)
        for s in out.statuses:
            self.assertStatus(s, "kClosed", path, "a/./b")

    def test_calls_after_close(self):
        path = self.path()
        out = self.run_ok(path, "log", "good", "float64", "2", 0, 20, "close",
                          "log", "good", "float64", "2", 20, 1, "log", "other", "int8", "-", 0, 1,
                          "str", "text", "hello", "flush", "enable", "close", "keys")
        self.assertStatus(out.status("log", 0), "kOk")
        self.assertStatus(out.status("close", 0), "kOk")
        after = out.statuses[2:]
        self.assertEqual([s.op for s in after], ["log", "log", "str", "flush", "enable", "close"])
        for s in after:
            self.assertStatus(s, "kClosed", path, "closed")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "good", "float64", (2,), 0, 20)
        self.assertOnlyDatasets(path, ["good"])

    def test_type_mismatch(self):
        path = self.path()
        out = self.run_ok(path,
                          "log", "n", "int32", "-", 0, 10,
                          "log", "n", "float64", "-", 0, 1,
                          "log", "n", "uint32", "-", 0, 1,   # same size, other signedness
                          "log", "n", "float32", "-", 0, 1,  # same size, float
                          "str", "n", "text",
                          "log", "flag", "bool", "-", 0, 4,
                          "log", "flag", "int8", "-", 0, 1,
                          "log", "flag", "uint8", "-", 0, 1,
                          "log", "s", "string", "-", 0, 3,
                          "log", "s", "int8", "-", 0, 1,
                          "log", "n", "int32", "-", 10, 5,
                          "log", "flag", "bool", "-", 4, 2,
                          "log", "s", "string", "-", 3, 2, "close")
        logs = [s for s in out.statuses if s.op == "log"]
        self.assertStatus(logs[0], "kOk")
        self.assertStatus(logs[1], "kTypeMismatch", path, "'n'", "int32", "float64")
        self.assertStatus(logs[2], "kTypeMismatch", path, "'n'", "int32", "uint32")
        self.assertStatus(logs[3], "kTypeMismatch", path, "'n'", "int32", "float32")
        self.assertStatus(out.status("str"), "kTypeMismatch", path, "'n'", "int32", "string")
        self.assertStatus(logs[4], "kOk")
        self.assertStatus(logs[5], "kTypeMismatch", path, "'flag'", "bool", "int8")
        self.assertStatus(logs[6], "kTypeMismatch", path, "'flag'", "bool", "uint8")
        self.assertStatus(logs[7], "kOk")
        self.assertStatus(logs[8], "kTypeMismatch", path, "'s'", "string", "int8")
        for s in logs[9:]:
            self.assertStatus(s, "kOk")
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "n", "int32", (), 0, 15)
            self.assertDataset(f, "flag", "bool", (), 0, 6)
            self.assertDataset(f, "s", "string", (), 0, 5)

    def test_shape_mismatch(self):
        path = self.path()
        out = self.run_ok(path,
                          "log", "v", "float32", "3", 0, 7,
                          "log", "v", "float32", "3x1", 0, 1,   # another rank
                          "log", "v", "float32", "4", 0, 1,     # another size
                          "log", "v", "float32", "-", 0, 1,     # scalar
                          "log", "sc", "int16", "-", 0, 3,
                          "log", "sc", "int16", "1", 0, 1,      # (1,) is not a scalar
                          "log", "m", "uint8", "2x3", 0, 2,
                          "log", "m", "uint8", "3x2", 0, 1,     # same count, other shape
                          "log", "v", "float32", "3", 7, 4,
                          "log", "sc", "int16", "-", 3, 1,
                          "log", "m", "uint8", "2x3", 2, 1, "close")
        logs = [s for s in out.statuses if s.op == "log"]
        self.assertStatus(logs[0], "kOk")
        self.assertStatus(logs[1], "kShapeMismatch", path, "'v'", "(3,)", "(3, 1)")
        self.assertStatus(logs[2], "kShapeMismatch", path, "'v'", "(3,)", "(4,)")
        self.assertStatus(logs[3], "kShapeMismatch", path, "'v'", "(3,)", "()")
        self.assertStatus(logs[4], "kOk")
        self.assertStatus(logs[5], "kShapeMismatch", path, "'sc'", "(1,)")
        self.assertStatus(logs[6], "kOk")
        self.assertStatus(logs[7], "kShapeMismatch", path, "'m'", "(2, 3)", "(3, 2)")
        for s in logs[8:]:
            self.assertStatus(s, "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "v", "float32", (3,), 0, 11)
            self.assertDataset(f, "sc", "int16", (), 0, 4)
            self.assertDataset(f, "m", "uint8", (2, 3), 0, 3)

    def test_zero_dimension(self):
        path = self.path()
        out = self.run_ok(path, "log", "good", "int8", "-", 0, 3, "log", "z", "int32", "0", 0, 1,
                          "log", "z2", "float64", "2x0x3", 0, 1, "close")
        self.assertStatus(out.status("log", 1), "kInvalidArgument", path, "'z'")
        self.assertStatus(out.status("log", 2), "kInvalidArgument", path, "'z2'")
        self.assertOnlyDatasets(path, ["good"])

    def test_string_too_long(self):
        path = self.path()
        ok16 = "0123456789abcdef"
        e8 = "%C3%A9" * 8                     # 16 bytes, 8 characters
        out = self.run_ok("--max-string", 16, path,
                          "str", "s", ok16,
                          "str", "s", ok16 + "g",                   # 17 bytes
                          "str", "s", e8,
                          "str", "s", e8 + "x",                     # 17 bytes, 9 characters
                          "str", "s", "%F0%9F%99%82" * 4 + "x",     # 17 bytes, 5 characters
                          "str", "s", "x" * 1000,
                          "str", "s", "ok", "close")
        strs = [s for s in out.statuses if s.op == "str"]
        self.assertStatus(strs[0], "kOk")
        self.assertStatus(strs[1], "kStringTooLong", path, "'s'", "17", "16")
        self.assertStatus(strs[2], "kOk")
        self.assertStatus(strs[3], "kStringTooLong", path, "'s'", "17", "16")
        self.assertStatus(strs[4], "kStringTooLong", path, "'s'", "17", "16")
        self.assertStatus(strs[5], "kStringTooLong", path, "'s'", "1000", "16")
        self.assertStatus(strs[6], "kOk")
        with h5py.File(path, "r") as f:
            self.assertEqual(lib.read_strings(f["s"]), [ok16, "é" * 8, "ok"])

    def test_failed_first_call_creates_nothing(self):
        """Regression: the first log() of a name that fails its own checks (a string longer than
        max_string_bytes) still creates the dataset (Logger::log_raw creates it before checking
        the string's length). The empty dataset then counts toward n_datasets: here it switches
        SWMR on, and the next valid new name fails with kNewNameAfterSwmr."""
        path = self.path()
        out = self.run_ok("--replace", "--concurrent", "--n-datasets", 2, "--max-string", 4,
                          path, "log", "first", "int8", "-", 0, 1,
                          "str", "too_long", "12345", "log", "second", "int8", "-", 0, 1,
                          "close")
        self.assertStatus(out.status("str"), "kStringTooLong", "too_long")
        self.assertStatus(out.status("log", 1), "kOk")
        self.assertOnlyDatasets(path, ["first", "second"])

    def test_string_with_nul(self):
        path = self.path()
        out = self.run_ok(path, "str", "s", "before", "str", "s", "a%00b", "str", "s", "%00",
                          "str", "s", "after", "close")
        strs = [s for s in out.statuses if s.op == "str"]
        self.assertStatus(strs[1], "kInvalidArgument", "'s'", "NUL")
        self.assertStatus(strs[2], "kInvalidArgument", "'s'", "NUL")
        for s in (strs[0], strs[3]):
            self.assertStatus(s, "kOk")
        with h5py.File(path, "r") as f:
            self.assertEqual(lib.read_strings(f["s"]), ["before", "after"])

    def assertEveryCallClosed(self, out, path, reason):
        self.assertGreaterEqual(len(out.statuses), 5)
        for s in out.statuses:
            self.assertStatus(s, "kClosed", path, reason)
        self.assertEqual(out.keys, [])

    CLOSED_OPS = ["log", "x", "int32", "-", 0, 1, "str", "s", "text", "flush", "enable", "keys",
                  "close"]

    def test_existing_file_that_is_not_hdf5(self):
        for content in [b"hello, this is not HDF5\n" * 100, b""]:
            with self.subTest(bytes=len(content)):
                path = self.path("text%d.h5" % len(content))
                with open(path, "wb") as f:
                    f.write(content)
                out = self.run_ok(path, *self.CLOSED_OPS)
                self.assertEqual(out.open_code, "kNotHdf5")
                self.assertFalse(out.open_is_open)
                self.assertIn(path, out.open_message)
                self.assertIn("not an HDF5 file", out.open_message)
                self.assertEveryCallClosed(out, path, "not an HDF5 file")
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), content, "the file must be left alone")

    def test_truncated_hdf5_file(self):
        whole = self.path("whole.h5")
        self.run_ok("--replace", whole, "log", "x", "int64", "-", 0, 1000, "close")
        with open(whole, "rb") as f:
            content = f.read()[:400]
        path = self.path("truncated.h5")
        with open(path, "wb") as f:
            f.write(content)
        out = self.run_ok(path, *self.CLOSED_OPS)
        self.assertIn(out.open_code, ("kIo", "kNotHdf5"))
        self.assertIn(path, out.open_message)
        self.assertEveryCallClosed(out, path, "not open")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), content, "the file must be left alone")

    def test_replace_overwrites_a_file_that_is_not_hdf5(self):
        path = self.path()
        with open(path, "wb") as f:
            f.write(b"plain text\n")
        out = self.run_ok("--replace", path, "log", "x", "int8", "-", 0, 5, "close")
        self.assertEqual(out.open_code, "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "x", "int8", (), 0, 5)

    def test_unwritable_locations(self):
        regular = self.tmp / "regular"
        regular.write_text("a file, not a directory\n")
        for path in [str(regular / "sub.h5"), str(self.tmp / "missing" / "dir" / "x.h5")]:
            with self.subTest(path=path):
                for replace in ([], ["--replace"]):
                    out = self.run_ok(*replace, path, *self.CLOSED_OPS)
                    self.assertEqual(out.open_code, "kIo")
                    self.assertFalse(out.open_is_open)
                    self.assertIn(path, out.open_message)
                    self.assertEveryCallClosed(out, path, "not open")
                self.assertFalse(os.path.exists(path))

    def test_invalid_options(self):
        cases = [["--ring-chunks", 1], ["--ring-chunks", 0], ["--chunk-bytes", 0],
                 ["--checkpoint", 0], ["--checkpoint", -1], ["--checkpoint", math.nan],
                 ["--max-string", 0]]
        for n, option in enumerate(cases):
            with self.subTest(option=option):
                path = self.path("options%d.h5" % n)
                out = self.run_ok("--replace", *option, path, *self.CLOSED_OPS)
                self.assertEqual(out.open_code, "kInvalidArgument")
                self.assertFalse(out.open_is_open)
                self.assertIn(path, out.open_message)
                self.assertIn("ring_chunks in [2, 4096]", out.open_message)
                self.assertEveryCallClosed(out, path, "not open")
                self.assertFalse(os.path.exists(path), "options are checked before the file")

    def test_name_taken_by_a_group_or_under_a_dataset(self):
        path = self.path()
        out = self.run_ok(path, "log", "train/loss", "float32", "-", 0, 4,
                          "log", "train", "float32", "-", 0, 1,          # a group already
                          "log", "train/loss/x", "int8", "-", 0, 1,      # under a dataset
                          "log", "train/loss", "float32", "-", 4, 3, "close")
        self.assertStatus(out.status("log", 1), "kIo", path, "train")
        self.assertStatus(out.status("log", 2), "kIo", path, "train/loss/x")
        self.assertStatus(out.status("log", 3), "kOk")
        self.assertStatus(out.status("close"), "kOk")
        self.assertOnlyDatasets(path, ["train/loss"])
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "train/loss", "float32", (), 0, 7)

    def test_moved_from_logger(self):
        """A moved-from Logger answers kClosed to every call instead of crashing; the logger it
        moved into keeps logging to the same file."""
        path = self.path()
        out = self.run_ok(path, "log", "x", "uint16", "3", 0, 10, "move",
                          "log", "x", "uint16", "3", 10, 5, "close")
        moved = [s for s in out.statuses if s.op.startswith("moved.")]
        self.assertEqual([s.op for s in moved],
                         ["moved.log", "moved.log_array", "moved.str", "moved.str_nul",
                          "moved.flush", "moved.enable", "moved.close", "moved.open_status"])
        for s in moved:
            self.assertStatus(s, "kClosed", "moved from")
        self.assertEqual(out.line_starting("MOVED"), "MOVED is_open 0 keys 0 new_is_open 1")
        self.assertStatus(out.status("log", 1), "kOk")
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "x", "uint16", (3,), 0, 15)

    def test_move_assignment_closes_the_old_file(self):
        first, second = self.path("first.h5"), self.path("second.h5")
        proc = lib.start(lib.DRIVER, "--replace", first, "log", "a", "int64", "-", 0, 33,
                         "reassign", second, "echo", "REASSIGNED_WAIT", "wait",
                         "log", "b", "int64", "-", 0, 7, "close")
        try:
            line = lib.decode(proc.stdout.readline())
            while line and not line.startswith("REASSIGNED_WAIT"):
                if line.startswith("REASSIGNED "):
                    self.assertEqual(line.split()[1:], ["kOk", "1"])
                line = lib.decode(proc.stdout.readline())
            # The driver still runs: the first file must already be closed (a plain reader
            # cannot open a file HDF5 still has open for writing).
            with h5py.File(first, "r") as f:
                self.assertDataset(f, "a", "int64", (), 0, 33)
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            stdout, stderr = proc.communicate(timeout=lib.TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 0, lib.decode(stderr))
        self.assertStatus(lib.DriverOutput(stdout).status("close"), "kOk")
        self.assertOnlyDatasets(second, ["b"])
        with h5py.File(second, "r") as f:
            self.assertDataset(f, "b", "int64", (), 0, 7)


class RegressionTest(lib.LoggerTestCase):
    """Bugs this suite found and the library fixed; each test states the expected behaviour."""

    # These hangs are endless loops: the limit only has to be far above a working run, which
    # takes well under a second natively but seconds under qemu on a loaded machine.
    HANG_TIMEOUT_S = 60

    def run_or_hang(self, *args):
        try:
            proc, out = lib.run_driver(*args, timeout=self.HANG_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.fail("the driver hung: %s" % (args,))
        self.assertRanOk(proc)
        return out

    def test_log_raw_checks_bytes_against_the_shape(self):
        """Regression: log_raw() copies `bytes` bytes into a row of product(shape) values without
        comparing the two (logger.cpp, the fast path in Logger::log_raw and Impl::push): more
        bytes than the row overflows the ring buffer (ASan: heap-buffer-overflow in copy_value;
        plain build: heap corruption), fewer leaves stale bytes in the row. Expected:
        kInvalidArgument, nothing logged."""
        path = self.path()
        out = self.run_or_hang("--replace", "--chunk-bytes", 16, path,
                               "log", "x", "int32", "2", 0, 1,
                               "rawbytes", "x", "int32", "2", 64,
                               "rawbytes", "x", "int32", "2", 4,
                               "rawbytes", "new", "int16", "3", 100, "close")
        for n in range(3):
            self.assertStatus(out.status("rawbytes", n), "kInvalidArgument")
        with h5py.File(path, "r") as f:
            self.assertEqual(lib.dataset_names(f), ["x"])
            self.assertDataset(f, "x", "int32", (2,), 0, 1)

    def test_string_with_nul_message_names_the_file(self):
        """Regression (minor): README: "errors name the dataset and file"; the NUL-byte error of
        Logger::log(name, std::string_view) is built without Impl::fail, so it says
        "h5rec logger: string for 's' contains a NUL byte" with no file."""
        path = self.path()
        out = self.run_or_hang(path, "str", "s", "a%00b", "close")
        self.assertStatus(out.status("str"), "kInvalidArgument", "'s'", path)

    def test_checkpoint_interval_below_a_nanosecond(self):
        """Regression: checkpoint_interval = 1e-10 passes the options check (> 0) but becomes
        0 ns (logger.cpp: static_cast<int64_t>(checkpoint_interval * 1e9)); Writer::run then
        loops forever in `while (next_checkpoint <= now) next_checkpoint += 0` holding the
        writer lock, and log() (creating a dataset) or close() hang. Expected: either
        kInvalidArgument at open or a working logger."""
        path = self.path()
        out = self.run_or_hang("--replace", "--checkpoint", 1e-10, path, "sleep", 200,
                               "log", "x", "int8", "-", 0, 10, "close")
        if out.open_code == "kInvalidArgument":
            return
        self.assertStatus(out.status("log"), "kOk")
        self.assertStatus(out.status("close"), "kOk")

    def test_huge_checkpoint_interval(self):
        """Regression: checkpoint_interval = 1e10 s or inf ("only when I flush") overflows the
        int64 nanoseconds (logger.cpp: static_cast<int64_t>(checkpoint_interval * 1e9) is
        undefined past 9.2e9 s); the writer then spins forever (plain build: hangs in close())
        or UBSan reports signed overflow in Writer::run. Expected: kInvalidArgument at open, or
        a logger that checkpoints only on flush() and close()."""
        for interval in (1e10, float("inf")):
            path = self.path("interval_%s.h5" % interval)
            out = self.run_or_hang("--replace", "--checkpoint", interval, path, "sleep", 200,
                                   "log", "x", "int8", "-", 0, 10, "flush", "close")
            if out.open_code == "kInvalidArgument":
                continue
            self.assertStatus(out.status("log"), "kOk")
            self.assertStatus(out.status("flush"), "kOk")
            self.assertStatus(out.status("close"), "kOk")
            with h5py.File(path, "r") as f:
                self.assertDataset(f, "x", "int8", (), 0, 10)

    def test_max_string_bytes_unlimited(self):
        """Regression: max_string_bytes = SIZE_MAX (a natural "no limit") makes the string slot
        max_string_bytes + 1 wrap to 0 and Impl::create divides chunk_bytes by it: SIGFPE on
        the first string. Expected: kInvalidArgument at open, or strings logged."""
        path = self.path()
        out = self.run_or_hang("--replace", "--max-string", 2 ** 64 - 1, path,
                               "str", "s", "hello", "close")
        if out.open_code == "kInvalidArgument":
            return
        self.assertStatus(out.status("str"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertEqual(lib.read_strings(f["s"]), ["hello"])


if __name__ == "__main__":
    unittest.main()
