"""End to end: `h5rec record --virtual-clock` of a BME280 on the sim I2C bus, read back with h5py
and compared exactly with an independent computation of what the register emulator produced
(bme280_oracle.py); a chip that stops acknowledging mid-recording; a wrong chip id at start."""

import unittest

import numpy as np

from h5rec_test import bme280_oracle as oracle
from h5rec_test import recorder_lib as lib

RATE_HZ = 10
SWEEP_ROWS = 40


def bme280_channels(extra=None, address=None):
    channels = []
    for quantity, units in (("temperature", "degC"), ("pressure", "Pa"), ("humidity", "%")):
        params = {"bus": "sim", "quantity": quantity, "sim_sweep_rows": SWEEP_ROWS}
        if address is not None:
            params["address"] = address
        params.update(extra or {})
        channels.append({"name": quantity, "sensor": "bme280", "params": params})
    return channels


class Bme280RecordTest(lib.RecorderTestCase):
    def record(self, groups, duration, expect=lib.EXIT_OK):
        config = lib.write_config(self.tmp, groups, output_dir=self.tmp / "out")
        proc = lib.record(config, duration=duration)
        self.assertNoCrash(proc)
        self.assertExit(proc, expect)
        return proc

    def test_sweep_is_recorded_exactly_with_units_and_calibration(self):
        channels = bme280_channels()
        channels.append({"name": "pressure_adc", "sensor": "bme280",
                         "params": {"bus": "sim", "quantity": "pressure", "output": "adc",
                                    "sim_sweep_rows": SWEEP_ROWS}})
        self.record([{"name": "env", "rate_hz": RATE_HZ, "channels": channels}], 10)
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            env = f["env"]
            rows = env["time"].shape[0]
            self.assertEqual(rows, 10 * RATE_HZ)
            # One burst per row, shared by the four channels: row i is measurement i.
            want = [oracle.measurement(i, SWEEP_ROWS) for i in range(rows)]
            for name, key in (("temperature", "temperature"), ("pressure", "pressure"),
                              ("humidity", "humidity"), ("pressure_adc", "adc_pressure")):
                got = env[name][...]
                expected = np.array([w[key] for w in want])
                np.testing.assert_array_equal(got, expected, err_msg=name)
            # The sweep covers the operating range.
            self.assertEqual(env["temperature"][0], -40.0)
            self.assertAlmostEqual(float(env["temperature"][SWEEP_ROWS // 2]), 85.0, delta=0.011)
            self.assertLessEqual(float(env["humidity"][0]), 0.02)
            self.assertGreaterEqual(float(env["humidity"][SWEEP_ROWS // 2]), 100.0 - 1e-9)
            for name, units in (("temperature", "degC"), ("pressure", "Pa"), ("humidity", "%"),
                                ("pressure_adc", "1")):
                self.assertEqual(lib.attr_text(env[name].attrs["units"]), units, name)
            attrs = env["pressure"].attrs
            for word, value in oracle.CAL.items():
                if word[0] in "TP":
                    self.assertEqual(float(attrs["dig_" + word]), value, word)
            self.assertEqual(float(env["humidity"].attrs["dig_H4"]), oracle.CAL["H4"])
            self.assertEqual(float(attrs["i2c_address"]), 0x76)
            self.assertEqual(lib.attr_text(attrs["chip"]), "BME280")
            self.assertEqual(lib.attr_text(attrs["bus"]), "sim")
            self.assertTrue((f["_status"]["env_channel_errors"][...] == 0).all())

    def test_nack_mid_recording_gives_nan_errors_and_recovers(self):
        fault = {"sim_nack_at": 20, "sim_nack_transactions": 3}
        self.record([{"name": "env", "rate_hz": RATE_HZ, "channels": bme280_channels(fault)}], 6)
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            env = f["env"]
            names = ["temperature", "pressure", "humidity"]
            values = {n: env[n][...] for n in names}
            rows = len(values["temperature"])
            self.assertEqual(rows, 6 * RATE_HZ)
            nan = {n: np.isnan(values[n]) for n in names}
            # Rows 0..19 read fine; row 20 is the first NACK: every channel of the chip fails.
            for n in names:
                self.assertFalse(nan[n][:20].any(), n)
                self.assertTrue(nan[n][20], n)
                self.assertFalse(nan[n][-10:].any(), n + " recovered")
            # A row consumed a measurement when its burst succeeded (any channel has a value);
            # every value is the oracle's for that measurement.
            m = 0
            for i in range(rows):
                if all(nan[n][i] for n in names):
                    continue
                want = oracle.measurement(m, SWEEP_ROWS)
                for n in names:
                    if not nan[n][i]:
                        self.assertEqual(values[n][i], want[n], "%s row %d" % (n, i))
                m += 1
            # Each NaN is one counted error of its channel, in /_status.
            status = f["_status"]
            self.assertEqual(lib.attr_text(status["env_channel_errors"].attrs["channels"]),
                             ",".join(names))
            errors = status["env_channel_errors"][-1]
            for k, n in enumerate(names):
                self.assertEqual(int(errors[k]), int(nan[n].sum()), n)
            self.assertEqual(int(status["env_sensor_errors"][-1]),
                             sum(int(nan[n].sum()) for n in names))

    def test_wrong_chip_id_at_start_is_a_clear_error(self):
        proc = self.record(
            [{"name": "env", "rate_hz": RATE_HZ,
              "channels": bme280_channels({"sim_chip_id": 0x58}, address=0x77)}],
            1, expect=lib.EXIT_BAD_INPUT)
        self.assertIn("i2c bus sim, address 0x77: chip id is 0x58, not a BME280's 0x60 "
                      "(0x56-0x58 is a BMP280, which has no humidity)", proc.stderr)
        self.assertIn("channel 'temperature' of group 'env' (sensor 'bme280')", proc.stderr)
        self.assertIn("optional = true", proc.stderr)

    def test_channels_of_one_chip_in_two_groups_are_rejected(self):
        proc = self.record(
            [{"name": "slow", "rate_hz": 1, "channels": bme280_channels()[:1]},
             {"name": "fast", "rate_hz": 10, "channels": bme280_channels()[1:2]}],
            1, expect=lib.EXIT_BAD_INPUT)
        self.assertIn("must be in one group", proc.stderr)


if __name__ == "__main__":
    unittest.main()
