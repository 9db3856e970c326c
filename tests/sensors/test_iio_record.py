"""`h5rec record` with IIO sensors against a fake sysfs tree and character device (iio_fake_tree),
the recordings read back with h5py and compared exactly with what the fake devices held."""

import math
import signal
import threading
import time
import unittest

import numpy as np

from h5rec_test import recorder_lib as lib
from h5rec_test.iio_fake_tree import FakeIioTree, ScanType, encode_scans
from h5rec_test.temp_dir import TempDirTestCase


def polled(name, device, channel, **extra):
    c = {"name": name, "sensor": "iio", "params": {"device": device, "channel": channel}}
    c.update(extra)
    return c


def buffered(name, device, channel, **extra):
    c = {"name": name, "sensor": "iio_buffered", "params": {"device": device, "channel": channel}}
    c.update(extra)
    return c


class IioRecordTest(TempDirTestCase):
    temp_prefix = "h5rec-iio-"

    def setUp(self):
        super().setUp()
        self.tree = FakeIioTree(self.tmp / "fake")
        self.out = self.tmp / "out"

    def config(self, groups, **top):
        return lib.write_config(self.tmp, groups, output_dir=self.out,
                                sysfs_root=str(self.tree.sysfs_root),
                                dev_root=str(self.tree.dev_root), **top)

    def record_ok(self, groups, duration, **kwargs):
        proc = lib.record(self.config(groups), duration=duration, **kwargs)
        self.assertEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        for marker in lib.CRASH_MARKERS:
            self.assertNotIn(marker, proc.stderr)
        return lib.find_recording(self.out)

    def channel_errors(self, f, group):
        """{channel: errors} from the last /_status row."""
        dset = f["_status"][group + "_channel_errors"]
        names = lib.attr_text(dset.attrs["channels"]).split(",")
        return dict(zip(names, (int(v) for v in dset[-1])))

    def test_polled_channels_in_si_units_with_their_attributes_and_junk_counted(self):
        t = self.tree
        t.add_device(0, "ads1015")
        t.write(0, "in_voltage0_raw", "1234")
        t.write(0, "in_voltage0_scale", "0.125000000")
        t.write(0, "in_voltage1_raw", "-17")
        t.write(0, "in_voltage_scale", "3.000000000")
        t.write(0, "in_voltage2_raw", "12ab")  # junk
        t.add_device(1, "bme280")
        t.write(1, "in_temp_input", "21370")
        t.write(1, "in_pressure_input", "101.325000")
        t.write(1, "in_humidityrelative_input", "45678")
        t.add_device(2, "lm75")
        t.write(2, "in_temp_raw", "2300")
        t.write(2, "in_temp_offset", "-500")
        t.write(2, "in_temp_scale", "10")
        channels = [polled("v0", "ads1015", "voltage0"), polled("v1", "ads1015", "voltage1"),
                    polled("junk", "ads1015", "voltage2"), polled("temp", "bme280", "temp"),
                    polled("pressure", "bme280", "pressure"),
                    polled("rh", "bme280", "humidityrelative"),
                    polled("board", "iio:device2", "temp", dtype="float32")]
        path = self.record_ok([{"name": "slow", "rate_hz": 10, "channels": channels}], 1)
        expected = {"v0": ((1234 + 0.0) * 0.125 * 1e-3, "V"),
                    "v1": ((-17 + 0.0) * 3.0 * 1e-3, "V"),
                    "temp": (21370 * 1e-3, "degC"), "pressure": (101.325 * 1e3, "Pa"),
                    "rh": (45678 * 1e-3, "%"),
                    "board": (np.float32((2300 + -500.0) * 10.0 * 1e-3), "degC")}
        with lib.open_recording(path) as f:
            g = f["slow"]
            rows = g["time"].shape[0]
            self.assertEqual(rows, 10)
            for name, (value, units) in expected.items():
                self.assertTrue((g[name][...] == value).all(), (name, g[name][...], value))
                self.assertEqual(lib.attr_text(g[name].attrs["units"]), units, name)
            self.assertTrue(np.isnan(g["junk"][...]).all())
            attrs = g["v0"].attrs
            self.assertEqual(float(attrs["iio_scale"]), 0.125)
            self.assertEqual(float(attrs["iio_offset"]), 0.0)
            self.assertEqual(float(attrs["si_factor"]), 1e-3)
            self.assertEqual(lib.attr_text(attrs["iio_device"]), "ads1015")
            self.assertEqual(lib.attr_text(attrs["iio_device_directory"]), "iio:device0")
            self.assertEqual(lib.attr_text(attrs["iio_attribute"]), "in_voltage0_raw")
            self.assertEqual(lib.attr_text(g["temp"].attrs["iio_attribute"]), "in_temp_input")
            self.assertNotIn("iio_scale", g["temp"].attrs)
            # The raw value comes back from the attributes.
            raw = g["v0"][0] / float(attrs["si_factor"]) / float(attrs["iio_scale"]) - float(
                attrs["iio_offset"])
            self.assertAlmostEqual(raw, 1234, places=9)
            errors = self.channel_errors(f, "slow")
            self.assertEqual(errors, {n: (rows if n == "junk" else 0) for n in errors})
        # `h5rec info` names the failing channel with its count, and no other.
        info = lib.run_h5rec("info", str(path))
        self.assertEqual(info.returncode, 0, lib.describe(info))
        self.assertRegex(info.stdout, r"(?m)^group slow: .*, sensor errors %d$" % rows)
        self.assertRegex(info.stdout, r"(?m)^  junk .*  \(%d failed reads\)$" % rows)
        self.assertEqual(info.stdout.count("failed reads"), 1, info.stdout)

    def test_missing_device_names_it_unless_optional(self):
        self.tree.add_device(0, "bme280")
        groups = [{"name": "slow", "rate_hz": 10,
                   "channels": [polled("v0", "ads1115", "voltage0")]}]
        proc = lib.record(self.config(groups), duration=0.5)
        self.assertNotEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        self.assertIn("IIO device 'ads1115' not found", proc.stderr)
        self.assertIn("iio:device0 'bme280'", proc.stderr)
        self.assertIn("optional = true", proc.stderr)
        self.assertEqual(lib.h5_files(self.out), [])

        groups[0]["channels"][0]["optional"] = True
        path = self.record_ok(groups, 0.5)
        with lib.open_recording(path) as f:
            values = f["slow"]["v0"][...]
            self.assertEqual(values.shape, (5,))
            self.assertTrue(np.isnan(values).all())
            self.assertEqual(self.channel_errors(f, "slow"), {"v0": 5})

    def live_states(self, live):
        """The committed rows of slow/v0 in the live file, as b (the value before), n (NaN) and
        a (the value after); "" while the file is not yet readable."""
        try:
            with lib.open_recording(live, swmr=True) as f:
                return self.states(f["slow"]["v0"][...])
        except (OSError, KeyError):
            return ""

    @staticmethod
    def states(v):
        before, after = 1234 * 1e-3, 99 * 1e-3
        return "".join("b" if x == before else "a" if x == after else
                       "n" if math.isnan(x) else "?" for x in v)

    def test_device_that_disappears_records_nan_until_it_is_back(self):
        """Real clock: the device goes away while recording and comes back with another value.
        Each step waits for what the recorder committed (read live, SWMR), not for a time: a
        loaded machine may start, sample or reopen late."""
        t = self.tree
        t.add_device(0, "ads1015")
        t.write(0, "in_voltage0_raw", "1234")
        groups = [{"name": "slow", "rate_hz": 50,
                   "channels": [polled("v0", "ads1015", "voltage0")]}]
        proc = lib.start_h5rec("record", self.config(groups, checkpoint_interval=0.1))
        live = self.out / "test-dev_live.h5"
        hang_s = 60  # only a hung recorder takes this long to show a state in the file

        def wait_for(state, what):
            deadline = time.monotonic() + hang_s
            while state not in self.live_states(live):
                self.assertIsNone(proc.poll(), "the recorder ended while waiting for " + what)
                self.assertLess(time.monotonic(), deadline, "no %s after %d s" % (what, hang_s))
                time.sleep(0.02)
        try:
            wait_for("b", "row with the device present")
            t.remove_device(0)
            wait_for("n", "NaN row once the device was gone")
            t.add_device(0, "ads1015")
            t.write(0, "in_voltage0_raw", "99")
            wait_for("a", "row with the device back")
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=lib.DEFAULT_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        summary = lib.parse_record_summary(stdout)
        # Rows a sampler late by over a second skipped are counted (exit 3); none: exit 0.
        dropped = summary["groups"]["slow"]["dropped"]
        self.assertEqual(proc.returncode, lib.record_exit(dropped),
                         stderr)
        with lib.open_recording(lib.find_recording(self.out)) as f:
            states = self.states(f["slow"]["v0"][...])
            self.assertRegex(states, r"^b+n+a+$")
            self.assertEqual(self.channel_errors(f, "slow"), {"v0": states.count("n")})

    def adc_tree(self):
        t = self.tree
        t.add_device(3, "ads1015")
        types = {"voltage0": (0, "le:s12/16>>4"), "voltage1": (1, "le:s12/16>>4"),
                 "voltage2": (2, "be:u16/16>>0"), "timestamp": (8, "le:s64/64>>0")}
        for name, (index, type_text) in types.items():
            t.add_scan_element(3, name, index, type_text)
        t.write(3, "in_voltage_scale", "2.000000000")
        t.write(3, "in_voltage1_offset", "10")
        t.write(3, "sampling_frequency", "1000")
        t.write(3, "current_timestamp_clock", "monotonic")
        t.write(3, "trigger/current_trigger", "")
        return {name: ScanType(type_text) for name, (_, type_text) in types.items()}, types

    def test_buffered_scans_exact_with_timestamp_and_missing_scans_counted(self):
        types, indexes = self.adc_tree()
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        extremes = [-2048, 2047, -1, 0, 1]
        rows = []
        for k in range(150):
            v0 = extremes[k] if k < len(extremes) else (k * 37) % 4096 - 2048
            rows.append({"voltage0": v0, "voltage1": 2047 - (k * 13) % 4096,
                         "voltage2": (k * 401) % 65536, "timestamp": t0 + 1_000_000 * k + k})
        elements = [(n, indexes[n][0], types[n]) for n in ("voltage0", "voltage1", "voltage2",
                                                           "timestamp")]
        self.tree.append_scans(3, encode_scans(elements, rows))
        channels = [buffered("v0", "ads1015", "voltage0"),
                    buffered("v1", "ads1015", "voltage1"),
                    buffered("v2", "ads1015", "voltage2"),
                    buffered("ts", "ads1015", "timestamp", dtype="int64",
                             params={"device": "ads1015", "channel": "timestamp",
                                     "trigger": "ads1015-dev3"})]
        path = self.record_ok([{"name": "fast", "rate_hz": 1000, "channels": channels}], 0.2)
        self.assertEqual(self.tree.read(3, "buffer/enable"), "0")  # stopped at the end
        self.assertEqual(self.tree.read(3, "trigger/current_trigger"), "ads1015-dev3")
        self.assertEqual(self.tree.read(3, "buffer/length"), "250")
        with lib.open_recording(path) as f:
            g = f["fast"]
            self.assertEqual(g["time"].shape[0], 200)
            origin = int(lib.attr_text(g["ts"].attrs["iio_timestamp_origin_ns"]))
            self.assertEqual(lib.attr_text(g["ts"].attrs["iio_timestamp_clock"]), "monotonic")
            self.assertEqual(lib.attr_text(g["ts"].attrs["units"]), "ns")
            self.assertEqual(lib.attr_text(g["v0"].attrs["iio_scan_type"]), "le:s12/16>>4")
            expected = {
                "v0": [(r["voltage0"] + 0.0) * 2.0 * 1e-3 for r in rows],
                "v1": [(r["voltage1"] + 10.0) * 2.0 * 1e-3 for r in rows],
                "v2": [(r["voltage2"] + 0.0) * 2.0 * 1e-3 for r in rows],
                "ts": [r["timestamp"] - origin for r in rows],
            }
            for name, values in expected.items():
                got = g[name][...]
                self.assertEqual(got[:150].tolist(), values, name)
                if name == "ts":
                    self.assertTrue((got[150:] == 0).all())  # int64 fill value
                else:
                    self.assertTrue(np.isnan(got[150:]).all(), name)
            self.assertEqual(self.channel_errors(f, "fast"), {"v0": 50, "v1": 50, "v2": 50,
                                                              "ts": 50})

    def test_buffered_unparseable_type_is_a_clear_error(self):
        self.adc_tree()
        self.tree.write(3, "scan_elements/in_voltage1_type", "le:s12/16>>")
        channels = [buffered("v1", "ads1015", "voltage1")]
        proc = lib.record(self.config([{"name": "fast", "rate_hz": 1000, "channels": channels}]),
                          duration=0.1)
        self.assertNotEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        self.assertIn("in_voltage1_type: IIO scan type 'le:s12/16>>", proc.stderr)
        for marker in lib.CRASH_MARKERS:
            self.assertNotIn(marker, proc.stderr)


if __name__ == "__main__":
    unittest.main()
