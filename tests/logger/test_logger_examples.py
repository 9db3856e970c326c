"""The logger examples produce what they say: examples/walkthrough.cpp (h5logger's README
walkthrough: data["number"] has shape (10,) and holds the printed values) and
examples/c_example.c (count, imu/accel, events)."""

import unittest

import h5py
import numpy as np

from h5rec_test import logger_lib as lib


class ExamplesTest(lib.LoggerTestCase):

    def walkthrough(self, path, seed):
        proc = lib.run(lib.WALKTHROUGH, path, seed)
        self.assertRanOk(proc)
        printed = [int(line) for line in lib.decode(proc.stdout).split()]
        self.assertEqual(len(printed), 10, lib.describe(proc))
        self.assertTrue(set(printed) <= {0, 1}, printed)
        return printed

    def test_walkthrough(self):
        path = self.path("saved_data.h5")
        runs = []
        for seed in (42, 7, 42):  # replace_if_exists: every run starts a fresh file
            printed = self.walkthrough(path, seed)
            runs.append(printed)
            with h5py.File(path, "r") as data:
                self.assertEqual(list(data.keys()), ["number"])
                number = data["number"]
                self.assertEqual(number.shape, (10,))
                self.assertEqual(number.dtype, np.dtype("<i8"))
                self.assertEqual(number[:].tolist(), printed)
        self.assertEqual(runs[0], runs[2], "the same seed logs the same values")

    def test_c_example(self):
        path = self.path("c_example.h5")
        proc = lib.run(lib.C_EXAMPLE, path)
        self.assertRanOk(proc)
        lines = lib.decode(proc.stdout).splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[0].startswith(
            "logging a double to count: value type differs from the dataset's ("), lines[0])
        self.assertIn("'count'", lines[0])
        self.assertIn(path, lines[0])
        self.assertEqual(lines[1], "logged 100 rows of count and imu/accel, 4 events to " + path)
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), ["count", "events", "imu/accel"])
            count = f["count"]
            self.assertEqual(count.dtype, np.dtype("<i4"))
            np.testing.assert_array_equal(count[:], np.arange(100, dtype="<i4"))
            accel = f["imu/accel"]
            self.assertEqual(accel.dtype, np.dtype("<f4"))
            self.assertEqual(accel.shape, (100, 3))
            i = np.arange(100, dtype=np.float32)
            want = np.stack([np.float32(0.5) * i, np.float32(-1.0) * i,
                             np.full(100, 9.81, np.float32)], axis=1)
            self.assertTrue(np.array_equal(accel[:].view("<u4"), want.view("<u4")))
            self.assertEqual(lib.read_strings(f["events"]), ["quarter mark"] * 4)


if __name__ == "__main__":
    unittest.main()
