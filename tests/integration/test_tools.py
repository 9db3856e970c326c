"""`h5rec info` and `h5rec tail` on finished recordings, and on files that are not (good)
recordings: missing, random bytes, empty, truncated, HDF5 but not h5rec. Bad files must give a
non-zero exit (not a signal), a message on stderr naming the file, and nothing on stdout.
Several paths and directories of recording chains (ChainsTest); tail's memory with a large -n
(TailMemoryTest). Live, closed and crashed files: test_tools_writer_state.py.
"""

import datetime
import os
import re
import subprocess
import unittest

import h5py
import numpy as np

from h5rec_test import recorder_lib as lib

DURATION_S = 2
GROUPS = [
    {"name": "fast", "rate_hz": 1000, "channels": [
        {"name": "counter", "sensor": "counter", "dtype": "int64", "units": "1"},
        {"name": "accel", "sensor": "sine", "dtype": "float32", "shape": [3], "units": "m/s^2",
         "params": {"amplitude": 9.81, "frequency_hz": 2.0}},
        {"name": "door", "sensor": "step", "dtype": "bool", "params": {"at_s": 1.9975}},
    ]},
    {"name": "slow", "rate_hz": 10, "channels": [
        {"name": "temperature", "sensor": "random_walk", "dtype": "float32", "units": "degC",
         "params": {"start": 20.0, "step": 0.01}},
        {"name": "noise", "sensor": "noise", "dtype": "float64", "units": "V"},
        {"name": "count", "sensor": "counter", "dtype": "uint16"},
        {"name": "mat", "sensor": "counter", "dtype": "int8", "shape": [2, 2],
         "params": {"start": -10}},
    ]},
]
ROWS = {"fast": 2000, "slow": 20}
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"


def iso_ns(ns):
    """format_utc_iso8601 in Python (times since the virtual epoch are all in 2026-01-01)."""
    seconds, nanos = divmod(ns, 10**9)
    t = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % nanos


def parse_value(text):
    """One printed value: "true"/"false", an integer, a float, or "[a, b, ...]"."""
    text = text.strip()
    if text.startswith("["):
        return [parse_value(v) for v in text[1:-1].split(",")]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        return float(text)


def parse_group_line(line):
    """"<time> <group> a=1 b=[1, 2]" -> (time, group, {"a": "1", "b": "[1, 2]"})."""
    m = re.match(r"^(%s) (\S+) (.*)$" % ISO, line)
    if not m:
        raise AssertionError("not a tail line: %r" % line)
    fields = dict(re.findall(r"(\S+)=(\[[^\]]*\]|\S+)", m.group(3)))
    return m.group(1), m.group(2), fields


