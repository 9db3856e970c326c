"""Real SIGKILLs of a running `h5rec record` (real clock) at random moments, then recovery.

After every kill `h5rec recover DIR` must exit 0 and list the rows it kept; every segment must
then open with plain h5py (no SWMR, no h5clear) and, on a sample, with `h5dump -H`; the rows
must be bit-exact counter values, contiguous along the chain of segments; and the loss must be
at most one checkpoint interval plus a small allowance (SLACK_S, justified below).

The moments are drawn from random.Random(seed); the seed is printed and H5REC_SIGKILL_SEED
replays it (H5REC_SIGKILL_KILLS changes the number of kills, 60 by default). A second test
restarts the recorder on the directory of a killed one: it recovers the old file by itself,
says so on stderr, and records into a new segment.
"""
import calendar
import os
import pathlib
import random
import signal
import sys
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "integration"))
sys.path.insert(0, str(HERE))

import h5rec_testlib as lib  # noqa: E402
import test_recover_cli  # noqa: E402
import verify_segments  # noqa: E402

SEED = int(os.environ.get("H5REC_SIGKILL_SEED", "4242"))
KILLS = int(os.environ.get("H5REC_SIGKILL_KILLS", "60"))
RATE_HZ = 1000
CHECKPOINT_S = 0.2
# Rows lost to a kill are those sampled after the last completed checkpoint. A checkpoint is
# due every CHECKPOINT_S and covers the rows due at its start; it completes after two fsyncs
# (journal, then file), and a kill just before that loses its rows too. So the loss is at most
# CHECKPOINT_S + the duration of one checkpoint + the writer's wake-up latency + the sampler's
# lag behind its schedule (rows due but not yet sampled at the kill). The checkpoint duration is
# taken from the file itself (/_status/checkpoint_duration_ns, the longest recorded); SLACK_S
# covers the two scheduling latencies, each well under a millisecond on an idle host and a few
# ms on a loaded CI runner with a sanitizer build: 30 ms.
SLACK_S = 0.030
# A kill this soon after the process started may find no segment yet (exec, HDF5 start-up,
# config, start-up recovery, then the file is created): no file at all is only accepted then.
STARTUP_S = 0.5


def config_text(device, segment_duration=None):
    return lib.config_text(
        [lib.counter_group("fast", RATE_HZ, channels=2), lib.counter_group("slow", 10)],
        device_id=device, output_dir="unused", checkpoint_interval=CHECKPOINT_S,
        status_interval=0.1, segment_duration=segment_duration)


def longest_checkpoint_s(segments):
    longest = 0
    for path in segments:
        with lib.open_recording(path) as f:
            durations = f["_status/checkpoint_duration_ns"][:]
            if len(durations):
                longest = max(longest, int(durations.max()))
    return longest * 1e-9


