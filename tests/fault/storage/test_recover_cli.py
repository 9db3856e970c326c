"""`h5rec recover PATH`: exit codes, the per-file report, and what it does to files.

Exit codes (cli/main.cpp, tools/recover.cpp): 0 every file clean or recovered to its
last checkpoint (one line per file: the rows kept per group and the time of the last; with
--verbose the rows of every dataset); 2 some file unrecoverable (the
others are still recovered and reported); 66 PATH does not exist; 64 usage errors. A recovered
file opens with plain h5py and h5dump, no h5clear; a file a running recorder holds is reported
as live and left alone.

Crashed files are made the way they happen: a real-clock `h5rec record` killed with SIGKILL
after a few checkpoints.
"""
import datetime
import os
import pathlib
import re
import signal
import subprocess
import time
import unittest

from h5rec_test import recorder_lib as lib
from h5rec_test import verify_segments

EXIT_UNRECOVERABLE = 2
EXIT_NO_INPUT = 66

# One line per file: "<path>: <outcome>[: <group> <n> rows, ..., last row <UTC>][ (<detail>)]",
# with --verbose followed by "  <dataset> <n> rows" lines.
_REPORT_FILE = re.compile(r"^(\S+): (clean|recovered|discarded|live|unrecoverable)"
                          r"(?:: (.*?))?(?: \((.*)\))?$")
_REPORT_GROUP = re.compile(r"^(\S+) (\d+) rows?$")
_REPORT_LAST = re.compile(r"^last row (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)$")
_REPORT_ROWS = re.compile(r"^  (\S+)\s+(\d+) rows?$")


def parse_report(stdout):
    """{path: {"outcome", "detail", "groups": {group: rows}, "last": UTC text or None,
    "rows": {dataset: rows} (--verbose)}} from `h5rec recover` output, and the lines it did not
    understand (a count that disagrees with its plural is not understood)."""
    files, current, unknown = {}, None, []
    for line in stdout.splitlines():
        m = _REPORT_FILE.match(line)
        if m:
            if m.group(1) in files:
                unknown.append("reported twice: " + line)
            current = files.setdefault(m.group(1), {
                "outcome": m.group(2), "detail": m.group(4) or "", "groups": {}, "last": None,
                "rows": {}})
            for part in (m.group(3) or "").split(", ") if m.group(3) else []:
                g, last = _REPORT_GROUP.match(part), _REPORT_LAST.match(part)
                if g and (g.group(2) == "1") == part.endswith(" row"):
                    current["groups"][g.group(1)] = int(g.group(2))
                elif last:
                    current["last"] = last.group(1)
                else:
                    unknown.append("%s: %r" % (line, part))
            continue
        m = _REPORT_ROWS.match(line)
        if m and current is not None and (m.group(2) == "1") == line.endswith(" row"):
            current["rows"][m.group(1)] = int(m.group(2))
            continue
        unknown.append(line)
    return files, unknown


def dataset_rows(path):
    """{dataset path: rows} as plain h5py sees them (no SWMR)."""
    rows = {}
    with lib.open_recording(path) as f:
        def visit(name, obj):
            if hasattr(obj, "shape"):
                rows[name] = obj.shape[0] if obj.shape else 1
        f.visititems(visit)
    return rows


def iso_ns(ns):
    """format_utc_iso8601 in Python."""
    seconds, nanos = divmod(ns, 10**9)
    t = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % nanos


def h5dump_header(path):
    return subprocess.run(["h5dump", "-H", str(path)], capture_output=True, text=True, timeout=60)


def groups():
    return [lib.counter_group("fast", 1000, channels=2), lib.counter_group("slow", 10)]


