"""End-to-end tests of `h5rec record`: record simulated sensors, read the file back with h5py
(and h5dump) and check every value bit-exactly against a Python recomputation of the sensors.

Exactness: every expected value is computed with the same double operations, in the same order,
as platform/sim/sim_sensors.cpp (Python's math module calls the same libm), then converted the
way base/dtype.cpp does (floats: cast; integers: round to nearest even, saturate). The
time a sensor sees is the row's scheduled offset, offset_ns(i) * 1e-9 (SampleTick::elapsed_s),
which is i / rate_hz up to the last bit. No tolerance is used there: float32 values must be
equal, not within 1 ulp. (test_sine_formula_with_i_over_rate shows what t = i / rate_hz gives:
float32 within 1 ulp, except near zero crossings.)
"""

import math
import pathlib
import re
import shutil
import subprocess
import unittest

import numpy as np

from h5rec_test import recorder_lib as lib
from h5rec_test import verify_segments

# Every simulated sensor and every dtype, scalar, shape [3] and shape [2, 2].
# rows at --duration 3: "ints" 300, "mixed" 3000, "slow" 9.
DURATION_S = 3
GROUPS = [
    {
        "name": "ints",
        "rate_hz": 100,
        "channels": (
            [{"name": "counter_" + t, "sensor": "counter", "dtype": t, "units": "1",
              "description": "counter as " + t} for t in lib.INT_DTYPES]
            + [
                {"name": "counter_vec", "sensor": "counter", "dtype": "int16", "shape": [3],
                 "units": "1", "description": "3 components, all = row index"},
                {"name": "counter_mat", "sensor": "counter", "dtype": "uint32",
                 "shape": [2, 2], "units": "1", "description": "2x2, all = row index"},
                # Saturation and rounding of the double -> integer conversion.
                {"name": "down_u8", "sensor": "counter", "dtype": "uint8",
                 "params": {"start": 100, "step": -0.5}},
                {"name": "big_i64", "sensor": "counter", "dtype": "int64",
                 "params": {"start": 9.2e18, "step": 1e16}},
                {"name": "big_u64", "sensor": "counter", "dtype": "uint64",
                 "params": {"start": 1.8e19, "step": 1e16}},
                {"name": "sine_i16", "sensor": "sine", "dtype": "int16",
                 "params": {"amplitude": 40000, "frequency_hz": 0.5}},
                {"name": "noise_i32", "sensor": "noise", "dtype": "int32", "shape": [2],
                 "params": {"mean": 5, "stddev": 1000, "seed": 7}},
            ]),
    },
    {
        "name": "mixed",
        "rate_hz": 1000,
        "channels": [
            {"name": "counter", "sensor": "counter", "dtype": "int64", "units": "1",
             "description": "row index"},
            {"name": "counter_f32", "sensor": "counter", "dtype": "float32"},
            {"name": "counter_f64", "sensor": "counter", "dtype": "float64"},
            {"name": "counter_bool", "sensor": "counter", "dtype": "bool"},
            {"name": "accel", "sensor": "sine", "dtype": "float32", "shape": [3],
             "units": "m/s^2", "description": "3-axis sine",
             "params": {"amplitude": 9.81, "frequency_hz": 2.0}},
            {"name": "sine_mat", "sensor": "sine", "dtype": "float64", "shape": [2, 2],
             "params": {"amplitude": 2.5, "frequency_hz": 7.25, "offset": -1.0}},
            {"name": "sine_default", "sensor": "sine"},
            {"name": "noise", "sensor": "noise", "dtype": "float64", "units": "V",
             "params": {"mean": 0.5, "stddev": 0.1, "seed": 42}},
            {"name": "noise_vec", "sensor": "noise", "dtype": "float32", "shape": [3]},
            {"name": "walk", "sensor": "random_walk", "dtype": "float32",
             "params": {"start": 20.0, "step": 0.01}},
            {"name": "walk_vec", "sensor": "random_walk", "dtype": "float64", "shape": [2],
             "params": {"seed": 3}},
            {"name": "door", "sensor": "step", "dtype": "bool",
             "params": {"at_s": 1.5}},
            {"name": "level", "sensor": "step", "dtype": "float64",
             "params": {"low": -2.5, "high": 4.0, "at_s": 0.25}},
        ],
    },
    {
        "name": "slow",
        "rate_hz": 3,
        "channels": [
            {"name": "step_i8", "sensor": "step", "dtype": "int8",
             "params": {"low": -5, "high": 7, "at_s": 1.5}},
            {"name": "walk_u16", "sensor": "random_walk", "dtype": "uint16",
             "params": {"start": 1000, "step": 300}},
            {"name": "noise_u32", "sensor": "noise", "dtype": "uint32",
             "params": {"mean": 10, "stddev": 10}},
            {"name": "sine_u64", "sensor": "sine", "dtype": "uint64", "shape": [3],
             "params": {"amplitude": 1e6, "offset": 1e6}},
        ],
    },
]


