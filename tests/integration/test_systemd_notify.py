"""h5rec record under systemd's Type=notify protocol: READY=1 once it records, WATCHDOG=1 about
every half WATCHDOG_USEC while the writer works, STOPPING=1 at the end; nothing for a watchdog
meant for another process (WATCHDOG_PID). The socket here plays systemd's part.

How many pings come is bounded by what the recorder promises, not by how fast the machine is:
at most one per half WATCHDOG_USEC of the time it ran (measured here, around the process), and
more than one (it keeps feeding the watchdog while it records). A lower bound in pings per second
would assume the recorder's main thread and writer get the CPU on time, which a loaded machine,
sanitizers or qemu do not grant."""
import os
import socket
import subprocess
import time
import unittest

from h5rec_test import recorder_lib as lib
from h5rec_test.temp_dir import ScratchDir

GROUPS = [{"name": "fast", "rate_hz": 200,
           "channels": [{"name": "c", "sensor": "counter", "dtype": "int64"}]}]


class SystemdNotifyTest(unittest.TestCase):
    def record(self, tmp, extra_env):
        config = str(lib.write_config(tmp, GROUPS, name="c.toml", device_id="notify-test",
                                      output_dir=None, checkpoint_interval=0.5))
        path = os.path.join(tmp, "notify.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(path)
            sock.settimeout(0.05)
            env = lib.child_env()
            env.update({"NOTIFY_SOCKET": path, **extra_env})
            started = time.monotonic()
            proc = subprocess.Popen(
                lib.h5rec_command("record", config, "--output", os.path.join(tmp, "out"),
                                  "--duration", "3"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            messages = []
            while proc.poll() is None:  # read as systemd does while it runs (it never blocks)
                try:
                    messages.append(sock.recv(4096).decode())
                except socket.timeout:
                    pass
            sock.setblocking(False)  # then what it sent last
            while True:
                try:
                    messages.append(sock.recv(4096).decode())
                except BlockingIOError:
                    break
            # 3: rows were not stored (a sampler late by over a second skips them, counted);
            # the recording is not this test's subject.
            self.assertIn(proc.wait(), (lib.EXIT_OK, lib.EXIT_ROWS_NOT_STORED), proc.stderr.read())
            ran_s = time.monotonic() - started
            proc.stderr.close()
            return messages, ran_s

    def test_ready_watchdog_stopping(self):
        with ScratchDir() as tmp:
            messages, ran_s = self.record(str(tmp), {"WATCHDOG_USEC": "400000"})
        self.assertGreaterEqual(len(messages), 3, messages)
        self.assertTrue(messages[0].startswith("READY=1\nSTATUS=recording notify-test into "),
                        messages[0])
        self.assertEqual(messages[-1], "STOPPING=1")
        pings = messages[1:-1]
        self.assertEqual(set(pings), {"WATCHDOG=1"}, messages)
        # Never more often than every 0.2 s (half WATCHDOG_USEC): READY=1 came after the start
        # and each ping at least 0.2 s after the one before (CLOCK_MONOTONIC on both sides).
        print("\n%d pings in %.2f s" % (len(pings), ran_s), flush=True)
        self.assertLessEqual(len(pings), ran_s / 0.2, messages)
        # Fed repeatedly while recording, not once.
        self.assertGreaterEqual(len(pings), 2, messages)

    def test_watchdog_for_another_process_is_not_fed(self):
        with ScratchDir() as tmp:
            messages, _ = self.record(str(tmp), {"WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"})
        self.assertEqual(len(messages), 2, messages)
        self.assertTrue(messages[0].startswith("READY=1\n"), messages)
        self.assertEqual(messages[1], "STOPPING=1")


if __name__ == "__main__":
    unittest.main()
