"""hwmon, thermal and file sensors end to end: `h5rec record` against a fake sysfs tree built
here (sysfs_root points at it), the file read back with h5py and compared exactly with what the
tree holds: values in SI units (raw * raw_scale), attributes, junk and a missing optional chip
stored as NaN and counted per channel in /_status.
"""

import math
import pathlib
import unittest

from h5rec_test import recorder_lib as lib
from h5rec_test.temp_dir import TempDirTestCase

RATE_HZ = 10
DURATION_S = 2
ROWS = RATE_HZ * DURATION_S

# The fake tree: path under sysfs_root -> text.
TREE = {
    "class/hwmon/hwmon0/name": "coretemp\n",
    "class/hwmon/hwmon0/temp1_label": "Package id 0\n",
    "class/hwmon/hwmon0/temp1_input": "45125\n",
    "class/hwmon/hwmon0/temp2_label": "Core 0\n",
    "class/hwmon/hwmon0/temp2_input": "43000\n",
    "class/hwmon/hwmon3/name": "ina219\n",
    "class/hwmon/hwmon3/in0_label": "Vbus\n",
    "class/hwmon/hwmon3/in0_input": "5020\n",
    "class/hwmon/hwmon3/curr1_input": "-250\n",
    "class/hwmon/hwmon3/power1_input": "1255000\n",
    "class/hwmon/hwmon3/fan1_input": "1500\n",
    "class/thermal/thermal_zone0/type": "cpu-thermal\n",
    "class/thermal/thermal_zone0/temp": "-5250\n",
    "class/power_supply/BAT0/capacity": "87\n",
    "bus/sensor/junk": "N/A\n",
}

# channel -> (sensor, params, extra channel keys, expected value, units, number attributes,
#             text attributes)
CHANNELS = {
    "cpu": ("hwmon", {"chip": "coretemp", "label": "Package id 0"}, {}, 45125 * 0.001, "degC",
            {"raw_scale": 0.001},
            {"chip": "coretemp", "label": "Package id 0",
             "path": "class/hwmon/hwmon0/temp1_input"}),
    "vbus": ("hwmon", {"chip": "ina219", "label": "Vbus", "type": "in"}, {}, 5020 * 0.001, "V",
             {"raw_scale": 0.001}, {"path": "class/hwmon/hwmon3/in0_input"}),
    "current": ("hwmon", {"chip": "ina219", "input": "curr1"}, {}, -250 * 0.001, "A",
                {"raw_scale": 0.001}, {"input": "curr1"}),
    "power": ("hwmon", {"chip": "ina219", "input": "power1"}, {}, 1255000 * 1e-6, "W",
              {"raw_scale": 1e-6}, {}),
    "fan": ("hwmon", {"chip": "ina219", "input": "fan1"}, {}, 1500 * (1.0 / 60.0), "Hz",
            {"raw_scale": 1.0 / 60.0}, {}),
    "soc": ("thermal", {"zone": "cpu-thermal"}, {}, -5250 * 0.001, "degC", {"raw_scale": 0.001},
            {"zone": "cpu-thermal", "path": "class/thermal/thermal_zone0/temp"}),
    "battery": ("file", {"path": "class/power_supply/BAT0/capacity", "scale": 0.01},
                {"units": "1"}, 87 * 0.01 + 0.0, "1", {"raw_scale": 0.01, "raw_offset": 0.0},
                {"path": "class/power_supply/BAT0/capacity"}),
    "junk": ("file", {"path": "bus/sensor/junk"}, {}, None, "", {"raw_scale": 1.0}, {}),
    "late_chip": ("hwmon", {"chip": "bme280", "input": "temp1"}, {"optional": True}, None, "degC",
                  {"raw_scale": 0.001}, {}),
}


def make_tree(root):
    for relative, text in TREE.items():
        path = pathlib.Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def group(channels):
    return {"name": "health", "rate_hz": RATE_HZ, "channels": [
        dict({"name": name, "sensor": spec[0], "params": spec[1]}, **spec[2])
        for name, spec in channels.items()]}


class HwmonRecordTest(TempDirTestCase):
    temp_prefix = "h5rec-hwmon-"

    def setUp(self):
        super().setUp()
        self.sysfs = self.tmp / "sys"
        make_tree(self.sysfs)

    def test_values_units_attributes_and_errors(self):
        config = lib.write_config(self.tmp, [group(CHANNELS)], output_dir=self.tmp / "out",
                                  sysfs_root=str(self.sysfs), checkpoint_interval=0.5)
        proc = lib.record(config, duration=DURATION_S)
        self.assertEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        self.assertIn("no hwmon chip named 'bme280'", proc.stderr)  # the optional one, warned
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            g = f["health"]
            for name, (sensor, _, _, value, units, numbers, texts) in CHANNELS.items():
                data = g[name][...]
                self.assertEqual(data.shape, (ROWS,), name)
                if value is None:
                    self.assertTrue(all(math.isnan(v) for v in data), name)
                else:
                    self.assertEqual(list(data), [value] * ROWS, name)
                attrs = g[name].attrs
                self.assertEqual(lib.attr_text(attrs["units"]), units, name)
                self.assertEqual(lib.attr_text(attrs["sensor"]), sensor, name)
                for key, number in numbers.items():
                    self.assertEqual(float(attrs[key]), number, (name, key))
                for key, text in texts.items():
                    expected = str(self.sysfs / text) if key == "path" else text
                    self.assertEqual(lib.attr_text(attrs[key]), expected, (name, key))
            errors = f["_status"]["health_channel_errors"][-1]
            expected_errors = [ROWS if spec[3] is None else 0 for spec in CHANNELS.values()]
            self.assertEqual(list(errors), expected_errors)
            self.assertEqual(int(f["_status"]["health_sensor_errors"][-1]), 2 * ROWS)

    def test_missing_chip_is_an_error_naming_it_and_what_was_found(self):
        channels = {"board": ("hwmon", {"chip": "nct6775", "label": "SYSTIN"}, {}, None, "", {}, {})}
        config = lib.write_config(self.tmp, [group(channels)], output_dir=self.tmp / "out",
                                  sysfs_root=str(self.sysfs))
        proc = lib.record(config, duration=1)
        self.assertNotEqual(proc.returncode, lib.EXIT_OK, lib.describe(proc))
        self.assertIn("channel 'board' of group 'health' (sensor 'hwmon'): no hwmon chip named "
                      "'nct6775' in %s/class/hwmon (found: coretemp, ina219)" % self.sysfs,
                      proc.stderr)
        self.assertIn("optional = true", proc.stderr)
        self.assertEqual(lib.h5_files(self.tmp / "out"), [])


if __name__ == "__main__":
    unittest.main()