def numpy_dtype(name):
    return np.dtype(np.bool_) if name == "bool" else np.dtype(name)


class RecordCliTest(lib.RecorderTestCase):

    def record_ok(self, groups, duration, virtual_clock=True, **top):
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, groups, output_dir=str(out), **top)
        proc = lib.record(config, duration=duration, virtual_clock=virtual_clock, cwd=self.tmp)
        self.assertExit(proc, 0)
        self.assertNoCrash(proc)
        path = lib.find_recording(out)
        summary = lib.parse_record_summary(proc.stdout)
        self.assertEqual(summary["path"], str(path), proc.stdout)
        return config, path, summary

    def check_time(self, f, group, rate_hz, rows, t0=None):
        time = f[group]["time"]
        self.assertEqual(time.dtype, np.dtype("<i8"))
        self.assertEqual(time.shape, (rows,))
        t = time[...]
        if t0 is None:
            t0 = int(t[0])
        expected = lib.expected_times(t0, rows, rate_hz)
        mismatch = np.flatnonzero(t != expected)
        self.assertEqual(mismatch.size, 0, "%s/time differs first at row %s: %s != %s" % (
            group, mismatch[:1], t[mismatch[:1]], expected[mismatch[:1]]))

    def check_channel(self, f, group, rate_hz, channel, rows):
        name = "%s/%s" % (group, channel["name"])
        dset = f[group][channel["name"]]
        shape = tuple(channel.get("shape") or ())
        dtype = channel.get("dtype", "float64")
        self.assertEqual(dset.shape, (rows,) + shape, name)
        self.assertEqual(dset.dtype, numpy_dtype(dtype), name)
        self.assertIn(dset.dtype.byteorder, "<=|", name)  # little-endian on disk and in memory
        expected = lib.expected_channel(channel, rows, rate_hz, group=group)
        got = dset[...]
        self.assertEqual(got.dtype, expected.dtype, name)
        if dtype in lib.FLOAT_DTYPES:
            # Bit-exact, not merely equal (so -0.0 vs 0.0 or NaN payloads would show too).
            same = got.view("u%d" % got.dtype.itemsize) == expected.view(
                "u%d" % expected.dtype.itemsize)
        else:
            same = got == expected
        bad = np.argwhere(~same)
        self.assertEqual(len(bad), 0, "%s differs at %d values, first at %s: got %r expected %r"
                         % (name, len(bad), tuple(bad[0]) if len(bad) else None,
                            got[tuple(bad[0])] if len(bad) else None,
                            expected[tuple(bad[0])] if len(bad) else None))

    # ----------------------------------------------------------------------------------------

    def test_every_sensor_and_dtype_is_bit_exact(self):
        _, path, summary = self.record_ok(GROUPS, DURATION_S)
        with lib.open_recording(path) as f:
            for group in GROUPS:
                rows = round(DURATION_S * group["rate_hz"])
                self.assertEqual(summary["groups"][group["name"]],
                                 {"stored": rows, "dropped": 0, "due": rows,
                                  "high_water": summary["groups"][group["name"]]["high_water"]})
                self.check_time(f, group["name"], group["rate_hz"], rows,
                                t0=lib.VIRTUAL_EPOCH_NS)
                for channel in group["channels"]:
                    self.check_channel(f, group["name"], group["rate_hz"], channel, rows)
                # Nothing else in the group.
                self.assertEqual(sorted(f[group["name"]].keys()),
                                 sorted(["time"] + [c["name"] for c in group["channels"]]))

            # Spot checks that make the conversions explicit (the loop above already covers them).
            ints = f["ints"]
            np.testing.assert_array_equal(ints["counter_int8"][:128], np.arange(128))
            self.assertTrue((ints["counter_int8"][127:] == 127).all(), "int8 saturates at 127")
            self.assertTrue((ints["counter_uint8"][255:] == 255).all(), "uint8 saturates at 255")
            np.testing.assert_array_equal(ints["counter_int64"][...], np.arange(300))
            np.testing.assert_array_equal(
                ints["counter_vec"][...], np.repeat(np.arange(300)[:, None], 3, axis=1))
            np.testing.assert_array_equal(
                ints["counter_mat"][...],
                np.broadcast_to(np.arange(300)[:, None, None], (300, 2, 2)))
            # 100 - 0.5 i: 99.5 -> 100 (ties to even), 98.5 -> 98; negative values -> 0.
            self.assertEqual(list(ints["down_u8"][:4]), [100, 100, 99, 98])
            self.assertTrue((ints["down_u8"][200:] == 0).all())
            self.assertEqual(int(ints["big_i64"][-1]), np.iinfo(np.int64).max)
            self.assertEqual(int(ints["big_u64"][-1]), np.iinfo(np.uint64).max)
            self.assertEqual(int(ints["sine_i16"][...].max()), 32767)
            self.assertEqual(int(ints["sine_i16"][...].min()), -32768)
            mixed = f["mixed"]
            np.testing.assert_array_equal(mixed["counter"][...], np.arange(3000))
            self.assertEqual(list(mixed["counter_bool"][:3]), [False, True, True])
            door = mixed["door"][...]
            self.assertFalse(door[:1500].any())
            self.assertTrue(door[1500:].all())
            self.assertEqual(list(f["slow"]["step_i8"][...]), [-5] * 5 + [7] * 4)

    def test_sine_formula_with_i_over_rate(self):
        """sine = offset + amplitude * sin(2 pi (f t + c / n)) with t = i / rate_hz computed in
        float64 and cast to float32 matches the stored float32 values to at most 1 ulp (with
        these parameters they are all equal). The bit-exact check above uses the sampler's
        t = offset_ns(i) * 1e-9, which differs from i / rate_hz in the last bit for many rows:
        in float64 the two formulas then differ by ~1e-13 (thousands of ulps near zero), so the
        float64 channel is only checked to 1e-12 * amplitude here."""
        group = {"name": "s", "rate_hz": 1000, "channels": [
            {"name": "f32", "sensor": "sine", "dtype": "float32", "shape": [3],
             "params": {"amplitude": 9.81, "frequency_hz": 2.0, "offset": 0.5}},
            {"name": "f32_zero", "sensor": "sine", "dtype": "float32", "shape": [2, 2],
             "params": {"amplitude": 1.0, "frequency_hz": 5.0}},
            {"name": "f64", "sensor": "sine", "dtype": "float64", "shape": [2, 2],
             "params": {"amplitude": 3.0, "frequency_hz": 13.0}}]}
        _, path, _ = self.record_ok([group], 2)
        rows = 2000
        with lib.open_recording(path) as f:
            for name, amplitude, frequency, offset, shape, dtype in (
                    ("f32", 9.81, 2.0, 0.5, (3,), np.float32),
                    ("f32_zero", 1.0, 5.0, 0.0, (2, 2), np.float32),
                    ("f64", 3.0, 13.0, 0.0, (2, 2), np.float64)):
                n = int(np.prod(shape))
                expected = np.empty((rows, n), dtype=np.float64)
                for i in range(rows):
                    t = i / 1000
                    for c in range(n):
                        expected[i, c] = offset + amplitude * math.sin(
                            2 * math.pi * (frequency * t + c / n))
                got = f["s"][name][...].reshape(rows, n)
                if dtype is np.float32:
                    # Where the sine crosses zero the true value is ~1e-16 and the two formulas
                    # give different tiny numbers (even of opposite sign): compare absolutely.
                    near_zero = np.abs(expected) < 1e-12 * amplitude
                    ulps = np.abs(got.view(np.int32).astype(np.int64)
                                  - expected.astype(np.float32).view(np.int32).astype(np.int64))
                    self.assertLessEqual(int(ulps[~near_zero].max()), 1, name)
                    self.assertLessEqual(
                        float(np.abs(got[near_zero] - expected[near_zero]).max(initial=0)),
                        1e-12 * amplitude, name)
                else:
                    self.assertLessEqual(float(np.abs(got - expected).max()), 1e-12 * amplitude)

    def test_time_column_rounds_to_nearest_ns(self):
        """8.192 Hz: the period is 122070312.5 ns, so every odd row's offset is a tie, rounded up;
        3 Hz: a period that is not a whole number of ns."""
        groups = [lib.counter_group("tie", rate_hz=8.192), lib.counter_group("third", rate_hz=3)]
        _, path, _ = self.record_ok(groups, 125)
        with lib.open_recording(path) as f:
            self.check_time(f, "tie", 8.192, 1024, t0=lib.VIRTUAL_EPOCH_NS)
            self.check_time(f, "third", 3, 375, t0=lib.VIRTUAL_EPOCH_NS)
            t = f["tie"]["time"][:3] - lib.VIRTUAL_EPOCH_NS
            self.assertEqual(list(t), [0, 122070313, 244140625])
            self.assertEqual(int(f["tie"]["time"][-1]) - lib.VIRTUAL_EPOCH_NS,
                             (1023 * 10**12 + 4096) // 8192)
            np.testing.assert_array_equal(f["tie"]["c0"][...], np.arange(1024))

    def test_layout_chunking_and_attributes(self):
        groups = [
            {"name": "fast", "rate_hz": 500, "channels": [
                {"name": "counter", "sensor": "counter", "dtype": "int64", "units": "1",
                 "description": "row index: row i holds i"},
                {"name": "vec", "sensor": "sine", "dtype": "float32", "shape": [3],
                 "units": "m/s^2", "description": "three axes"},
                {"name": "mat", "sensor": "counter", "dtype": "uint16", "shape": [2, 2],
                 "units": "counts", "description": "a 2x2 matrix per sample"}]},
            {"name": "wide", "rate_hz": 20, "channels": [
                {"name": "big", "sensor": "noise", "dtype": "float64", "shape": [40, 5],
                 "units": "V", "description": "a 40x5 matrix per sample"}]},
            {"name": "slow", "rate_hz": 4, "channels": [
                {"name": "flag", "sensor": "step", "dtype": "bool", "units": "",
                 "description": "one byte per sample"}]},
        ]
        config, path, _ = self.record_ok(groups, 1.5, chunk_bytes=4096,
                                         checkpoint_interval=0.5, status_interval=0.25)
        self.assertEqual(path.name, "test-dev_20260101T000000Z.h5")
        with lib.open_recording(path) as f:
            # Root attributes.
            a = f.attrs
            self.assertEqual(int(a["h5rec_format"]), 1)
            version = lib.attr_text(a["h5rec_version"])
            self.assertRegex(version, r"^\d+\.\d+\.\d+")
            self.assertEqual(lib.attr_text(a["device_id"]), "test-dev")
            self.assertEqual(lib.attr_text(a["start_time_utc"]), lib.VIRTUAL_EPOCH_ISO)
            self.assertEqual(lib.attr_text(a["config"]), config.read_text())
            self.assertEqual(int(a["segment"]), 1)  # the first segment of the run
            self.assertEqual(lib.attr_text(a["previous_segment"]), "")
            self.assertEqual(float(a["checkpoint_interval_s"]), 0.5)
            # Simulated time says so, and what the command line changed is kept beside the config.
            self.assertTrue(lib.attr_text(a["time_source"]).startswith("virtual: simulated time"))
            self.assertIn("duration = 1.5", lib.attr_text(a["config_overrides"]))
            # Groups in config order, then _status.
            self.assertEqual(set(f.keys()), {"fast", "wide", "slow", "_status"})
            self.assertEqual(float(f["fast"].attrs["rate_hz"]), 500.0)
            self.assertEqual(float(f["wide"].attrs["rate_hz"]), 20.0)
            self.assertEqual(float(f["slow"].attrs["rate_hz"]), 4.0)
            # Chunks hold checkpoint_interval / 8 of rows (fast: 500 Hz * 0.5 s / 8 -> 32), at
            # least 16 (slow), at most chunk_bytes of the widest row (wide: 4096 // 1600 -> 2).
            chunk_rows = {"fast": 32, "wide": 2, "slow": 16}
            for group in groups:
                widest = max([8] + [
                    np.dtype(numpy_dtype(c["dtype"])).itemsize * int(np.prod(c.get("shape") or [1]))
                    for c in group["channels"]])
                self.assertEqual(chunk_rows[group["name"]],
                                 lib.chunk_rows_for(group["rate_hz"], 0.5, widest, 4096))
            for group in groups:
                g = f[group["name"]]
                columns = [{"name": "time", "dtype": "int64", "units": "ns"}] + group["channels"]
                for column in columns:
                    dset = g[column["name"]]
                    shape = tuple(column.get("shape") or ())
                    where = "%s/%s" % (group["name"], column["name"])
                    self.assertEqual(dset.chunks, (chunk_rows[group["name"]],) + shape, where)
                    self.assertEqual(dset.maxshape, (None,) + shape, where)
                    self.assertIsNone(dset.compression, where)
                    self.assertEqual(lib.attr_text(dset.attrs["units"]), column["units"], where)
                    self.assertIn("description", dset.attrs, where)
                    if column["name"] == "time":
                        self.assertNotIn("sensor", dset.attrs, where)
                        continue
                    self.assertEqual(lib.attr_text(dset.attrs["description"]),
                                     column["description"], where)
                    self.assertEqual(lib.attr_text(dset.attrs["sensor"]), column["sensor"], where)
            self.assertEqual(f["fast"]["counter"].shape, (750,))
            self.assertEqual(f["wide"]["big"].shape, (30, 40, 5))
            self.assertEqual(f["slow"]["flag"].shape, (6,))

            # /_status: one health row per status interval, nothing dropped or failed.
            status = f["_status"]
            self.assertAlmostEqual(float(status.attrs["rate_hz"]), 4.0)
            columns = ["time", "storage_free_bytes", "checkpoint_duration_ns", "checkpoints",
                       "storage_errors", "recording_ended"]
            per_channel = {}  # <group>_channel_errors: one value per channel of the group
            for group in groups:
                name = group["name"]
                columns += [name + "_rows_due", name + "_dropped_rows", name + "_ring_high_water",
                            name + "_sensor_errors"]
                per_channel[name + "_channel_errors"] = [c["name"] for c in group["channels"]]
            self.assertEqual(set(status.keys()), set(columns) | set(per_channel))
            rows = status["time"].shape[0]
            self.assertGreaterEqual(rows, 6)  # 1.5 s / 0.25 s
            # Only the last row, written once the recording stopped, has the final counts.
            self.assertEqual(status["recording_ended"][:].tolist(), [0] * (rows - 1) + [1])
            self.assertEqual(int(status["fast_rows_due"][-1]), 750)
            self.assertEqual(int(status["slow_rows_due"][-1]), 6)
            # Same chunk rule as data groups, chunks of at most 4 KiB, for the widest status row.
            widest = 8 * max(len(names) for names in per_channel.values())
            for column in columns + list(per_channel):
                dset = status[column]
                shape = (len(per_channel[column]),) if column in per_channel else ()
                self.assertEqual(dset.shape, (rows,) + shape, column)
                self.assertEqual(dset.maxshape, (None,) + shape, column)
                self.assertEqual(dset.chunks, (lib.chunk_rows_for(4.0, 0.5, widest, 4096),) + shape,
                                 column)
                self.assertIn("units", dset.attrs, column)
                self.assertIn("description", dset.attrs, column)
            for column, names in per_channel.items():
                self.assertEqual(lib.attr_text(status[column].attrs["channels"]), ",".join(names))
            for column in ["storage_errors"] + [c for c in columns if "errors" in c or
                                                "dropped" in c] + list(per_channel):
                self.assertTrue((status[column][...] == 0).all(), column)
            t = status["time"][...]
            self.assertTrue((np.diff(t) >= 0).all())
            self.assertEqual(int(t[0]), lib.VIRTUAL_EPOCH_NS)
            self.assertTrue((np.diff(status["checkpoints"][...].astype(np.int64)) >= 0).all())
            self.assertGreater(int(status["storage_free_bytes"][0]), 0)

    def test_real_clock_16_channels_at_1khz(self):
        """No --virtual-clock: 16 counters at 1 kHz for 3 s, every row due stored or counted as
        dropped, every stored row exact.

        Not "0 dropped": the ring (ring_seconds, 10 s by default: 10 000 rows here) covers any
        plausible storage stall, but a sampler thread held off the CPU for over a second (a
        loaded machine, sanitizers, qemu) skips the rows it missed (Sampler::kMaxLatenessNs) and
        counts them; the recorder then exits 3. What it promises is the accounting."""
        duration = 3
        groups = [lib.counter_group("fast", rate_hz=1000, channels=16)]
        out = self.tmp / "out"
        config = lib.write_config(self.tmp, groups, output_dir=str(out), checkpoint_interval=0.25)
        proc = lib.record(config, duration=duration, virtual_clock=False, cwd=self.tmp)
        self.assertNoCrash(proc)
        path = lib.find_recording(out)
        summary = lib.parse_record_summary(proc.stdout)
        self.assertEqual(summary["path"], str(path), proc.stdout)
        rows = 1000 * duration
        fast = summary["groups"]["fast"]
        self.assertExit(proc, lib.record_exit(fast["dropped"]))
        self.assertEqual(fast["due"], rows, summary)
        self.assertEqual(fast["stored"] + fast["dropped"], rows, summary)
        # In the file (check_chain): each row's counter values are its index and its time is on
        # the schedule (one t0); the indices missing are the /_status drops, as summarised.
        checked = verify_segments.check_chain([path], due={"fast": rows},
                                              stored_want={"fast": fast["stored"]},
                                              dropped_want={"fast": fast["dropped"]},
                                              log=lambda line: None)["fast"]
        with lib.open_recording(path) as f:
            indices = checked["indices"]
            for k in range(16):
                got = f["fast"]["c%d" % k][...]
                np.testing.assert_array_equal(got, indices.astype(got.dtype), "fast/c%d" % k)
            self.assertEqual(int(f["_status"]["fast_dropped_rows"][-1]), fast["dropped"])
            self.assertTrue((f["_status"]["storage_errors"][...] == 0).all())
            # Real time: the recording started within a day of now, not at the virtual epoch.
            t0 = int(f["fast"]["time"][0])
            self.assertGreater(t0, lib.VIRTUAL_EPOCH_NS - 10**18)
            self.assertNotEqual(lib.attr_text(f.attrs["start_time_utc"]), lib.VIRTUAL_EPOCH_ISO)
            self.assertEqual(lib.attr_text(f.attrs["time_source"]), "system clock")

    @unittest.skipIf(shutil.which("h5dump") is None, "h5dump (hdf5-tools) not installed")
    def test_h5dump_reads_recording(self):
        groups = [
            {"name": "fast", "rate_hz": 1000, "channels": [
                {"name": "counter", "sensor": "counter", "dtype": "int64"},
                {"name": "accel", "sensor": "sine", "dtype": "float32", "shape": [3]}]},
        ]
        _, path, _ = self.record_ok(groups, 1.5)
        proc = subprocess.run(["h5dump", "-d", "/fast/counter", str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=60, env=lib.child_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn('DATASET "/fast/counter"', proc.stdout)
        self.assertIn("H5T_STD_I64LE", proc.stdout)
        self.assertIn("( 1500 ) / ( H5S_UNLIMITED )", proc.stdout)
        data = re.search(r"\bDATA \{\n(.*?)\n\s*\}", proc.stdout, re.S)
        self.assertIsNotNone(data, proc.stdout[:2000])
        text = re.sub(r"\(\d+\):", " ", data.group(1))
        values = [int(v) for v in text.replace(",", " ").split()]
        self.assertEqual(values, list(range(1500)))
        # The whole file too (every group, attribute and the 2-D float dataset).
        whole = subprocess.run(["h5dump", "-H", str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=60,
                               env=lib.child_env())
        self.assertEqual(whole.returncode, 0, whole.stderr)
        self.assertIn("( 1500, 3 ) / ( H5S_UNLIMITED, 3 )", whole.stdout)

    def test_duration_and_output_flags_override_config(self):
        from_config = self.tmp / "from_config"
        from_cli = self.tmp / "from_cli"
        config = lib.write_config(self.tmp, [lib.counter_group("g", rate_hz=200)],
                                  output_dir=str(from_config))
        proc = lib.record(config, duration=0.5, output=from_cli, cwd=self.tmp)
        self.assertExit(proc, 0)
        self.assertFalse(from_config.exists(), "output_dir of the config was used")
        path = lib.find_recording(from_cli)
        with lib.open_recording(path) as f:
            np.testing.assert_array_equal(f["g"]["c0"][...], np.arange(100))
        proc = lib.record(config, duration=2.25, output=self.tmp / "second", cwd=self.tmp)
        self.assertExit(proc, 0)
        with lib.open_recording(lib.find_recording(self.tmp / "second")) as f:
            self.assertEqual(f["g"]["c0"].shape, (450,))
            self.assertEqual(f["g"]["time"].shape, (450,))
        # Without --output the config's output_dir is used (created if missing).
        proc = lib.record(config, duration=1, cwd=self.tmp)
        self.assertExit(proc, 0)
        with lib.open_recording(lib.find_recording(from_config)) as f:
            self.assertEqual(f["g"]["c0"].shape, (200,))

    def test_second_recording_in_same_second_gets_new_name(self):
        config = lib.write_config(self.tmp, [lib.counter_group("g", rate_hz=10)],
                                  output_dir=str(self.tmp / "out"))
        for _ in range(2):
            self.assertExit(lib.record(config, duration=1, cwd=self.tmp), 0)
        names = sorted(p.name for p in lib.h5_files(self.tmp / "out"))
        self.assertEqual(names, ["test-dev_20260101T000000Z.h5", "test-dev_20260101T000000Z_1.h5"])

    def test_version(self):
        proc = lib.run_h5rec("--version")
        self.assertExit(proc, 0)
        self.assertRegex(proc.stdout.strip(), r"^h5rec \d+\.\d+\.\d+")
        # The version written into recordings is the same.
        config = lib.write_config(self.tmp, [lib.counter_group("g", rate_hz=10)],
                                  output_dir=str(self.tmp / "out"))
        self.assertExit(lib.record(config, duration=0.5, cwd=self.tmp), 0)
        with lib.open_recording(lib.find_recording(self.tmp / "out")) as f:
            self.assertEqual("h5rec " + lib.attr_text(f.attrs["h5rec_version"]),
                             proc.stdout.strip())

    def test_usage_errors_exit_64(self):
        config = lib.write_config(self.tmp, [lib.counter_group("g", rate_hz=10)],
                                  output_dir=str(self.tmp / "out"))
        # (label, arguments, what the message must say)
        cases = [
            ("no subcommand", [], "no subcommand given; one of: record, info"),
            ("unknown subcommand", ["recordz", config], "unknown subcommand 'recordz'"),
            ("unknown option", ["--frobnicate"], "frobnicate"),
            ("unknown record option", ["record", config, "--frobnicate"], "frobnicate"),
            ("unknown info option", ["info", "x.h5", "--bogus"], "bogus"),
            ("record without CONFIG", ["record"], "CONFIG"),
            ("non-numeric duration", ["record", config, "--duration", "soon"], "soon"),
            ("zero duration", ["record", config, "--duration", "0"],
             "--duration must be a number of seconds above 0"),
            ("negative duration", ["record", config, "--duration", "-1"],
             "--duration must be a number of seconds above 0"),
            ("tail -n not a number", ["tail", "x.h5", "-n", "many"], "many"),
        ]
        for label, args, says in cases:
            with self.subTest(label):
                proc = lib.run_h5rec(*args, cwd=self.tmp)
                self.assertExit(proc, 64)
                self.assertNoCrash(proc)
                self.assertIn(says, proc.stderr)
                self.assertNotIn("A subcommand is required", proc.stderr)
                # The audit saw a 309-digit range for --duration 0.
                self.assertLess(max(len(line) for line in proc.stderr.splitlines()), 200,
                                proc.stderr)
        self.assertFalse((self.tmp / "out").exists(), "a usage error started a recording")

    def test_help_exits_0(self):
        proc = lib.run_h5rec("--help")
        self.assertExit(proc, 0)
        for word in ("record", "info", "tail"):
            self.assertIn(word, proc.stdout)



class RetentionTest(lib.RecorderTestCase):
    """The field audit's case: two devices whose ids share a prefix record into one directory."""

    def test_retention_deletes_only_this_devices_oldest_segments(self):
        out = self.tmp / "out"
        groups = [lib.counter_group("fast", 1000, channels=2)]
        other = lib.write_config(self.tmp, groups, name="other.toml", device_id="st_b",
                                 output_dir=str(out), segment_duration=1.0)
        proc = lib.record(other, duration=3, cwd=self.tmp)
        self.assertExit(proc, lib.EXIT_OK)
        other_files = {p.name: p.read_bytes() for p in out.glob("st_b_*.h5")}
        self.assertGreaterEqual(len(other_files), 3, lib.describe(proc))
        one_segment = max(len(b) for b in other_files.values())
        config = lib.write_config(self.tmp, groups, name="st.toml", device_id="st",
                                  output_dir=str(out), segment_duration=1.0,
                                  max_total_bytes=3 * one_segment)
        proc = lib.record(config, duration=8, cwd=self.tmp)
        self.assertExit(proc, lib.EXIT_OK)
        self.assertEqual({p.name: p.read_bytes() for p in out.glob("st_b_*.h5")}, other_files,
                         "retention for 'st' touched a segment of 'st_b'")
        summary = lib.parse_record_summary(proc.stdout)
        self.assertGreaterEqual(len(summary["deleted"]), 2, lib.describe(proc))
        for path in summary["paths"]:
            self.assertEqual(pathlib.Path(path).exists(), path not in summary["deleted"], path)
        self.assertIn("to keep this device's segments under max_total_bytes", proc.stderr)
        self.assertNotIn("to keep min_free_bytes", proc.stderr)
        mine = sum(p.stat().st_size for p in out.glob("st_2*.h5"))
        self.assertLessEqual(mine, 3 * one_segment)

if __name__ == "__main__":
    unittest.main()