def first_segment_start_ns(segments):
    """The first segment's start_time_utc attribute in ns (for a recording with no rows)."""
    with lib.open_recording(segments[0]) as f:
        text = lib.attr_text(f.attrs["start_time_utc"])  # 2026-11-21T06:52:27.123456789Z
    seconds, fraction = text.rstrip("Z").split(".")
    whole = calendar.timegm(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S"))
    return whole * 10**9 + int(fraction.ljust(9, "0")[:9])


class Sigkill(lib.TempDirTestCase):
    def kill_after(self, config, out, delay_s):
        """Starts `h5rec record` (real clock), SIGKILLs it after delay_s; returns (wall time
        just before it was started, wall time just before the kill, just after it)."""
        started = time.time()
        proc = lib.start_h5rec("record", config, "--output", out)
        time.sleep(delay_s)
        before_kill = time.time()
        os.kill(proc.pid, signal.SIGKILL)
        after_kill = time.time()
        stdout, stderr = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGKILL,
                         "the recorder ended before the kill\n" + stdout + stderr)
        for marker in lib.CRASH_MARKERS + ("HDF5-DIAG",):
            self.assertNotIn(marker, stderr)
        return started, before_kill, after_kill

    def recover_and_check(self, out, started, before_kill, after_kill, h5dump):
        """Recovers `out` and checks what is left; returns the loss in seconds of rows (None
        when there was no segment yet)."""
        out = pathlib.Path(out)
        # Not glob("*.h5*"): pathlib's * matches dot files, such as the recorder's write probe
        # (.h5rec-write-test) that a kill during its start-up check leaves behind.
        if not out.exists() or not [p for p in out.iterdir()
                                    if p.name.endswith((".h5", ".h5-journal"))]:
            self.assertLess(before_kill - started, STARTUP_S,
                            "no segment although the recorder ran for %.3f s"
                            % (before_kill - started))
            return None
        proc = lib.run_h5rec("recover", out, "--verbose")  # with the rows of every dataset
        self.assertExit(proc, 0)
        self.assertNoCrash(proc)
        report, unknown = test_recover_cli.parse_report(proc.stdout)
        self.assertEqual(unknown, [], lib.describe(proc))
        self.assertEqual(list(out.glob("*-journal")), [], proc.stdout)
        for path, entry in report.items():
            self.assertIn(entry["outcome"], ("clean", "recovered", "discarded"), proc.stdout)
            if entry["outcome"] != "discarded":
                self.assertEqual(entry["rows"], test_recover_cli.dataset_rows(path), proc.stdout)
        segments = [p for p in out.glob("*.h5") if not p.is_symlink()]
        if not segments:  # the kill came while the first segment was being created
            self.assertTrue(all(e["outcome"] == "discarded" for e in report.values()), report)
            self.assertLess(before_kill - started, STARTUP_S + CHECKPOINT_S)
            return None
        result = verify_segments.check_chain([out], h5dump=h5dump, log=lambda line: None)
        chain = result["_segments"]
        fast = result["fast"]
        # Nothing is dropped on an idle real clock with a 10 s ring, so the rows kept are exactly
        # rows 0..n-1: a gap would be a loss in the middle of a recording.
        self.assertEqual(fast["indices"].tolist(), list(range(fast["stored"])))
        self.assertIn(fast["dropped"], (None, 0))
        start_ns = fast["t0"] if fast["stored"] else first_segment_start_ns(chain)
        due_at_kill = (before_kill - start_ns * 1e-9) * RATE_HZ
        allowed = (CHECKPOINT_S + longest_checkpoint_s(chain) + SLACK_S) * RATE_HZ
        self.assertGreaterEqual(
            fast["stored"], due_at_kill - allowed,
            "lost %.0f rows (%.3f s) at a kill %.3f s after the start; at most %.0f allowed"
            % (due_at_kill - fast["stored"], (due_at_kill - fast["stored"]) / RATE_HZ,
               before_kill - start_ns * 1e-9, allowed))
        # And none from the future: the recording's clock is the host's.
        self.assertLessEqual(fast["stored"], (after_kill - start_ns * 1e-9) * RATE_HZ + 1)
        return (due_at_kill - fast["stored"]) / RATE_HZ

    def test_sigkill_at_random_moments_always_recovers_within_one_checkpoint(self):
        rng = random.Random(SEED)
        print("\nseed %d (replay: H5REC_SIGKILL_SEED=%d), %d kills" % (SEED, SEED, KILLS),
              flush=True)
        configs = {}
        for rotate in (False, True):
            text = config_text("kill-dev", segment_duration=0.3 if rotate else None)
            configs[rotate] = lib.write_text(self.tmp, "rotate.toml" if rotate else "one.toml", text)
        worst = None
        for run in range(KILLS):
            rotate = run % 3 == 2
            at_start = rng.random() < 0.15
            delay = rng.uniform(0.0, 0.06) if at_start else rng.uniform(0.15, 1.2)
            out = self.tmp / ("run%02d" % run)
            with self.subTest(run=run, delay=round(delay, 4), rotate=rotate, seed=SEED):
                started, before, after = self.kill_after(configs[rotate], out, delay)
                loss = self.recover_and_check(out, started, before, after, h5dump=run % 5 == 0)
                if loss is not None and (worst is None or loss > worst[0]):
                    worst = (loss, run)
        if worst:
            print("largest loss: %.3f s of rows (run %d); checkpoint interval %.3f s"
                  % (worst[0], worst[1], CHECKPOINT_S), flush=True)

    def test_restart_after_a_kill_recovers_the_old_file_and_starts_a_new_segment(self):
        config = lib.write_text(self.tmp, "c.toml", config_text("restart-dev"))
        out = self.tmp / "out"
        started, before, after = self.kill_after(config, out, 0.8)
        crashed = [p for p in out.glob("restart-dev_*.h5") if not p.is_symlink()]
        self.assertEqual(len(crashed), 1)
        crashed = crashed[0]
        self.assertTrue(pathlib.Path(str(crashed) + "-journal").exists())

        proc = lib.run_h5rec("record", config, "--output", out, "--duration", "0.6")
        self.assertExit(proc, 0)
        self.assertNoCrash(proc)
        said = [line for line in proc.stderr.splitlines() if str(crashed) in line]
        self.assertTrue(any("recover" in line and "recovered" in line for line in said),
                        proc.stderr)
        summary = lib.parse_record_summary(proc.stdout)
        self.assertEqual(len(summary["paths"]), 1, proc.stdout)
        new = pathlib.Path(summary["paths"][0])
        self.assertNotEqual(new.resolve(), crashed.resolve())
        # Recovered first, then the new segment started.
        self.assertLess(proc.stderr.index(str(crashed)), proc.stderr.index("recording to"),
                        proc.stderr)
        self.assertEqual(list(out.glob("*-journal")), [])
        for path in (crashed, new):
            with self.subTest(path=path.name):
                dump = test_recover_cli.h5dump_header(path)
                self.assertEqual(dump.returncode, 0, dump.stderr)
                result = verify_segments.check_chain([path], log=lambda line: None)
                self.assertEqual(result["fast"]["indices"].tolist(),
                                 list(range(result["fast"]["stored"])))
        old_rows = verify_segments.check_chain([crashed], log=lambda line: None)["fast"]["stored"]
        self.assertGreater(old_rows, 0)
        self.assertEqual(summary["groups"]["fast"]["stored"], 600)
        self.assertEqual(summary["groups"]["fast"]["dropped"], 0)


if __name__ == "__main__":
    unittest.main()
