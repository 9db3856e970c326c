"""h5rec record under systemd's Type=notify protocol: READY=1 once it records, WATCHDOG=1 about
every half WATCHDOG_USEC while the writer works, STOPPING=1 at the end; nothing for a watchdog
meant for another process (WATCHDOG_PID). The socket here plays systemd's part."""
import os
import socket
import subprocess
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
            self.assertEqual(proc.wait(), 0, proc.stderr.read())
            proc.stderr.close()
            return messages

    def test_ready_watchdog_stopping(self):
        with ScratchDir() as tmp:
            messages = self.record(str(tmp), {"WATCHDOG_USEC": "400000"})
        self.assertGreaterEqual(len(messages), 3, messages)
        self.assertTrue(messages[0].startswith("READY=1\nSTATUS=recording notify-test into "),
                        messages[0])
        self.assertEqual(messages[-1], "STOPPING=1")
        pings = messages[1:-1]
        self.assertEqual(set(pings), {"WATCHDOG=1"}, messages)
        # 3 s at one ping per 0.2 s, less start-up and the slack of the 100 ms poll.
        self.assertGreaterEqual(len(pings), 8, messages)
        self.assertLessEqual(len(pings), 16, messages)

    def test_watchdog_for_another_process_is_not_fed(self):
        with ScratchDir() as tmp:
            messages = self.record(str(tmp), {"WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"})
        self.assertEqual(len(messages), 2, messages)
        self.assertTrue(messages[0].startswith("READY=1\n"), messages)
        self.assertEqual(messages[1], "STOPPING=1")


if __name__ == "__main__":
    unittest.main()