class RecoverCli(lib.RecorderTestCase):
    def clean_recording(self, device, out, seconds=2.0):
        """A recording closed cleanly (virtual clock); returns its path."""
        config = lib.write_config(self.tmp, groups(), name=device + ".toml", device_id=device,
                                  output_dir=str(out), checkpoint_interval=0.5)
        proc = lib.record(config, duration=seconds)
        self.assertExit(proc, 0)
        paths = lib.parse_record_summary(proc.stdout)["paths"]
        self.assertEqual(len(paths), 1, lib.describe(proc))
        return pathlib.Path(paths[0])

    def start_recorder(self, device, out, checkpoint_interval=0.1):
        config = lib.write_config(self.tmp, groups(), name=device + ".toml", device_id=device,
                                  output_dir=str(out), checkpoint_interval=checkpoint_interval)
        return lib.start_h5rec("record", config)

    def wait_for_journal(self, out, device, proc, timeout=60.0):
        """Waits until the recorder has a segment with a journal and a completed checkpoint with
        rows; returns the segment's path. Evidence, not a sleep: a SWMR reader sees the rows of
        the last checkpoint that wrote them; once it has seen the row count grow twice, the
        checkpoint that first showed rows was followed by another, so it had completed."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            journals = sorted(pathlib.Path(out).glob(device + "_*.h5-journal"))
            if journals:
                path = pathlib.Path(str(journals[0])[:-len("-journal")])
                try:
                    with lib.open_recording(path, swmr=True) as f:
                        rows = len(f["fast/time"])
                except (OSError, KeyError):
                    rows = 0  # being created: not yet readable
                if rows > 0 and (not seen or rows > seen[-1]):
                    seen.append(rows)
                if len(seen) >= 2:
                    return path
            if proc.poll() is not None:
                self.fail("recorder exited early: %s" % (proc.communicate(),))
            time.sleep(0.02)
        self.fail("no journal and two checkpoints with rows in %s after %.0f s" % (out, timeout))

    def crashed_recording(self, device, out):
        """A recording killed with SIGKILL after a few checkpoints; returns its path."""
        proc = self.start_recorder(device, out)
        path = self.wait_for_journal(out, device, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        self.assertTrue(pathlib.Path(str(path) + "-journal").exists())
        return path

    def recover(self, path, verbose=True, cwd=None):
        proc = lib.run_h5rec("recover", path, *(["--verbose"] if verbose else []), cwd=cwd)
        self.assertNoCrash(proc)
        report, unknown = parse_report(proc.stdout)
        self.assertEqual(unknown, [], lib.describe(proc))
        return proc, report

    def assert_rows_listed(self, report_entry, path):
        """The report lists every dataset (--verbose) and every group but _status with the rows
        plain h5py sees, and the time of the last row kept."""
        rows = dataset_rows(path)
        self.assertEqual(report_entry["rows"], rows, path)
        self.assertGreater(report_entry["rows"]["fast/time"], 0)
        self.assertEqual(report_entry["groups"], {"fast": rows["fast/time"],
                                                  "slow": rows["slow/time"]}, path)
        with lib.open_recording(path) as f:
            last = max(int(f[g]["time"][-1]) for g in ("fast", "slow"))
        self.assertEqual(report_entry["last"], iso_ns(last), path)

    def assert_opens_without_h5clear(self, path):
        with open(path, "rb") as f:
            self.assertEqual(f.read(12)[11], 0, "%s: superblock still marked open" % path)
        dump = h5dump_header(path)
        self.assertEqual(dump.returncode, 0, dump.stderr)
        verify_segments.check_chain([path], log=lambda line: None)

    # ----------------------------------------------------------------------------------------

    def test_a_clean_file_exits_0_and_lists_the_rows_of_every_dataset(self):
        path = self.clean_recording("clean-dev", self.tmp / "out")
        before = path.read_bytes()
        proc, report = self.recover(path)
        self.assertExit(proc, 0)
        self.assertEqual(list(report), [str(path)])
        self.assertEqual(report[str(path)]["outcome"], "clean")
        self.assert_rows_listed(report[str(path)], path)
        self.assertEqual(report[str(path)]["rows"]["fast/time"], 2000)
        self.assertEqual(path.read_bytes(), before, "recover modified a clean file")

    def test_a_directory_of_clean_and_crashed_files_exits_0_and_every_file_opens(self):
        out = self.tmp / "out"
        clean = [self.clean_recording("a-dev", out), self.clean_recording("c-dev", out)]
        crashed = self.crashed_recording("b-dev", out)
        proc, report = self.recover(out)
        self.assertExit(proc, 0)
        self.assertEqual(sorted(report), sorted(map(str, clean + [crashed])), proc.stdout)
        for path in clean:
            self.assertEqual(report[str(path)]["outcome"], "clean")
        self.assertEqual(report[str(crashed)]["outcome"], "recovered", proc.stdout)
        self.assertEqual(list(out.glob("*-journal")), [])
        for path in clean + [crashed]:
            self.assert_rows_listed(report[str(path)], path)
            self.assert_opens_without_h5clear(path)
        # Idempotent: a second pass finds every file clean, with the same rows.
        again, report_again = self.recover(out)
        self.assertExit(again, 0)
        for path in clean + [crashed]:
            self.assertEqual(report_again[str(path)]["outcome"], "clean")
            self.assertEqual(report_again[str(path)]["rows"], report[str(path)]["rows"])

    def test_garbage_named_h5_exits_2_and_the_other_files_are_still_reported(self):
        out = self.tmp / "out"
        clean = self.clean_recording("a-dev", out)
        crashed = self.crashed_recording("b-dev", out)
        junk = out / "junk.h5"
        junk.write_bytes(bytes(range(256)) * 40)
        proc, report = self.recover(out)
        self.assertExit(proc, EXIT_UNRECOVERABLE)
        self.assertEqual(report[str(junk)]["outcome"], "unrecoverable", proc.stdout)
        self.assertEqual(report[str(clean)]["outcome"], "clean")
        self.assertEqual(report[str(crashed)]["outcome"], "recovered")
        self.assert_rows_listed(report[str(crashed)], crashed)
        self.assertEqual(junk.read_bytes(), bytes(range(256)) * 40, "junk.h5 was modified")

    def test_a_truncated_segment_with_its_journal_exits_2_and_is_left_as_it_is(self):
        out = self.tmp / "out"
        clean = self.clean_recording("a-dev", out)
        crashed = self.crashed_recording("b-dev", out)
        with open(crashed, "r+b") as f:
            f.truncate(4096)  # the superblock survives; the datasets' metadata does not
        journal = pathlib.Path(str(crashed) + "-journal")
        journal_bytes = journal.read_bytes()
        proc, report = self.recover(out)
        self.assertExit(proc, EXIT_UNRECOVERABLE)
        self.assertEqual(report[str(crashed)]["outcome"], "unrecoverable", proc.stdout)
        self.assertTrue(report[str(crashed)]["detail"], "no reason given")
        self.assertEqual(report[str(clean)]["outcome"], "clean")
        self.assert_rows_listed(report[str(clean)], clean)
        self.assertEqual(crashed.stat().st_size, 4096)
        self.assertEqual(journal.read_bytes(), journal_bytes, "the journal was changed or removed")

    def test_a_file_killed_while_being_created_is_discarded_and_reported_once(self):
        # What a SIGKILL between creating a segment and writing its journal's header leaves
        # (seen in test_sigkill with kills 20 ms after the start): both files empty.
        out = self.tmp / "out"
        out.mkdir()
        (out / "k-dev_20260101T000000Z.h5").write_bytes(b"")
        (out / "k-dev_20260101T000000Z.h5-journal").write_bytes(b"")
        proc, report = self.recover(out)
        self.assertExit(proc, 0)
        self.assertEqual({p: r["outcome"] for p, r in report.items()},
                         {str(out / "k-dev_20260101T000000Z.h5"): "discarded"}, proc.stdout)
        self.assertEqual(sorted(os.listdir(out)), [])

    def test_a_live_file_is_reported_live_and_left_alone(self):
        out = self.tmp / "out"
        clean = self.clean_recording("a-dev", out)
        proc = self.start_recorder("live-dev", out)
        try:
            live = self.wait_for_journal(out, "live-dev", proc)
            recovered, report = self.recover(out)
            self.assertExit(recovered, 0)
            self.assertEqual(report[str(live)]["outcome"], "live", recovered.stdout)
            self.assertEqual(report[str(clean)]["outcome"], "clean")
            self.assertNotIn(str(out / "live-dev_live.h5"), report, "the live link was reported")
            self.assertTrue(pathlib.Path(str(live) + "-journal").exists(),
                            "recover removed a running recorder's journal")
            with open(live, "rb") as f:
                self.assertNotEqual(f.read(12)[11], 0, "recover cleared a live file's flags")
            self.assertIsNone(proc.poll(), "the recorder stopped")
        finally:
            proc.send_signal(signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=30)
        # Every row due is stored or counted as dropped (a sampler late by over a second, on a
        # loaded machine, skips rows: exit 3), in the file as in the summary.
        summary = lib.parse_record_summary(stdout)["groups"]["fast"]
        self.assertEqual(proc.returncode,
                         lib.record_exit(summary["dropped"]), stderr)
        self.assertNotIn("HDF5-DIAG", stderr)
        result = verify_segments.check_chain([live], due={"fast": summary["due"]},
                                             stored_want={"fast": summary["stored"]},
                                             dropped_want={"fast": summary["dropped"]},
                                             log=lambda line: None)
        if not summary["dropped"]:
            self.assertEqual(result["fast"]["indices"].tolist(),
                             list(range(result["fast"]["stored"])))
        self.assertIn("group fast: %d rows stored, %d dropped" % (result["fast"]["stored"],
                                                                  summary["dropped"]), stdout)

    def test_a_missing_path_exits_66(self):
        proc = lib.run_h5rec("recover", self.tmp / "no-such-dir")
        self.assertExit(proc, EXIT_NO_INPUT)
        self.assertIn("no-such-dir", proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_usage_errors_exit_64(self):
        path = self.clean_recording("a-dev", self.tmp / "out")
        for args in (["recover"], ["recover", "--no-such-option", path], ["recover", path, path]):
            with self.subTest(args=args):
                proc = lib.run_h5rec(*args)
                self.assertExit(proc, lib.EXIT_USAGE)
                self.assertEqual(proc.stdout.strip(), "", "a usage error recovered something")


    def test_one_line_per_file_names_rows_per_group_and_the_last_row(self):
        """Not every _status dataset, "1 rows" or paths with "//"."""
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, [lib.counter_group("fast", 1000),
                                             lib.counter_group("once", 1)],
                                  device_id="one-dev", output_dir=str(out))
        self.assertExit(lib.record(config, duration=1.5), 0)
        clean = lib.find_recording(out)
        crashed = self.crashed_recording("b-dev", out)
        proc, report = self.recover("out/", verbose=False, cwd=self.tmp)
        self.assertExit(proc, 0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2, proc.stdout)
        self.assertEqual(lines[1], "out/%s: clean: fast 1500 rows, once 2 rows, last row "
                                   "2026-01-01T00:00:01.499000000Z" % clean.name)
        entry = report["out/" + crashed.name]
        self.assertEqual(entry["outcome"], "recovered", proc.stdout)
        self.assertEqual(entry["rows"], {}, "per-dataset rows without --verbose")
        self.assertIn("cleared the superblock's open-for-writing flags", entry["detail"])
        rows = dataset_rows(crashed)
        self.assertEqual(entry["groups"], {"fast": rows["fast/time"], "slow": rows["slow/time"]})
        with lib.open_recording(crashed) as f:
            last = max(int(f[g]["time"][-1]) for g in ("fast", "slow"))
        self.assertEqual(entry["last"], iso_ns(last))
        # A group of one row.
        config = lib.write_config(self.tmp, [lib.counter_group("once", 1)], name="o.toml",
                                  device_id="o-dev", output_dir=str(self.tmp / "o"))
        self.assertExit(lib.record(config, duration=0.5), 0)
        proc, _ = self.recover(self.tmp / "o", verbose=False)
        self.assertRegex(proc.stdout, r": clean: once 1 row, last row 2026-01-01T00:00:00\.0+Z\n$")

if __name__ == "__main__":
    unittest.main()
