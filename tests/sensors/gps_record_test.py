"""nmea_gps end to end: this test holds the master side of two pseudo-terminals and has written
recorded sentences (good and corrupt) into them before `h5rec record` opens the slave sides on the
real clock. The recording is stopped (SIGINT) once it has committed a row with every sentence
taken (read live, SWMR), not after a fixed time: on a loaded machine, under sanitizers or qemu,
the reader thread may take the sentences late. Rows are judged against the recorder's own
accounting (a sampler late by over a second skips rows and counts them). Read back with h5py:

- every value row is NaN (until the reader thread had taken the sentences) or exactly what the
  good sentences said, never what a corrupt one said; once a value is there it stays;
- the channel errors in /_status are exactly the NaN rows of each channel;
- the line counters end at the exact numbers of good and corrupt lines fed;
- a port fed only corrupt lines records NaN in every row, each counted;
- the port is left at the configured baud rate, raw.
"""

import calendar
import math
import os
import signal
import termios
import time
import tty
import unittest

from h5rec_test import recorder_lib as lib
from h5rec_test.temp_dir import TempDirTestCase

RATE_HZ = 10
HANG_S = 60  # only a hung recorder takes this long to take the sentences
GPS_AHEAD_S = 1000  # the GPS time sent is the system's + this: a board clock 1000 s behind


def nmea(body):
    """'$' + body + '*hh' + CR LF."""
    checksum = 0
    for c in body.encode():
        checksum ^= c
    return "$%s*%02X\r\n" % (body, checksum)


def rmc_now_plus(seconds):
    t = time.time() + seconds
    hundredths = math.floor(t * 100) / 100.0
    tm = time.gmtime(hundredths)
    frac = hundredths - calendar.timegm(tm)
    hhmmss = "%02d%02d%05.2f" % (tm.tm_hour, tm.tm_min, tm.tm_sec + round(frac, 2))
    date = "%02d%02d%02d" % (tm.tm_mday, tm.tm_mon, tm.tm_year % 100)
    return nmea("GNRMC,%s,A,3347.2953,S,15112.0840,W,012.5,084.4,%s,,,A" % (hhmmss, date))


GOOD = [
    "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n",
    "$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39\r\n",
    "$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75\r\n",  # ignored type
]
# After the RMC (whose latitude wins, being later): the GGA's altitude, fix, satellites stay.
EXPECTED = {
    "latitude": -(33 + 47.2953 / 60.0),
    "longitude": -(151 + 12.0840 / 60.0),
    "altitude": 545.4,
    "fix": 1.0,
    "satellites": 8.0,
    "hdop": 1.3,
    "speed": 12.5 * 1852.0 / 3600.0,
    "fix_type": 3.0,
}
UNITS = {"latitude": "degrees_north", "longitude": "degrees_east", "altitude": "m", "fix": "1",
         "satellites": "1", "hdop": "1", "speed": "m/s", "fix_type": "1", "time_offset": "s",
         "sentences": "1", "rejected": "1"}
CORRUPT = [
    # Checksum: 47 is the original's (note that "999.9" for "545.4" alone would keep it: XOR).
    "$GPGGA,123519,5807.038,N,01131.000,E,1,09,0.9,999.8,M,46.9,M,,*47\r\n",
    "$GPGGA,123519,5807.038,N,01131.000,E,1,09,0.9,999.9,M,46.9,M,,\r\n",      # no checksum
    nmea("GPGGA,123519,5877.038,N,01131.000,E,1,09,0.9,999.9,M,,,,"),          # 77 minutes
    nmea("GPGGA,123519,5807.038,N,01131.000,E,4"),                             # truncated
    "$GPGGA,123519,5807.038,N," + "9" * 100 + "\r\n",                          # over-long
    "\xb5\x62\x01\x07\x5c\x00\xff\xfe\r\n",                                    # binary
    "$GPRMC,123519,A,58$GPZDA,201530.00,04,07,2002,00,00*61\r\n",  # cut off, then checksum
]
CORRUPT_LINES = 8


