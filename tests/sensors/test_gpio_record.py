"""End to end: `h5rec record --virtual-clock` of pulse counters on the sim GPIO line, read back
with h5py and compared exactly with an independent computation of the pulse train and of the
per-interval counts (gpio_oracle.py); dropped edges and a failing line."""

import unittest

import numpy as np

from h5rec_test import gpio_oracle as oracle
from h5rec_test import recorder_lib as lib

RATE_HZ = 10
SIM = {"sim_frequency_low": 0.5, "sim_frequency_high": 400, "sim_sweep_s": 8}


def counter(name, **params):
    p = {"chip": "sim", "line": 4}
    p.update(SIM)
    p.update(params)
    return {"name": name, "sensor": "gpio_counter", "params": p}


class GpioRecordTest(lib.RecorderTestCase):
    def record(self, channels, duration):
        config = lib.write_config(self.tmp, [{"name": "pulses", "rate_hz": RATE_HZ,
                                              "channels": channels}],
                                  output_dir=self.tmp / "out")
        proc = lib.record(config, duration=duration)
        self.assertNoCrash(proc)
        self.assertExit(proc, lib.EXIT_OK)
        f = lib.open_recording(lib.find_recording(self.tmp / "out"))
        self.addCleanup(f.close)
        return f

    def boundaries(self, f):
        t = f["pulses"]["time"][...].astype(np.int64)
        return [int(x) for x in t - t[0]]

    def assertCounts(self, got, want, scale=1.0, per_s=None, name=""):
        self.assertEqual(len(got), len(want), name)
        for i, (g, w) in enumerate(zip(got, want)):
            if w is None:
                self.assertTrue(np.isnan(g), "%s row %d: %r" % (name, i, g))
                continue
            value = float(w) * scale if per_s is None else float(w) / per_s * scale
            self.assertEqual(g, value, "%s row %d" % (name, i))

    def test_counts_frequency_and_scale_across_the_sweep(self):
        f = self.record([
            counter("rising"),
            counter("falling", edge="falling"),
            counter("both", edge="both"),
            counter("hz", output="frequency"),
            {**counter("rain", scale=0.2794, units="mm"), "dtype": "float32"},
        ], 8)
        b = self.boundaries(f)
        self.assertEqual(len(b), 8 * RATE_HZ)
        until = b[-1]
        group = f["pulses"]
        for name, kind in (("rising", "rising"), ("falling", "falling"), ("both", "both")):
            want = oracle.counts(oracle.edges(0.5, 400, 8_000_000_000, kind, until), b)
            self.assertCounts(group[name][...], want, name=name)
            self.assertEqual(lib.attr_text(group[name].attrs["units"]), "1")
            self.assertEqual(lib.attr_text(group[name].attrs["edge"]), kind)
        rising = oracle.counts(oracle.edges(0.5, 400, 8_000_000_000, "rising", until), b)
        self.assertGreater(max(c for c in rising if c is not None), 35)  # ~400 Hz at 4 s
        # Every row's interval is one period: 0.1 s (the boundaries are 100 ms apart exactly).
        self.assertEqual(set(np.diff(b)), {100_000_000})
        self.assertCounts(group["hz"][...], rising, per_s=(100_000_000 * 1e-9), name="hz")
        self.assertEqual(lib.attr_text(group["hz"].attrs["units"]), "Hz")
        rain = [None if c is None else float(np.float32(c * 0.2794)) for c in rising]
        self.assertCounts(group["rain"][...].astype(np.float64), rain, name="rain")
        self.assertEqual(lib.attr_text(group["rain"].attrs["units"]), "mm")
        self.assertEqual(float(group["rain"].attrs["scale"]), 0.2794)
        # Row 0 has no interval: NaN, but not an error.
        self.assertTrue((f["_status"]["pulses_channel_errors"][...] == 0).all())

    def test_dropped_edges_and_a_failing_line(self):
        f = self.record([
            counter("lossy", sim_lose_from=50, sim_lose_count=5),
            counter("failing", sim_fail_at_s=2.0, sim_fail_s=1.0),
        ], 5)
        b = self.boundaries(f)
        group = f["pulses"]
        all_edges = oracle.edges(0.5, 400, 8_000_000_000, "rising", b[-1])
        lossy = oracle.counts(all_edges, b, lost_seqnos=range(50, 55))
        self.assertEqual(sum(c is None for c in lossy), 2)  # row 0 and the row with the gap
        self.assertCounts(group["lossy"][...], lossy, name="lossy")
        # The failing line: reads fail from 2.0 s to 3.0 s (rows 20..29); the reopener thread
        # reopens it with back-off; the first row read after a reopen is NaN (no interval yet, no error).
        failing = group["failing"][...]
        full = oracle.counts(all_edges, b)
        errors = int(f["_status"]["pulses_channel_errors"][-1][1])
        self.assertEqual(int(f["_status"]["pulses_channel_errors"][-1][0]), 1)  # lossy's gap
        self.assertEqual(lib.attr_text(f["_status"]["pulses_channel_errors"].attrs["channels"]),
                         "lossy,failing")
        self.assertFalse(np.isnan(failing[1:20]).any())
        self.assertTrue(np.isnan(failing[20:30]).all())
        self.assertGreaterEqual(errors, 1)
        recovered = [i for i in range(30, len(b)) if not np.isnan(failing[i])]
        self.assertTrue(recovered, "the line was reopened")
        # After the reopen, every counted row matches the full pulse train's count.
        for i in recovered:
            self.assertEqual(failing[i], float(full[i]), "row %d" % i)
        # NaN rows after row 0: one per counted error, plus the first row after the reopen.
        self.assertEqual(int(np.isnan(failing[1:]).sum()), errors + 1)
        self.assertTrue(np.isnan(failing[recovered[0] - 1]))


if __name__ == "__main__":
    unittest.main()