class ToolsTest(lib.RecorderTestCase):

    def setUp(self):
        super().setUp()
        config = lib.write_config(self.tmp, GROUPS, output_dir=str(self.tmp / "out"))
        proc = lib.record(config, duration=DURATION_S, cwd=self.tmp)
        self.assertExit(proc, 0)
        self.path = lib.find_recording(self.tmp / "out")
        with lib.open_recording(self.path) as f:
            self.data = {g: {name: f[g][name][...] for name in f[g]} for g in f}

    def h5rec(self, *args):
        proc = lib.run_h5rec(*args, cwd=self.tmp, timeout=60)
        self.assertNoCrash(proc)
        return proc

    def assertSameValue(self, printed, stored, where):
        """A printed value parses back to exactly the stored one (floats: %.9g / %.17g)."""
        value = parse_value(printed)
        stored = np.asarray(stored)
        if stored.ndim > 1:
            stored = stored.ravel()  # multi-dimensional samples print as one flat list
        if stored.dtype.kind == "f":
            np.testing.assert_array_equal(np.asarray(value, dtype=stored.dtype), stored, where)
        elif stored.dtype.kind == "b":
            self.assertEqual(value, bool(stored), where)
        else:
            self.assertEqual(np.asarray(value).tolist(), stored.tolist(), where)

    # ----------------------------------------------------------------------------- info

    def test_info_describes_recording(self):
        proc = self.h5rec("info", self.path)
        self.assertExit(proc, 0)
        self.assertEqual(proc.stderr, "")
        out = proc.stdout
        lines = out.splitlines()
        self.assertEqual(lines[0], "file:     %s" % self.path)
        self.assertRegex(out, r"(?m)^format:   h5rec 1 \(written by h5rec \d+\.\d+\.\d+.*\)$")
        self.assertIn("\ndevice:   test-dev\n", out)
        self.assertIn("\nstarted:  %s\n" % lib.VIRTUAL_EPOCH_ISO, out)
        self.assertIn("\nstate:    closed cleanly\n", out)
        self.assertIn(
            "\ngroup fast: 1000 Hz, 2000 rows, 2026-01-01T00:00:00.000000000Z .. "
            "2026-01-01T00:00:01.999000000Z (1.999 s), dropped 0 rows, sensor errors 0\n", out)
        self.assertIn(
            "\ngroup slow: 10 Hz, 20 rows, 2026-01-01T00:00:00.000000000Z .. "
            "2026-01-01T00:00:01.900000000Z (1.900 s), dropped 0 rows, sensor errors 0\n", out)
        self.assertLess(out.index("group fast:"), out.index("group slow:"), "config order")
        self.assertNotIn("group _status", out)
        channels = re.findall(r"(?m)^  (\S+) +(\S+) +(\([^)]*\)) *(\S*)$", out)
        self.assertEqual(channels, [
            ("counter", "int64", "(2000,)", "1"),
            ("accel", "float32", "(2000, 3)", "m/s^2"),
            ("door", "bool", "(2000,)", ""),
            ("temperature", "float32", "(20,)", "degC"),
            ("noise", "float64", "(20,)", "V"),
            ("count", "uint16", "(20,)", ""),
            ("mat", "int8", "(20, 2, 2)", ""),
        ])
        status_rows = self.data["_status"]["time"].shape[0]
        m = re.search(r"(?m)^status: (\d+) rows, checkpoints (\d+), storage errors (\d+), "
                      r"last checkpoint (\d+) ns$", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(1)), status_rows)
        self.assertEqual(int(m.group(2)), int(self.data["_status"]["checkpoints"][-1]))
        self.assertEqual(int(m.group(3)), 0)

    def test_info_reports_dropped_rows_from_status(self):
        """The "dropped" figure is the last /_status/<group>_dropped_rows (zero here, as in the
        file)."""
        proc = self.h5rec("info", self.path)
        self.assertExit(proc, 0)
        for group in ("fast", "slow"):
            last = int(self.data["_status"][group + "_dropped_rows"][-1])
            self.assertEqual(last, 0)
            self.assertRegex(proc.stdout, r"(?m)^group %s: .*, dropped %d rows, sensor errors 0$" % (group, last))

    # ----------------------------------------------------------------------------- tail

    def test_tail_last_rows_of_every_group(self):
        proc = self.h5rec("tail", self.path, "-n", "5")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stderr, "")
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 10, proc.stdout)
        for k, line in enumerate(lines):
            group = "fast" if k < 5 else "slow"
            row = ROWS[group] - 5 + k % 5
            time, printed_group, fields = parse_group_line(line)
            self.assertEqual(printed_group, group)
            data = self.data[group]
            self.assertEqual(time, iso_ns(int(data["time"][row])))
            names = [c["name"] for c in GROUPS[0 if group == "fast" else 1]["channels"]]
            self.assertEqual(list(fields), names, "channels in config order")
            for name in names:
                self.assertSameValue(fields[name], data[name][row], "%s/%s[%d]" % (group, name, row))
        # The values themselves, written out for the simple columns.
        self.assertIn(" fast counter=1999 accel=[", lines[4])
        self.assertTrue(lines[4].endswith(" door=true"), lines[4])
        self.assertTrue(lines[0].endswith(" door=false"), lines[0])
        self.assertIn(" count=19 mat=[9, 9, 9, 9]", lines[9])
        self.assertTrue(lines[9].startswith("2026-01-01T00:00:01.900000000Z slow "), lines[9])

    def test_tail_default_is_10_rows_per_group(self):
        proc = self.h5rec("tail", self.path)
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 20)
        counters = [int(parse_group_line(line)[2]["counter"]) for line in lines[:10]]
        self.assertEqual(counters, list(range(1990, 2000)))

    def test_tail_more_lines_than_rows(self):
        proc = self.h5rec("tail", self.path, "--channel", "slow/count", "-n", "1000")
        self.assertExit(proc, 0)
        self.assertEqual([int(line.split()[1]) for line in proc.stdout.splitlines()],
                         list(range(20)))

    def test_tail_zero_lines(self):
        proc = self.h5rec("tail", self.path, "-n", "0")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout, "")

    def test_tail_one_channel_by_name(self):
        proc = self.h5rec("tail", self.path, "--channel", "counter", "-n", "3")
        self.assertExit(proc, 0)
        times = self.data["fast"]["time"]
        self.assertEqual(proc.stdout.splitlines(), [
            "%s %d" % (iso_ns(int(times[i])), i) for i in (1997, 1998, 1999)])

    def test_tail_one_channel_by_group_and_name(self):
        proc = self.h5rec("tail", self.path, "--channel", "slow/temperature", "-n", "4")
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 4)
        for k, line in enumerate(lines):
            row = 16 + k
            time, value = line.split(" ", 1)
            self.assertEqual(time, iso_ns(int(self.data["slow"]["time"][row])))
            self.assertSameValue(value, self.data["slow"]["temperature"][row], "row %d" % row)

    def test_tail_array_channel(self):
        proc = self.h5rec("tail", self.path, "--channel", "fast/accel", "-n", "2")
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        for k, line in enumerate(lines):
            self.assertRegex(line, r"^%s \[\S+, \S+, \S+\]$" % ISO)
            self.assertSameValue(line.split(" ", 1)[1], self.data["fast"]["accel"][1998 + k],
                                 line)
        proc = self.h5rec("tail", self.path, "--channel", "mat", "-n", "1")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout, "2026-01-01T00:00:01.900000000Z [9, 9, 9, 9]\n")

    def test_tail_status_channel(self):
        proc = self.h5rec("tail", self.path, "--channel", "_status/storage_errors", "-n", "2")
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), min(2, self.data["_status"]["time"].shape[0]))
        self.assertTrue(all(line.endswith(" 0") for line in lines), lines)

    def test_tail_follow_on_closed_recording_exits(self):
        proc = self.h5rec("tail", self.path, "--channel", "fast/counter", "--follow", "-n", "2")
        self.assertExit(proc, 0)
        self.assertEqual([line.split()[1] for line in proc.stdout.splitlines()],
                         ["1998", "1999"])

    def test_tail_unknown_channel(self):
        for channel in ("nope", "slow/counter", "fast/", "/counter", "time", "fast/time"):
            with self.subTest(channel=channel):
                proc = self.h5rec("tail", self.path, "--channel", channel)
                self.assertExit(proc, 2)
                self.assertEqual(proc.stdout, "")
                self.assertIn("'%s'" % channel, proc.stderr)
                self.assertIn(str(self.path), proc.stderr)

    def test_tail_ambiguous_channel(self):
        groups = [lib.counter_group("a", rate_hz=10), lib.counter_group("b", rate_hz=20)]
        config = lib.write_config(self.tmp, groups, output_dir=str(self.tmp / "two"))
        self.assertExit(lib.record(config, duration=1, cwd=self.tmp), 0)
        path = lib.find_recording(self.tmp / "two")
        proc = self.h5rec("tail", path, "--channel", "c0")
        self.assertExit(proc, 2)
        self.assertIn("several groups", proc.stderr)
        proc = self.h5rec("tail", path, "--channel", "b/c0", "-n", "1")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout.split()[1], "19")

    # ----------------------------------------------------------------------------- bad files

    def assertRejected(self, path, also=()):
        for command in ("info", "tail"):
            with self.subTest(command=command, file=os.path.basename(str(path))):
                proc = self.h5rec(command, path)
                self.assertNotEqual(proc.returncode, 0, lib.describe(proc))
                self.assertEqual(proc.returncode, lib.EXIT_BAD_INPUT, lib.describe(proc))
                self.assertEqual(proc.stdout, "")
                self.assertTrue(proc.stderr.startswith("h5rec %s: " % command), proc.stderr)
                self.assertIn(str(path), proc.stderr)
                self.assertLessEqual(len(proc.stderr.splitlines()), 2, proc.stderr)
                for part in also:
                    self.assertIn(part, proc.stderr)

    def test_missing_file(self):
        self.assertRejected(self.tmp / "nothing-here.h5", also=["no such file"])

    def test_random_bytes(self):
        path = self.tmp / "random.h5"
        path.write_bytes(np.random.default_rng(1234).bytes(100_000))
        self.assertRejected(path, also=["not an HDF5 file"])

    def test_empty_file(self):
        path = self.tmp / "empty.h5"
        path.write_bytes(b"")
        self.assertRejected(path, also=["not an HDF5 file"])

    def test_hdf5_signature_then_garbage(self):
        path = self.tmp / "signature.h5"
        path.write_bytes(b"\x89HDF\r\n\x1a\n" + np.random.default_rng(5).bytes(20_000))
        self.assertRejected(path)

    def test_truncated_recording(self):
        data = self.path.read_bytes()
        for name, size in (("half", len(data) // 2), ("first-4k", 4096),
                           ("superblock-only", 48), ("almost", len(data) - 1)):
            path = self.tmp / ("truncated-%s.h5" % name)
            path.write_bytes(data[:size])
            self.assertRejected(path)

    def test_directory_without_hdf5_files(self):
        """Not searched recursively: the recording is in a subdirectory."""
        self.assertRejected(self.tmp, also=["no HDF5 files"])

    def test_hdf5_file_not_made_by_h5rec(self):
        path = self.tmp / "other.h5"
        with h5py.File(path, "w") as f:
            f["x"] = np.arange(10)
            f.create_group("fast").create_dataset("time", data=np.arange(3))
        self.assertRejected(path, also=["not an h5rec recording"])

    def test_hdf5_files_with_h5rec_attribute_but_wrong_layout(self):
        cases = {
            "root-dataset": lambda f: f.create_dataset("x", data=[1, 2]),
            "no-time": lambda f: f.create_group("g").create_dataset("c", data=[1, 2]),
            "subgroup": lambda f: (f.create_group("g").create_dataset("time", data=[1, 2]),
                                   f["g"].create_group("sub")),
            "dangling-soft-link": lambda f: f.__setitem__("g", h5py.SoftLink("/missing")),
            "missing-external-link": lambda f: f.__setitem__(
                "g", h5py.ExternalLink("nowhere.h5", "/g")),
        }
        for name, build in cases.items():
            path = self.tmp / ("fake-%s.h5" % name)
            with h5py.File(path, "w") as f:
                f.attrs["h5rec_format"] = 1
                build(f)
            self.assertRejected(path)

    def test_unprintable_column_type(self):
        path = self.tmp / "compound.h5"
        with h5py.File(path, "w") as f:
            f.attrs["h5rec_format"] = 1
            g = f.create_group("g")
            g["time"] = np.arange(3)
            g["cmp"] = np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])
        proc = self.h5rec("info", path)
        self.assertExit(proc, 0)
        proc = self.h5rec("tail", path)
        self.assertExit(proc, 2)
        self.assertIn("cannot print", proc.stderr)

    def test_non_scalar_attributes_do_not_crash(self):
        """read_string_attr() reads any attribute into one long long / double / char* / a
        string of one element's size, whatever its dataspace: array attributes overflow the
        buffer (stack or heap) and crash the tool."""
        cases = {
            # Caught only by AddressSanitizer: 16 bytes past a long long on the stack.
            "small-int-array-device_id": lambda f, g: f.attrs.__setitem__(
                "device_id", np.arange(3, dtype=np.int64)),
            "int-array-device_id": lambda f, g: f.attrs.__setitem__(
                "device_id", np.arange(200_000, dtype=np.int64)),
            "float-array-rate_hz": lambda f, g: g.attrs.__setitem__(
                "rate_hz", np.ones(200_000)),
            "fixed-string-array-device_id": lambda f, g: f.attrs.__setitem__(
                "device_id", np.array([b"x" * 1000] * 2000, dtype="S1000")),
            "vlen-string-array-device_id": lambda f, g: f.attrs.__setitem__(
                "device_id", ["some text"] * 50_000),
        }
        failures = []
        for name, build in cases.items():
            path = self.tmp / ("attr-%s.h5" % name)
            with h5py.File(path, "w", libver="latest") as f:
                f.attrs["h5rec_format"] = 1
                g = f.create_group("g")
                g["time"] = np.arange(2)
                g["c"] = np.arange(2)
                build(f, g)
            for command in ("info", "tail"):
                proc = lib.run_h5rec(command, path, cwd=self.tmp, timeout=60)
                crashed = proc.returncode not in (0, lib.EXIT_BAD_INPUT) or any(
                    marker in proc.stderr for marker in lib.CRASH_MARKERS)
                if crashed:
                    failures.append("%s %s: exit %d %s" % (
                        command, name, proc.returncode, proc.stderr[-300:]))
        self.assertEqual(failures, [])



