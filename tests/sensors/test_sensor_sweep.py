"""One recording of every simulated sensor kind across its range: `h5rec record --virtual-clock`
with the sim kinds, fake IIO devices (polled and buffered), fake hwmon chips, thermal zones and
files, the sim I2C bus's BME280 and the sim GPIO line, read back with h5py and compared exactly
with what each twin produced, computed here independently. Every channel's error count in
/_status must be 0. (nmea_gps needs the real clock and a pseudo-terminal: gps_record_test.py.)"""

import time
import unittest

import numpy as np

from h5rec_test import recorder_lib as lib
from h5rec_test import bme280_oracle, gpio_oracle
from h5rec_test.iio_fake_tree import FakeIioTree, ScanType, encode_scans
from h5rec_test.temp_dir import TempDirTestCase

SECONDS = 4
SLOW_HZ = 10  # sim kinds, polled files, BME280 and GPIO
FAST_HZ = 100  # buffered IIO: one scan per row
ROWS = SECONDS * SLOW_HZ
SCANS = SECONDS * FAST_HZ

# Range points for the sysfs kinds: raw values as the kernel writes them.
IIO_RAW = [-2048, -1, 0, 1, 2047]  # a 12-bit ADC, scale 0.5 mV
HWMON_MILLI_C = [-40000, -1, 0, 25125, 125000]
THERMAL_MILLI_C = [-273150, 0, 99999]
FILE_VALUES = ["-1e6", "0", "3.25", "123456789"]
SCAN_TYPE = "le:s12/16>>4"


def sweep_12bit(k):
    return (k * 37) % 4096 - 2048 if k >= 2 else (-2048, 2047)[k]


