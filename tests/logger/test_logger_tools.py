"""`h5rec info` and `h5rec tail` on logger files (include/h5rec/logger.hpp says `h5rec tail`
reads them): h5logger's layout, one extendable dataset per logged name at /name, no time column
and no format attributes. info lists the datasets and says whether the file is live, closed or
unclean (journal and lock, as for recordings); tail prints "<row> <name>=<value>" per dataset
(with --channel "<row> <value>"), values as h5py reads them. Files are made by
logger_driver.cpp with deterministic values (h5rec_test.logger_lib.values).
"""

import re
import signal
import subprocess
import unittest

from h5rec_test import logger_lib as lib

ROWS = {"cnt": 50, "grid/m": 20, "flag": 7}
TEXTS = ["valve opened", 'say "hi"\\ok', "tab\there"]


def h5rec(*args, timeout=60):
    return subprocess.run(lib.command(lib.H5REC, *args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout,
                          env=lib.child_env())


def percent(text):
    """The driver's %XX encoding of an argument."""
    return "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in text)


class LoggerToolsTest(lib.LoggerTestCase):

    def make_file(self, *extra_ops, options=()):
        path = self.path("run.h5")
        ops = ["log", "cnt", "int64", "-", 0, ROWS["cnt"],
               "log", "grid/m", "int16", "2x2", 0, ROWS["grid/m"],
               "log", "flag", "bool", "-", 0, ROWS["flag"]]
        for text in TEXTS:
            ops += ["str", "event", percent(text)]
        proc, out = lib.run_driver("--replace", *options, path, *ops, *extra_ops)
        self.assertRanOk(proc)
        self.assertTrue(all(s.code == "kOk" for s in out.statuses), out.statuses)
        return path

    def wait_for_logged(self, proc):
        """Reads the driver's output up to its LOGGED line."""
        while True:
            line = lib.decode(proc.stdout.readline())
            if line.startswith("LOGGED"):
                return
            if not line:
                self.fail("the driver ended early: %s" % lib.decode(proc.stderr.read()))

    def test_info_lists_the_datasets(self):
        path = self.make_file("close")
        proc = h5rec("info", path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.assertIn("file:     %s\n" % path, proc.stdout)
        self.assertIn("\nformat:   h5logger layout", proc.stdout)
        self.assertIn("\nstate:    closed cleanly\n", proc.stdout)
        self.assertIn("\n4 datasets:\n", proc.stdout)
        rows = re.findall(r"(?m)^  (\S+) +(\S+) +(\([^)]*\))", proc.stdout)
        self.assertEqual(sorted(rows), sorted([
            ("cnt", "int64", "(50,)"), ("grid/m", "int16", "(20, 2, 2)"),
            ("flag", "bool", "(7,)"), ("event", "string", "(3,)")]))

    def test_tail_prints_the_last_rows_of_every_dataset(self):
        path = self.make_file("close")
        proc = h5rec("tail", path, "-n", "2")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        expected = {}
        for row in (48, 49):
            expected["%d cnt" % row] = str(int(lib.values("cnt", "int64", (), row, 1)[0]))
        for row in (18, 19):
            m = lib.values("grid/m", "int16", (2, 2), row, 1)[0].ravel().tolist()
            expected["%d grid/m" % row] = "[%s]" % ", ".join(map(str, m))
        for row in (5, 6):
            expected["%d flag" % row] = "true" if lib.values("flag", "bool", (), row, 1)[0] \
                else "false"
        expected["1 event"] = '"say \\"hi\\"\\\\ok"'
        expected["2 event"] = '"tab\\there"'
        printed = {}
        for line in lines:
            m = re.match(r"^(\d+) (\S+?)=(.*)$", line)
            self.assertIsNotNone(m, line)
            printed["%s %s" % (m.group(1), m.group(2))] = m.group(3)
        self.assertEqual(printed, expected)
        self.assertEqual(len(lines), 8)

    def test_tail_one_dataset(self):
        path = self.make_file("close")
        proc = h5rec("tail", path, "--channel", "grid/m", "-n", "1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        m = lib.values("grid/m", "int16", (2, 2), 19, 1)[0].ravel().tolist()
        self.assertEqual(proc.stdout, "19 [%s]\n" % ", ".join(map(str, m)))
        proc = h5rec("tail", path, "--channel", "event", "-n", "5")
        self.assertEqual(proc.stdout.splitlines(), [
            '0 "valve opened"', '1 "say \\"hi\\"\\\\ok"', '2 "tab\\there"'])
        proc = h5rec("tail", path, "--channel", "nope")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no channel 'nope'", proc.stderr)

    def test_live_then_closed_and_follow(self):
        path = self.path("run.h5")
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", "--declare", "cnt:int64:-",
                         "--checkpoint", 0.05, path, "log", "cnt", "int64", "-", 0, 10,
                         "flush", "echo", "LOGGED", "wait", "log", "cnt", "int64", "-", 10, 5,
                         "close")
        try:
            self.wait_for_logged(proc)
            info = h5rec("info", path)
            self.assertEqual(info.returncode, 0, info.stderr)
            self.assertIn("\nstate:    live (", info.stdout)
            # Unbuffered: communicate() would not see lines a buffered readline() read ahead.
            tail = subprocess.Popen(lib.command(lib.H5REC, "tail", path, "--follow", "-n", "3"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
                                    env=lib.child_env())
            self.assertEqual(lib.decode(tail.stdout.readline()), "7 cnt=%d\n" % lib.values(
                "cnt", "int64", (), 7, 1)[0])
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            stdout, stderr = (lib.decode(b) for b in tail.communicate(timeout=60))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(tail.returncode, 0, stderr)
        self.assertEqual([int(line.split()[0]) for line in stdout.splitlines()],
                         list(range(8, 15)), "every row up to the close, once")
        self.assertTrue(stdout.endswith("14 cnt=%d\n" % lib.values("cnt", "int64", (), 14, 1)[0]))
        info = h5rec("info", path)
        self.assertIn("\nstate:    closed cleanly\n", info.stdout)

    def test_a_killed_logger_is_unclean(self):
        path = self.path("run.h5")
        proc = lib.start(lib.DRIVER, "--replace", "--concurrent", "--declare", "cnt:int64:-",
                         "--checkpoint", 0.05, path,
                         "log", "cnt", "int64", "-", 0, 10, "flush", "echo", "LOGGED", "wait")
        self.wait_for_logged(proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        info = h5rec("info", path)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("\nstate:    unclean: run h5rec recover", info.stdout)
        self.assertIn("  cnt ", info.stdout)


    def test_a_killed_logger_without_swmr_is_named_unclean(self):
        """Without SWMR, HDF5 refuses a file its writer left open: say why, not "damaged"."""
        path = self.path("run.h5")
        proc = lib.start(lib.DRIVER, "--replace", "--checkpoint", 1000, path,
                         "log", "cnt", "int64", "-", 0, 10, "flush", "echo", "LOGGED", "wait")
        self.wait_for_logged(proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        for command in ("info", "tail"):
            out = h5rec(command, path)
            self.assertEqual(out.returncode, 2, out.stderr)
            self.assertEqual(out.stdout, "")
            self.assertIn("h5rec %s: %s: unclean: the writer stopped without closing it" % (
                command, path), out.stderr)
            self.assertIn("run h5rec recover", out.stderr)
        self.assertEqual(h5rec("recover", path).returncode, 0)
        self.assertIn("\nstate:    closed cleanly\n", h5rec("info", path).stdout)

if __name__ == "__main__":
    unittest.main()