class ChainsTest(lib.RecorderTestCase):
    """Several files and directories: a directory stands for its recording chains (info: every
    segment, oldest first; tail: the newest segment), the live link for its segment, once."""

    def setUp(self):
        super().setUp()
        self.out = self.tmp / "out"
        self.segments = {}
        # Not whole seconds: a recording that ends on a rotation may end with an empty segment.
        for device, seconds in (("chain-dev", 2.5), ("other-dev", 0.5)):
            config = lib.write_config(self.tmp, [lib.counter_group("g", rate_hz=10)],
                                      name=device + ".toml", device_id=device,
                                      output_dir=str(self.out), segment_duration=1)
            proc = lib.record(config, duration=seconds, cwd=self.tmp)
            self.assertExit(proc, 0)
            self.segments[device] = lib.parse_record_summary(proc.stdout)["paths"]
        # (The virtual clock may run a little past the end and open one more, empty, segment.)
        self.assertGreaterEqual(len(self.segments["chain-dev"]), 3, self.segments)
        self.assertEqual(self.segments["chain-dev"], sorted(self.segments["chain-dev"]))
        # What a running (or crashed) recorder leaves beside its segments.
        self.link = self.out / "chain-dev_live.h5"
        os.symlink(os.path.basename(self.segments["chain-dev"][-1]), self.link)

    def h5rec(self, *args):
        proc = lib.run_h5rec(*args, cwd=self.tmp, timeout=60)
        self.assertNoCrash(proc)
        return proc

    def described(self, stdout):
        return re.findall(r"(?m)^file:     (.*)$", stdout)

    def test_info_directory_describes_every_chain_oldest_first(self):
        for named in (self.out, str(self.out) + "/", str(self.out) + "//"):
            with self.subTest(named=named):
                proc = self.h5rec("info", named)
                self.assertExit(proc, 0)
                self.assertEqual(proc.stderr, "")
                self.assertEqual(self.described(proc.stdout),
                                 self.segments["chain-dev"] + self.segments["other-dev"])
                self.assertNotIn("//", proc.stdout)
                n = {d: len(paths) for d, paths in self.segments.items()}
                self.assertEqual(re.findall(r"(?m)^== .* ==$", proc.stdout), [
                    "== chain-dev: %d segments, oldest first; chain-dev_live.h5 -> %s =="
                    % (n["chain-dev"], os.path.basename(self.segments["chain-dev"][-1])),
                    "== other-dev: %d segment%s, oldest first ==" % (
                        n["other-dev"], "" if n["other-dev"] == 1 else "s")])
                self.assertEqual(proc.stdout.count("state:    closed cleanly"), sum(n.values()))

    def test_info_on_a_glob_with_the_live_link_describes_each_file_once(self):
        names = sorted(str(p) for p in self.out.glob("*.h5"))
        self.assertIn(str(self.link), names)
        proc = self.h5rec("info", *names)
        self.assertExit(proc, 0)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(self.described(proc.stdout),
                         self.segments["chain-dev"] + self.segments["other-dev"])

    def test_info_on_the_live_link_describes_its_segment(self):
        proc = self.h5rec("info", self.link)
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[:2], ["file:     %s" % self.link,
                                     "link to:  %s" % self.segments["chain-dev"][-1]])
        with lib.open_recording(self.segments["chain-dev"][-1]) as f:
            rows = f["g/time"].shape[0]
        self.assertIn("\ngroup g: 10 Hz, %d rows" % rows, proc.stdout)

    def test_info_on_several_files_one_missing_describes_the_others_and_exits_2(self):
        first, last = self.segments["chain-dev"][0], self.segments["other-dev"][0]
        missing = self.out / "missing.h5"
        proc = self.h5rec("info", first, missing, last)
        self.assertExit(proc, lib.EXIT_BAD_INPUT)
        self.assertEqual(self.described(proc.stdout), [first, last])
        self.assertIn(str(missing), proc.stderr)
        self.assertIn("no such file", proc.stderr)

    def test_tail_several_files_prints_each_under_a_header(self):
        first, second = self.segments["chain-dev"][:2]
        proc = self.h5rec("tail", first, second, "--channel", "c0", "-n", "2")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stderr, "")
        lines = proc.stdout.splitlines()
        self.assertEqual([lines[0], lines[3], lines[4]], [
            "==> %s <==" % first, "", "==> %s <==" % second])
        self.assertEqual([int(line.split()[1]) for line in lines[1:3] + lines[5:7]],
                         [8, 9, 18, 19], "the counter goes on across segments")
        self.assertEqual(len(lines), 7)

    def test_tail_directory_prints_the_newest_segment_of_each_chain(self):
        proc = self.h5rec("tail", str(self.out) + "/", "--channel", "c0", "-n", "1")
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout.splitlines(), [
            "==> %s <==" % self.newest_with_rows("chain-dev"), "2026-01-01T00:00:02.400000000Z 24",
            "", "==> %s <==" % self.newest_with_rows("other-dev"),
            "2026-01-01T00:00:00.400000000Z 4"])

    def newest_with_rows(self, device):
        for path in reversed(self.segments[device]):
            with lib.open_recording(path) as f:
                if f["g/time"].shape[0]:
                    return path
        self.fail("no rows in %s" % self.segments[device])

    def test_tail_follow_takes_one_recording(self):
        proc = self.h5rec("tail", "--follow", *self.segments["chain-dev"][:2])
        self.assertExit(proc, lib.EXIT_USAGE)
        self.assertIn("--follow follows one recording", proc.stderr)
        self.assertEqual(proc.stdout, "")
        # A segment and the live link to it are one recording (closed: printed, then exit 0).
        newest = self.newest_with_rows("chain-dev")
        os.unlink(self.link)
        os.symlink(os.path.basename(newest), self.link)
        proc = self.h5rec("tail", "--follow", "-n", "1", "--channel", "c0", newest, self.link)
        self.assertExit(proc, 0)
        self.assertEqual(proc.stdout, "2026-01-01T00:00:02.400000000Z 24\n")