class SensorSweepTest(TempDirTestCase):
    temp_prefix = "h5rec-sweep-"

    def setUp(self):
        super().setUp()
        self.tree = FakeIioTree(self.tmp / "fake")

    def write(self, relative, text):
        path = self.tree.sysfs_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")

    def build_twins(self):
        t = self.tree
        t.add_device(0, "sweepadc")
        t.write(0, "in_voltage_scale", "0.500000000")
        for k, raw in enumerate(IIO_RAW):
            t.write(0, "in_voltage%d_raw" % k, str(raw))
        t.add_device(1, "fastadc")
        t.add_scan_element(1, "voltage0", 0, SCAN_TYPE)
        t.write(1, "in_voltage_scale", "2.000000000")
        t.write(1, "sampling_frequency", str(FAST_HZ))
        t.write(1, "trigger/current_trigger", "")
        # One scan more than the rows: the last row must not find the buffer empty.
        rows = [{"voltage0": sweep_12bit(k)} for k in range(SCANS + 1)]
        t.append_scans(1, encode_scans([("voltage0", 0, ScanType(SCAN_TYPE))], rows))
        self.write("class/hwmon/hwmon0/name", "sweepchip")
        for k, milli in enumerate(HWMON_MILLI_C, start=1):
            self.write("class/hwmon/hwmon0/temp%d_label" % k, "p%d" % k)
            self.write("class/hwmon/hwmon0/temp%d_input" % k, str(milli))
        for k, milli in enumerate(THERMAL_MILLI_C):
            self.write("class/thermal/thermal_zone%d/type" % k, "zone%d" % k)
            self.write("class/thermal/thermal_zone%d/temp" % k, str(milli))
        for k, text in enumerate(FILE_VALUES):
            self.write("sweep/value%d" % k, text)
        return rows

    def groups(self):
        sim = [{"name": "counter", "sensor": "counter", "params": {"start": -5, "step": 2}},
               {"name": "sine", "sensor": "sine", "shape": [3],
                "params": {"amplitude": 1e6, "frequency_hz": 0.5}},
               {"name": "noise", "sensor": "noise", "params": {"stddev": 3}},
               {"name": "walk", "sensor": "random_walk"},
               {"name": "step", "sensor": "step", "params": {"at_s": 2}}]
        boards = [{"name": "adc%d" % k, "sensor": "iio",
                   "params": {"device": "sweepadc", "channel": "voltage%d" % k}}
                  for k in range(len(IIO_RAW))]
        boards += [{"name": "hwmon%d" % k, "sensor": "hwmon",
                    "params": {"chip": "sweepchip", "label": "p%d" % k}}
                   for k in range(1, len(HWMON_MILLI_C) + 1)]
        boards += [{"name": "zone%d" % k, "sensor": "thermal", "params": {"zone": "zone%d" % k}}
                   for k in range(len(THERMAL_MILLI_C))]
        boards += [{"name": "file%d" % k, "sensor": "file",
                    "params": {"path": "sweep/value%d" % k, "scale": 0.5, "offset": -1}}
                   for k in range(len(FILE_VALUES))]
        boards += [{"name": q, "sensor": "bme280",
                    "params": {"bus": "sim", "quantity": q, "sim_sweep_rows": ROWS}}
                   for q in ("temperature", "pressure", "humidity")]
        boards += [{"name": "pulses", "sensor": "gpio_counter",
                    "params": {"chip": "sim", "line": 0, "sim_frequency_low": 1,
                               "sim_frequency_high": 500, "sim_sweep_s": SECONDS}}]
        fast = [{"name": "scan", "sensor": "iio_buffered",
                 "params": {"device": "fastadc", "channel": "voltage0",
                            "buffer_length": SCANS + 1}}]  # every scan is there at the start
        return [{"name": "sim", "rate_hz": SLOW_HZ, "channels": sim},
                {"name": "boards", "rate_hz": SLOW_HZ, "channels": boards},
                {"name": "fast", "rate_hz": FAST_HZ, "channels": fast}], sim

    def test_every_simulated_sensor_across_its_range(self):
        scans = self.build_twins()
        groups, sim_channels = self.groups()
        config = lib.write_config(self.tmp, groups, output_dir=self.tmp / "out",
                                  sysfs_root=str(self.tree.sysfs_root),
                                  dev_root=str(self.tree.dev_root))
        proc = lib.record(config, duration=SECONDS)
        self.assertEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            for c in sim_channels:
                want = lib.expected_channel(c, ROWS, SLOW_HZ, group="sim")
                np.testing.assert_array_equal(f["sim"][c["name"]][...], want, c["name"])
            b = f["boards"]
            self.assertEqual(b["time"].shape[0], ROWS)

            def column(name, value, units):
                np.testing.assert_array_equal(b[name][...], np.full(ROWS, value), name)
                self.assertEqual(lib.attr_text(b[name].attrs["units"]), units, name)

            for k, raw in enumerate(IIO_RAW):
                column("adc%d" % k, (raw + 0.0) * 0.5 * 0.001, "V")
            for k, milli in enumerate(HWMON_MILLI_C, start=1):
                column("hwmon%d" % k, milli * 0.001, "degC")
            for k, milli in enumerate(THERMAL_MILLI_C):
                column("zone%d" % k, milli * 0.001, "degC")
            for k, text in enumerate(FILE_VALUES):
                np.testing.assert_array_equal(b["file%d" % k][...],
                                              np.full(ROWS, float(text) * 0.5 + -1), "file")
            want = [bme280_oracle.measurement(i, ROWS) for i in range(ROWS)]
            for q in ("temperature", "pressure", "humidity"):
                np.testing.assert_array_equal(b[q][...], [w[q] for w in want], q)
            self.assertEqual(float(b["temperature"][0]), -40.0)
            t = b["time"][...].astype(np.int64)
            bounds = [int(x) for x in t - t[0]]
            counts = gpio_oracle.counts(
                gpio_oracle.edges(1, 500, SECONDS * 1_000_000_000, "rising", bounds[-1]), bounds)
            got = b["pulses"][...]
            self.assertTrue(np.isnan(got[0]))  # row 0 has no interval yet
            np.testing.assert_array_equal(got[1:], [float(c) for c in counts[1:]], "pulses")
            self.assertGreater(max(got[1:]), 40)  # ~500 Hz at the top of the sweep
            scan = f["fast"]["scan"][...]
            self.assertEqual(scan.shape[0], SCANS)
            np.testing.assert_array_equal(
                scan, [(r["voltage0"] + 0.0) * 2.0 * 0.001 for r in scans[:SCANS]], "scan")
            for group in ("sim", "boards", "fast"):
                errors = f["_status"][group + "_channel_errors"][...]
                self.assertTrue((errors == 0).all(), group)


if __name__ == "__main__":
    unittest.main()
