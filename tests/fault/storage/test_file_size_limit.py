"""Real storage errors in the real binary: `h5rec record` under a file size limit.

RLIMIT_FSIZE (with SIGXFSZ ignored, so the process is not killed) makes every pwrite past the
limit fail with EFBIG, on the host's own file system: the writer retries, gives the segment up
(brought back to its last checkpoint), starts a new one, and so on while the recording lasts.
The process must end normally with its summary and the exit status of the policy: 0 when every
row due was stored despite the errors, 3 (with a warning) when some were not; every row due is
stored or counted as dropped, exactly, and every segment opens with plain h5py.
"""
import resource
import signal
import subprocess
import unittest

from h5rec_test import recorder_lib as lib
from h5rec_test import verify_segments

LIMIT_BYTES = 60_000  # a segment reaches it after about 1.5 s of the groups below
DURATION_S = 4.0


def limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # ignored dispositions survive exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))


class FileSizeLimit(lib.RecorderTestCase):
    def test_efbig_gives_segments_up_and_every_row_is_accounted_for(self):
        out = self.tmp / "out"
        config = lib.write_config(
            self.tmp, [lib.counter_group("fast", 1000, channels=2), lib.counter_group("slow", 10)],
            device_id="efbig-dev", output_dir=str(out), checkpoint_interval=0.2)
        proc = subprocess.run(
            lib.h5rec_command("record", config, "--duration", DURATION_S),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120,
            env=lib.child_env(), preexec_fn=limit_file_size)
        self.assertNoCrash(proc)
        self.assertIn("File too large", proc.stderr)
        self.assertIn("giving up segment", proc.stderr)
        summary = lib.parse_record_summary(proc.stdout)
        dropped = sum(g["dropped"] for g in summary["groups"].values())
        print(f"rows not stored: {dropped}")
        if dropped:
            self.assertExit(proc, lib.EXIT_ROWS_NOT_STORED)
            self.assertIn(f"warning: {dropped} of ", proc.stderr)
        else:
            self.assertExit(proc, lib.EXIT_OK)
            self.assertNotIn("rows due were not stored", proc.stderr)
        self.assertGreaterEqual(len(summary["paths"]), 2, lib.describe(proc))
        due = {"fast": int(DURATION_S * 1000), "slow": int(DURATION_S * 10)}
        for name, group in summary["groups"].items():
            self.assertEqual(group["due"], due[name])
            self.assertEqual(group["stored"] + group["dropped"], group["due"])
        self.assertEqual(list(out.glob("*-journal")), [], "a given-up segment kept its journal")
        verify_segments.check_chain(
            [out], due=due, h5dump=True,
            stored_want={n: g["stored"] for n, g in summary["groups"].items()},
            dropped_want={n: g["dropped"] for n, g in summary["groups"].items()},
            log=lambda line: None)


if __name__ == "__main__":
    unittest.main()