def run_with_peak_rss(*args):
    """Runs h5rec; returns (exit code, stdout lines counted, peak resident KiB of the child)."""
    proc = subprocess.Popen(lib.h5rec_command(*args), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=lib.child_env())
    lines = 0
    for block in iter(lambda: proc.stdout.read(1 << 16), b""):
        lines += block.count(b"\n")
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, lines, usage.ru_maxrss


@unittest.skipIf(os.environ.get("H5REC_SANITIZED") == "1",
                 "sanitizer runtimes keep freed memory in quarantine: peak RSS grows by design")
class TailMemoryTest(lib.RecorderTestCase):
    """`tail -n N` reads and prints in blocks: 600,000 rows took 187 MB when it held them all.

    A child's peak RSS includes this Python process, copied by the fork before exec: what counts
    is the difference from `tail -n 10`, both started from the same parent."""

    ROWS = 600_000
    MARGIN_KIB = 32 * 1024

    def test_peak_memory_does_not_grow_with_the_rows_printed(self):
        path = self.tmp / "big.h5"
        with h5py.File(path, "w", libver="latest") as f:
            f.attrs["h5rec_format"] = 1
            g = f.create_group("g")
            g.attrs["rate_hz"] = 1000.0
            rows = np.arange(self.ROWS, dtype=np.int64)
            g.create_dataset("time", data=lib.VIRTUAL_EPOCH_NS + rows * 1_000_000,
                             chunks=(16384,), maxshape=(None,))
            g.create_dataset("c0", data=rows, chunks=(16384,), maxshape=(None,))
            g.create_dataset("xyz", data=np.repeat(rows, 3).reshape(-1, 3).astype(np.float32),
                             chunks=(16384, 3), maxshape=(None, 3))
        code, lines, small = run_with_peak_rss("tail", path, "-n", "10")
        self.assertEqual((code, lines), (0, 10))
        code, lines, large = run_with_peak_rss("tail", path, "-n", str(self.ROWS))
        self.assertEqual((code, lines), (0, self.ROWS))
        print("peak RSS: tail -n 10 %d KiB, tail -n %d %d KiB" % (small, self.ROWS, large))
        self.assertLess(large, small + self.MARGIN_KIB,
                        "tail -n %d used %d KiB, -n 10 %d KiB" % (self.ROWS, large, small))

if __name__ == "__main__":
    unittest.main()
