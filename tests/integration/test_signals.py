"""SIGINT and SIGTERM end a real-clock recording with a final checkpoint and a clean close."""
import glob
import os
import signal
import subprocess
import sys
import time
import unittest

import h5py

from h5rec_test import verify_recording
from h5rec_test.h5rec_binary import h5rec_command
from h5rec_test.recorder_config import write_config
from h5rec_test.temp_dir import ScratchDir

VERIFY = verify_recording.__file__

GROUPS = [
    {"name": "fast", "rate_hz": 1000,
     "channels": [{"name": "c", "sensor": "counter", "dtype": "int64"}]},
    {"name": "slow", "rate_hz": 7,
     "channels": [{"name": "c", "sensor": "counter", "dtype": "uint16"}]},
]


class SignalStop(unittest.TestCase):
    def stop_with(self, signum):
        with ScratchDir() as tmp:
            config = str(write_config(tmp, GROUPS, name="c.toml", device_id="signal-test",
                                      output_dir=None, checkpoint_interval=0.5))
            out = os.path.join(tmp, "out")
            proc = subprocess.Popen(h5rec_command("record", config, "--output", out),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            sent = time.monotonic()
            proc.send_signal(signum)
            stdout, stderr = proc.communicate(timeout=10)
            took = time.monotonic() - sent
            self.assertEqual(proc.returncode, 0, stderr)
            self.assertLess(took, 3.0, "stopping took too long")
            files = glob.glob(os.path.join(out, "*.h5"))
            self.assertEqual(len(files), 1)
            # Closed cleanly: superblock status flags are clear, a plain read-only open works.
            with open(files[0], "rb") as f:
                head = f.read(12)
            self.assertEqual(head[11], 0, "superblock still marked open for writing")
            with h5py.File(files[0], "r") as f:
                rows = f["fast/c"].shape[0]
                self.assertGreater(rows, 1000)
                self.assertEqual(int(f["fast/c"][-1]), rows - 1)
                self.assertEqual(int(f["_status/fast_dropped_rows"][-1]), 0)
            self.assertIn(f"group fast: {rows} rows stored, 0 dropped", stdout)
            check = subprocess.run([sys.executable, VERIFY, files[0]], capture_output=True,
                                   text=True)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_sigint(self):
        self.stop_with(signal.SIGINT)

    def test_sigterm(self):
        self.stop_with(signal.SIGTERM)


if __name__ == "__main__":
    unittest.main()
