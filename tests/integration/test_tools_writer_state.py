"""`h5rec info` and `h5rec tail --follow` tell a live recording from one whose writer is gone by
the evidence `h5rec recover` uses (recorder/journal/recovery.hpp): a running writer holds its
journal's lock; a journal nobody holds means the writer stopped without closing the file. The
file's age is no evidence: with checkpoint_interval = 3600 a crashed file was still called live
for three hours.

Writers are real-clock `h5rec record` processes; crashes are SIGKILLs.
"""

import pathlib
import signal
import subprocess
import time
import unittest

from h5rec_test import recorder_lib as lib

RATE_HZ = 200
DEVICE = "ws-dev"
WAIT_S = 60  # only a hung recorder takes this long to start, commit rows or die
UNCLEAN = "state:    unclean: run h5rec recover"
FOLLOW_TIMEOUT_S = 60  # a tail --follow that does not notice the writer is gone runs forever


class WriterStateTest(lib.RecorderTestCase):

    def start_recorder(self, checkpoint_interval):
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, [lib.counter_group("fast", RATE_HZ)],
                                  device_id=DEVICE, output_dir=str(out),
                                  checkpoint_interval=checkpoint_interval)
        proc = lib.start_h5rec("record", config, cwd=self.tmp)

        def stop():
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        self.addCleanup(stop)
        return proc, out

    def wait_for_segment(self, proc, out):
        """The segment a running recorder writes, once its journal exists and SWMR readers can
        open it."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "the recorder exited early")
            journals = sorted(out.glob(DEVICE + "_*.h5-journal"))
            if journals:
                path = pathlib.Path(str(journals[0])[:-len("-journal")])
                try:
                    with lib.open_recording(path, swmr=True):
                        return path
                except OSError:
                    pass
            time.sleep(0.05)
        self.fail("no readable segment with a journal in %s" % out)

    def wait_for_rows(self, proc, path, rows):
        deadline = time.monotonic() + WAIT_S
        with lib.open_recording(path, swmr=True) as f:
            dset = f["fast/c0"]
            while time.monotonic() < deadline:
                self.assertIsNone(proc.poll(), "the recorder exited early")
                dset.refresh()
                if dset.shape[0] >= rows:
                    return
                time.sleep(0.05)
        self.fail("%s: fewer than %d rows after %d s" % (path, rows, WAIT_S))

    def kill(self, proc):
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=WAIT_S)
        self.assertEqual(proc.returncode, -signal.SIGKILL)

    def info(self, path):
        proc = lib.run_h5rec("info", path, cwd=self.tmp, timeout=60)
        self.assertNoCrash(proc)
        self.assertExit(proc, 0)
        return proc.stdout

    def follow(self, path, *extra):
        try:
            return subprocess.run(
                lib.h5rec_command("tail", path, "--channel", "c0", "--follow", *extra),
                capture_output=True, text=True, cwd=self.tmp, env=lib.child_env(),
                timeout=FOLLOW_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow on a recording whose writer is gone did not stop in %d s"
                      % FOLLOW_TIMEOUT_S)

    def assertReportsUnclean(self, proc, path):
        self.assertNoCrash(proc)
        self.assertExit(proc, lib.EXIT_RUNTIME)
        self.assertIn("h5rec tail: %s: unclean: the writer stopped without closing it" % path,
                      proc.stderr)
        self.assertIn("run h5rec recover", proc.stderr)

    # ----------------------------------------------------------------------------------------

    def test_info_calls_a_crashed_file_unclean_whatever_its_checkpoint_interval(self):
        """A recorder checkpointing once an hour, killed: its file changed a moment ago, but
        nobody holds its journal."""
        proc, out = self.start_recorder(checkpoint_interval=3600)
        path = self.wait_for_segment(proc, out)
        self.assertIn("\nstate:    live (", self.info(path))
        self.kill(proc)
        self.assertIn("\n%s" % UNCLEAN, self.info(path))
        # The same through the live link the crash left behind.
        link = out / (DEVICE + "_live.h5")
        self.assertTrue(link.is_symlink())
        self.assertIn("\n%s" % UNCLEAN, self.info(link))

    def test_info_closed_live_unclean_and_recovered(self):
        proc, out = self.start_recorder(checkpoint_interval=0.1)
        path = self.wait_for_segment(proc, out)
        self.wait_for_rows(proc, path, RATE_HZ // 2)
        self.assertIn("\nstate:    live (", self.info(path))
        self.kill(proc)
        text = self.info(path)
        self.assertIn("\n%s" % UNCLEAN, text)
        self.assertRegex(text, r"(?m)^group fast: 200 Hz, [1-9]\d* rows")
        recovered = lib.run_h5rec("recover", path, cwd=self.tmp)
        self.assertExit(recovered, 0)
        self.assertIn("\nstate:    closed cleanly\n", self.info(path))

    def test_info_calls_a_file_with_flags_set_and_no_journal_unclean(self):
        """What a writer without a journal leaves (crash_safety off, or a foreign writer)."""
        proc, out = self.start_recorder(checkpoint_interval=0.1)
        path = self.wait_for_segment(proc, out)
        self.wait_for_rows(proc, path, RATE_HZ // 4)
        self.kill(proc)
        pathlib.Path(str(path) + "-journal").unlink()
        self.assertIn("\n%s" % UNCLEAN, self.info(path))

    def test_tail_follow_on_a_crashed_recording_says_so_and_exits_1(self):
        proc, out = self.start_recorder(checkpoint_interval=0.1)
        path = self.wait_for_segment(proc, out)
        self.wait_for_rows(proc, path, RATE_HZ // 2)
        self.kill(proc)
        # The rows the recorder committed (a sampler late by over a second skips some: their
        # values, not their number, are what tail must print).
        with lib.open_recording(path, swmr=True) as f:
            stored = f["fast/c0"][...].tolist()
        tail = self.follow(path, "-n", "3")
        self.assertReportsUnclean(tail, path)
        self.assertEqual([int(line.split()[1]) for line in tail.stdout.splitlines()],
                         stored[-3:], "the last rows are still printed")
        # Through the live link the crash left behind: the link still points at it.
        tail = self.follow(out / (DEVICE + "_live.h5"), "-n", "0")
        self.assertReportsUnclean(tail, path)

    def test_tail_follow_notices_when_the_writer_is_killed(self):
        proc, out = self.start_recorder(checkpoint_interval=0.1)
        path = self.wait_for_segment(proc, out)
        tail = subprocess.Popen(
            lib.h5rec_command("tail", path, "--channel", "c0", "--follow", "-n", "100000"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.tmp,
            env=lib.child_env())
        self.addCleanup(lambda: tail.poll() is None and tail.kill())
        self.wait_for_rows(proc, path, RATE_HZ)
        time.sleep(0.5)
        self.assertIsNone(tail.poll(), "tail stopped while the recorder was running")
        self.kill(proc)
        try:
            stdout, stderr = tail.communicate(timeout=FOLLOW_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.fail("tail --follow did not notice the writer was killed")
        self.assertReportsUnclean(subprocess.CompletedProcess(tail.args, tail.returncode,
                                                              stdout, stderr), path)
        with lib.open_recording(path, swmr=True) as f:
            stored = f["fast/c0"][...].tolist()
        self.assertEqual([int(line.split()[1]) for line in stdout.splitlines()],
                         stored, "rows lost or repeated before the writer died")


if __name__ == "__main__":
    unittest.main()
