"""SIGINT and SIGTERM end a real-clock recording with a final checkpoint and a clean close.

No wall-clock guess: the signal is sent once a SWMR reader sees that the recorder has committed
over a second of rows (however long start-up took), and the rows are judged against what the
recorder counted (/_status and its summary: stored + dropped == due), since a sampler thread held
off the CPU for over a second (a loaded machine, sanitizers, qemu) skips rows and counts them.
How long the stop takes is printed; only a recorder that never stops fails (STOP_HANG_S).
"""
import glob
import os
import signal
import subprocess
import sys
import time
import unittest

import h5py

from h5rec_test import recordings, verify_recording
from h5rec_test.h5rec_binary import h5rec_command, record_exit
from h5rec_test.recorder_config import write_config
from h5rec_test.temp_dir import ScratchDir

VERIFY = verify_recording.__file__
# Rows the recorder must have committed before the signal: over a second's worth.
ROWS_BEFORE_SIGNAL = 1000
# Only a hung recorder takes this long, to start recording or to stop after the signal.
START_HANG_S = 60.0
STOP_HANG_S = 60.0

GROUPS = [
    {"name": "fast", "rate_hz": 1000,
     "channels": [{"name": "c", "sensor": "counter", "dtype": "int64"}]},
    {"name": "slow", "rate_hz": 7,
     "channels": [{"name": "c", "sensor": "counter", "dtype": "uint16"}]},
]


class SignalStop(unittest.TestCase):
    def committed_rows(self, out):
        """Rows of fast/c a SWMR reader sees in the recording in `out` (0: none readable yet)."""
        files = [f for f in glob.glob(os.path.join(out, "*.h5")) if not os.path.islink(f)]
        if not files:
            return 0
        try:
            with recordings.open_recording(files[0], swmr=True) as f:
                return f["fast/c"].shape[0]
        except (OSError, KeyError):  # being created: not yet open for SWMR reading
            return 0

    def stop_with(self, signum):
        with ScratchDir() as tmp:
            config = str(write_config(tmp, GROUPS, name="c.toml", device_id="signal-test",
                                      output_dir=None, checkpoint_interval=0.5))
            out = os.path.join(tmp, "out")
            proc = subprocess.Popen(h5rec_command("record", config, "--output", out),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.communicate()))
            # Evidence, not a sleep: the recorder has committed over a second of rows.
            deadline = time.monotonic() + START_HANG_S
            committed = self.committed_rows(out)
            while committed <= ROWS_BEFORE_SIGNAL:
                self.assertIsNone(proc.poll(), "the recorder ended before the signal")
                self.assertLess(time.monotonic(), deadline, "no %d rows committed within %.0f s"
                                % (ROWS_BEFORE_SIGNAL, START_HANG_S))
                time.sleep(0.05)
                committed = self.committed_rows(out)
            sent = time.monotonic()
            proc.send_signal(signum)
            try:
                stdout, stderr = proc.communicate(timeout=STOP_HANG_S)
            except subprocess.TimeoutExpired:
                self.fail("the recorder did not stop within %.0f s of the signal" % STOP_HANG_S)
            print("\nstopped %.2f s after the signal" % (time.monotonic() - sent), flush=True)
            files = glob.glob(os.path.join(out, "*.h5"))
            self.assertEqual(len(files), 1)
            # Closed cleanly: superblock status flags are clear, a plain read-only open works.
            with open(files[0], "rb") as f:
                head = f.read(12)
            self.assertEqual(head[11], 0, "superblock still marked open for writing")
            with h5py.File(files[0], "r") as f:
                rows = f["fast/c"].shape[0]
                self.assertGreaterEqual(rows, committed, "rows committed before the signal lost")
                dropped = int(f["_status/fast_dropped_rows"][-1])
                due = int(f["_status/fast_rows_due"][-1])
                slow_due = int(f["_status/slow_rows_due"][-1])
                self.assertEqual(rows + dropped, due)
                if not dropped:
                    self.assertEqual(int(f["fast/c"][-1]), rows - 1)
            # Rows not stored make the exit code 3 (and are counted); none: a clean 0.
            self.assertEqual(proc.returncode, record_exit(dropped),
                             stdout + stderr)
            self.assertIn(f"group fast: {rows} rows stored, {dropped} dropped, {due} due", stdout)
            check = subprocess.run([sys.executable, VERIFY, files[0], "--due", f"fast={due}",
                                    "--due", f"slow={slow_due}"], capture_output=True, text=True)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_sigint(self):
        self.stop_with(signal.SIGINT)

    def test_sigterm(self):
        self.stop_with(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main()