class Pty:
    """A pseudo-terminal: the test writes into the master; h5rec opens the slave by path."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        tty.setraw(self.slave)  # so the sentences queue untouched until h5rec opens the port
        attrs = termios.tcgetattr(self.slave)
        attrs[4] = attrs[5] = termios.B4800
        termios.tcsetattr(self.slave, termios.TCSANOW, attrs)

    def write(self, text):
        data = text.encode("latin-1")
        while data:
            data = data[os.write(self.master, data):]

    def close(self):
        os.close(self.master)
        os.close(self.slave)


class GpsRecordTest(TempDirTestCase):
    temp_prefix = "h5rec-gps-"

    def setUp(self):
        super().setUp()
        self.good_port = Pty()
        self.bad_port = Pty()

    def tearDown(self):
        self.good_port.close()
        self.bad_port.close()

    def wait_for_every_sentence(self, proc, out):
        """Waits until the recording in `out` has committed a row with the RMC's time offset and
        the final line counts of both ports (a SWMR reader sees it)."""
        deadline = time.monotonic() + HANG_S
        while True:
            self.assertIsNone(proc.poll(), "the recorder ended early")
            self.assertLess(time.monotonic(), deadline,
                            "no row with every sentence taken within %d s" % HANG_S)
            files = [p for p in out.glob("*.h5") if not p.is_symlink()]
            try:
                with lib.open_recording(files[0], swmr=True) as f:
                    g = f["gps"]
                    if (len(g["time_offset"]) and not math.isnan(g["time_offset"][-1]) and
                            g["sentences"][-1] == len(GOOD) + 1 and
                            g["rejected"][-1] == CORRUPT_LINES and
                            g["bad_rejected"][-1] == CORRUPT_LINES):
                        return
            except (IndexError, OSError, KeyError):  # no file yet, or not yet SWMR-readable
                pass
            time.sleep(0.05)

    def test_recorded_sentences_exact_corrupt_ones_counted(self):
        # The tail of a sentence first, as a port opened mid-stream sees: not counted.
        self.good_port.write("7.038,N,01131.000,E,1,08*47\r\n")
        for line in GOOD[:2]:
            self.good_port.write(line)
        for line in CORRUPT:
            self.good_port.write(line)
        self.good_port.write(GOOD[2])
        written_at = time.time()
        self.good_port.write(rmc_now_plus(GPS_AHEAD_S))
        for line in CORRUPT:
            self.bad_port.write(line)

        fields = list(EXPECTED) + ["time_offset", "sentences", "rejected"]
        channels = [{"name": field, "sensor": "nmea_gps",
                     "params": {"port": self.good_port.path, "baud": 19200, "field": field,
                                "max_age_s": 60.0}} for field in fields]
        channels += [{"name": "bad_" + field, "sensor": "nmea_gps",
                      "params": {"port": self.bad_port.path, "field": field}}
                     for field in ("latitude", "rejected")]
        config = lib.write_config(self.tmp, [{"name": "gps", "rate_hz": RATE_HZ,
                                              "channels": channels}],
                                  output_dir=self.tmp / "out", checkpoint_interval=0.1)
        proc = lib.start_h5rec("record", config)
        try:
            self.wait_for_every_sentence(proc, self.tmp / "out")
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=lib.DEFAULT_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        gps = lib.parse_record_summary(stdout)["groups"]["gps"]
        rows = gps["stored"]
        self.assertEqual(rows + gps["dropped"], gps["due"], stdout)
        self.assertEqual(proc.returncode, lib.record_exit(gps["dropped"]), stdout + stderr)

        names = [c["name"] for c in channels]
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            g = f["gps"]
            errors = list(f["_status"]["gps_channel_errors"][-1])
            self.assertEqual(lib.attr_text(f["_status"]["gps_channel_errors"].attrs["channels"]),
                             ",".join(names))
            for name in EXPECTED:
                data = list(g[name][...])
                self.assertEqual(len(data), rows)
                missing = sum(1 for v in data if math.isnan(v))
                # NaN only before the reader had the sentences, then exactly the good values.
                self.assertLess(missing, rows, name)
                self.assertEqual(data[missing:], [EXPECTED[name]] * (rows - missing), name)
                self.assertEqual(errors[names.index(name)], missing, name)
            offset = list(g["time_offset"][...])
            missing = sum(1 for v in offset if math.isnan(v))
            self.assertLess(missing, rows)
            self.assertEqual(len(set(offset[missing:])), 1, offset)  # one RMC: one offset
            # GPS time - system time at reception; reception came after the write.
            self.assertLessEqual(offset[-1], GPS_AHEAD_S + 0.01)
            self.assertGreater(offset[-1], GPS_AHEAD_S - (time.time() - written_at) - 0.01)
            self.assertEqual(g["sentences"][-1], len(GOOD) + 1)
            self.assertEqual(g["rejected"][-1], CORRUPT_LINES)
            self.assertTrue(all(b >= a for a, b in zip(g["rejected"][:-1], g["rejected"][1:])))
            self.assertEqual(errors[names.index("sentences")], 0)
            self.assertEqual(errors[names.index("rejected")], 0)
            # The port that only ever gave corrupt lines: every row NaN and counted.
            self.assertTrue(all(math.isnan(v) for v in g["bad_latitude"][...]))
            self.assertEqual(errors[names.index("bad_latitude")], rows)
            self.assertEqual(g["bad_rejected"][-1], CORRUPT_LINES)
            for field, units in UNITS.items():
                attrs = g[field].attrs
                self.assertEqual(lib.attr_text(attrs["units"]), units, field)
                self.assertEqual(lib.attr_text(attrs["port"]), self.good_port.path, field)
                self.assertEqual(float(attrs["baud"]), 19200.0, field)
                self.assertEqual(float(attrs["max_age_s"]), 60.0, field)

        # h5rec left the port raw 8N1 at the configured baud (the test had set 4800).
        iflag, oflag, cflag, lflag, ispeed, ospeed, _ = termios.tcgetattr(self.good_port.slave)
        self.assertEqual((ispeed, ospeed), (termios.B19200, termios.B19200))
        self.assertEqual(lflag & (termios.ICANON | termios.ECHO | termios.ISIG), 0)
        self.assertEqual(cflag & termios.CSIZE, termios.CS8)
        self.assertEqual(cflag & (termios.PARENB | termios.CSTOPB), 0)
        self.assertEqual(termios.tcgetattr(self.bad_port.slave)[4], termios.B9600)  # the default

    def test_channels_of_one_port_in_two_groups_are_an_error(self):
        groups = [{"name": name, "rate_hz": 1, "channels": [
            {"name": "lat", "sensor": "nmea_gps",
             "params": {"port": self.good_port.path, "field": "latitude"}}]}
            for name in ("fast", "slow")]
        config = lib.write_config(self.tmp, groups, output_dir=self.tmp / "out")
        proc = lib.record(config, duration=1)
        self.assertEqual(proc.returncode, lib.EXIT_BAD_INPUT, lib.describe(proc))
        self.assertIn("key 'params.port': sensor 'nmea_gps' '%s' is read by channels of group "
                      "'fast'" % self.good_port.path, proc.stderr)


if __name__ == "__main__":
    unittest.main()
