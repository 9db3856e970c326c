"""Appending (replace_if_exists = false): a later run continues every dataset where it ended,
including the partly filled last chunk; replace_if_exists = true starts a fresh file; files made
by h5py are continued when their datasets are chunked along an unlimited first dimension, and
the others are reported (kCannotAppend) without stopping the rest."""

import unittest

import h5py
import numpy as np

from h5rec_test import logger_lib as lib
from test_logger_roundtrip import matrix_datasets

MAX_STRING = 64


class AppendAcrossRunsTest(lib.LoggerTestCase):

    def test_second_run_continues_every_dataset(self):
        path = self.path()
        first_rows, second_rows = 611, 389  # not multiples of the chunk rows
        proc, out = lib.run_driver("--chunk-bytes", 256, "--max-string", MAX_STRING, path,
                                   "matrix", 0, first_rows, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kOk")
        self.assertStatus(out.status("close"), "kOk")
        datasets = matrix_datasets()
        with h5py.File(path, "r") as f:
            chunks = {name: f[name].chunks for name, _, _ in datasets}
        partial = [name for name, _, _ in datasets if first_rows % chunks[name][0] != 0]
        self.assertGreater(len(partial), len(datasets) // 2, "most end in a partial chunk")

        # A different chunk_bytes: existing datasets keep the chunking they have.
        proc, out = lib.run_driver("--chunk-bytes", 100, "--max-string", MAX_STRING, path,
                                   "keys", "matrix", first_rows, second_rows, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kOk", lib.describe(proc))
        self.assertEqual(out.line_starting("MATRIX"), "MATRIX %d failures 0" % second_rows,
                         lib.describe(proc))
        self.assertStatus(out.status("close"), "kOk")
        names = [name for name, _, _ in datasets]
        self.assertEqual(sorted(out.keys), sorted(names), "keys() lists the existing datasets")
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), sorted(names))
            for name, type_name, shape in datasets:
                with self.subTest(dataset=name):
                    dset = self.assertDataset(f, name, type_name, shape, 0,
                                              first_rows + second_rows, max_string=MAX_STRING)
                    self.assertEqual(dset.chunks, chunks[name])

    def test_many_short_runs(self):
        """Runs of 1..7 rows each, many of them: every run continues the partial chunk the last
        one left, for fixed-size and string datasets."""
        path = self.path()
        specs = [("i", "int32", "-"), ("v/f", "float32", "3"), ("v/b", "bool", "2"),
                 ("s", "string", "-")]
        total = 0
        for run_rows in [3, 1, 7, 2, 5, 1, 4, 6]:
            ops = []
            for name, type_name, shape in specs:
                ops += ["log", name, type_name, shape, total, run_rows]
            proc, out = lib.run_driver("--chunk-bytes", 40, "--max-string", MAX_STRING, path,
                                       *ops, "close")
            self.assertRanOk(proc)
            for s in out.statuses:
                self.assertEqual(s.code, "kOk", s)
            total += run_rows
        with h5py.File(path, "r") as f:
            for name, type_name, shape in specs:
                shape = () if shape == "-" else (int(shape),)
                self.assertDataset(f, name, type_name, shape, 0, total, max_string=MAX_STRING)

    def test_append_with_concurrent_readers(self):
        """A second run declares the existing datasets with concurrent_readers: SWMR is on at
        open, a reader sees the first run's rows at once and the new ones after flush()."""
        path = self.path()
        proc, _ = lib.run_driver("--chunk-bytes", 64, path, "log", "x", "int64", "-", 0, 45,
                                 "log", "y", "uint8", "3", 0, 20, "close")
        self.assertRanOk(proc)
        proc = lib.start(lib.DRIVER, "--concurrent", "--declare", "x:int64:-",
                         "--declare", "y:uint8:3", "--checkpoint", 1000, path,
                         "echo", "OPENED", "wait", "log", "x", "int64", "-", 45, 30,
                         "log", "y", "uint8", "3", 20, 1, "flush", "echo", "FLUSHED", "wait",
                         "log", "new", "int8", "-", 0, 1, "close")
        try:
            self.assertTrue(lib.decode(proc.stdout.readline()).startswith("OPEN kOk 1"))
            self.assertEqual(lib.decode(proc.stdout.readline()), "OPENED\n")
            with h5py.File(path, "r", libver="latest", swmr=True) as f:
                self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 45))
                proc.stdin.write(b"\n")
                proc.stdin.flush()
                self.assertEqual(lib.decode(proc.stdout.readline()), "STATUS log kOk 30 \n")
                self.assertEqual(lib.decode(proc.stdout.readline()), "STATUS log kOk 1 \n")
                self.assertEqual(lib.decode(proc.stdout.readline()), "STATUS flush kOk 0 \n")
                self.assertEqual(lib.decode(proc.stdout.readline()), "FLUSHED\n")
                f["x"].refresh()
                f["y"].refresh()
                self.assertValues(f["x"], "int64", lib.values("x", "int64", (), 0, 75))
                self.assertValues(f["y"], "uint8", lib.values("y", "uint8", (3,), 0, 21))
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            stdout, stderr = proc.communicate(timeout=lib.TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
        self.assertEqual(proc.returncode, 0, lib.decode(stderr))
        out = lib.DriverOutput(stdout)
        self.assertStatus(out.status("log"), "kNewNameAfterSwmr", "'new'")
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), ["x", "y"])
            self.assertDataset(f, "x", "int64", (), 0, 75)
            self.assertDataset(f, "y", "uint8", (3,), 0, 21)

    def test_keys_in_creation_order_after_append(self):
        """Regression: keys() is documented as "in creation order", but the datasets of an
        existing file come in name order (logger.cpp, Impl::discover_existing: H5Ovisit with
        H5_INDEX_NAME), although files h5rec creates track creation order."""
        path = self.path()
        order = ["zeta", "alpha", "mid/b", "mid/a"]
        ops = []
        for name in order:
            ops += ["log", name, "int8", "-", 0, 1]
        proc, out = lib.run_driver(path, *ops, "keys", "close")
        self.assertRanOk(proc)
        self.assertEqual(out.keys, order)
        proc, out = lib.run_driver(path, "keys", "log", "new", "int8", "-", 0, 1, "keys", "close")
        self.assertRanOk(proc)
        self.assertEqual(out.keys[:len(order)], order)
        self.assertEqual(out.keys[len(order):], order + ["new"])

    def test_replace_starts_a_fresh_file(self):
        path = self.path()
        for first in (0, 40):
            proc, _ = lib.run_driver("--chunk-bytes", 64, path,
                                     "log", "x/a", "int16", "2", first, 40,
                                     "log", "x/s", "string", "-", first, 40, "close")
            self.assertRanOk(proc)
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "x/a", "int16", (2,), 0, 80)
        proc, out = lib.run_driver("--replace", "--chunk-bytes", 64, path,
                                   "keys", "log", "x/a", "int16", "2", 0, 15, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.keys, [], "a replaced file has no datasets")
        with h5py.File(path, "r") as f:
            self.assertEqual(lib.dataset_names(f), ["x/a"])
            self.assertDataset(f, "x/a", "int16", (2,), 0, 15)

    def test_replace_on_a_missing_file_creates_it(self):
        path = self.path("new.h5")
        proc, out = lib.run_driver("--replace", path, "log", "n", "uint8", "-", 0, 3, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "n", "uint8", (), 0, 3)


class AppendToH5pyFileTest(lib.LoggerTestCase):
    """A file written by h5py (default, oldest file format), then continued by the logger."""

    GOOD = [  # name, type, shape, rows written by h5py, h5py chunk rows
        ("h/i32", "int32", (), 37, 16),
        ("h/f64x3", "float64", (3,), 21, 8),
        ("h/bool", "bool", (), 10, 4),
        ("h/u16", "uint16", (2, 2), 5, 3),
        ("h/exact", "int8", (), 32, 16),      # ends on a chunk boundary
        ("h/empty", "float32", (), 0, 10),    # no rows yet
        ("h/text", "string", (), 6, 4),
    ]

    def make_h5py_file(self, path):
        with h5py.File(path, "w") as f:
            for name, type_name, shape, rows, chunk_rows in self.GOOD:
                if type_name == "string":
                    f.create_dataset(name, data=lib.texts(0, rows, 255), dtype=h5py.string_dtype(),
                                     chunks=(chunk_rows,), maxshape=(None,))
                else:
                    f.create_dataset(name, data=lib.values(name, type_name, shape, 0, rows),
                                     dtype=lib.NUMPY_DTYPE[type_name],
                                     chunks=(chunk_rows,) + shape, maxshape=(None,) + shape)
            ints = np.arange(10, dtype="<i4")
            f.create_dataset("bad/gzip", data=ints, chunks=(5,), maxshape=(None,),
                             compression="gzip")
            f.create_dataset("bad/shuffle", data=ints, chunks=(5,), maxshape=(None,), shuffle=True)
            f.create_dataset("bad/contiguous", data=ints)
            f.create_dataset("bad/fixed", data=ints, chunks=(5,), maxshape=(10,))
            f.create_dataset("bad/split", data=np.zeros((6, 4), "<f4"), chunks=(3, 2),
                             maxshape=(None, 4))
            f.create_dataset("bad/big_endian", data=ints.astype(">i4"), chunks=(5,),
                             maxshape=(None,))
            f.create_dataset("bad/float16", data=ints.astype("<f2"), chunks=(5,), maxshape=(None,))
            f.create_dataset("bad/fixed_string", data=[b"abc"] * 10, dtype="S8", chunks=(5,),
                             maxshape=(None,))
            f.create_dataset("bad/compound", data=np.zeros(10, "<i4,<f8"), chunks=(5,),
                             maxshape=(None,))
            f.create_dataset("bad/enum", data=np.zeros(10, "i1"), chunks=(5,), maxshape=(None,),
                             dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, "i1"))
            f["bad/scalar"] = 5
            f["h"].attrs["note"] = "written by h5py"

    BAD = ["bad/gzip", "bad/shuffle", "bad/contiguous", "bad/fixed", "bad/split",
           "bad/big_endian", "bad/float16", "bad/fixed_string", "bad/compound", "bad/enum",
           "bad/scalar"]
    # What each is logged as: the type it looks like (the logger must still refuse it).
    BAD_AS = {"bad/split": ("float32", "4"), "bad/float16": ("float32", "-"),
              "bad/fixed_string": ("string", "-"), "bad/compound": ("float64", "-"),
              "bad/enum": ("int8", "-")}

    def test_continues_h5py_datasets_and_reports_the_others(self):
        path = self.path()
        self.make_h5py_file(path)
        with h5py.File(path, "r") as f:
            bad_before = {name: f[name][...] for name in self.BAD}
        added = 23
        ops = ["keys"]
        for name, type_name, shape, rows, _ in self.GOOD:
            ops += ["log", name, type_name, "x".join(map(str, shape)) or "-", rows, added]
        for name in self.BAD:
            ops += ["log", name, *self.BAD_AS.get(name, ("int32", "-")), 0, 1]
        # After the failures: the good datasets still take rows, new ones can be created.
        ops += ["log", "h/i32", "int32", "-", 37 + added, 5,
                "log", "new/x", "float32", "2", 0, 9,
                "log", "h/i32", "float64", "-", 0, 1,    # type mismatch on an h5py dataset
                "log", "h/f64x3", "float64", "4", 0, 1,  # shape mismatch
                # h5py's default (oldest) file format cannot do SWMR: an error, not a crash,
                # and logging goes on.
                "enable", "log", "h/i32", "int32", "-", 37 + added + 5, 2,
                "close"]
        proc, out = lib.run_driver("--chunk-bytes", 64, path, *ops)
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kOk", lib.describe(proc))
        self.assertEqual(sorted(out.keys),
                         sorted([g[0] for g in self.GOOD] + self.BAD))
        logs = [s for s in out.statuses if s.op == "log"]
        for (name, _, _, _, _), s in zip(self.GOOD, logs[:len(self.GOOD)]):
            self.assertStatus(s, "kOk")
            self.assertEqual(s.rows, added, name)
        for name, s in zip(self.BAD, logs[len(self.GOOD):len(self.GOOD) + len(self.BAD)]):
            with self.subTest(dataset=name):
                self.assertStatus(s, "kCannotAppend", name, path)
                self.assertEqual(s.rows, 0)
        rest = logs[len(self.GOOD) + len(self.BAD):]
        self.assertStatus(rest[0], "kOk")
        self.assertStatus(rest[1], "kOk")
        self.assertStatus(rest[2], "kTypeMismatch", "h/i32", "int32", "float64")
        self.assertStatus(rest[3], "kShapeMismatch", "h/f64x3", "(3,)", "(4,)")
        self.assertStatus(out.status("enable"), "kIo", path, "SWMR")
        self.assertStatus(rest[4], "kOk")
        self.assertStatus(out.status("close"), "kOk")

        with h5py.File(path, "r") as f:
            for name, type_name, shape, rows, chunk_rows in self.GOOD:
                with self.subTest(dataset=name):
                    total = rows + added + (7 if name == "h/i32" else 0)
                    dset = self.assertDataset(f, name, type_name, shape, 0, total)
                    self.assertEqual(dset.chunks, (chunk_rows,) + shape)
            for name in self.BAD:
                with self.subTest(dataset=name):
                    np.testing.assert_array_equal(f[name][...], bad_before[name])
                    self.assertEqual(f[name].shape, bad_before[name].shape)
            self.assertDataset(f, "new/x", "float32", (2,), 0, 9)
            self.assertEqual(f["h"].attrs["note"], "written by h5py")


    def test_failed_open_leaves_the_file_unchanged(self):
        """Regression: an open that fails after creating the declared datasets leaves them in the
        existing file (logger.cpp, Impl::open_file creates Options::datasets, then fails):
        concurrent_readers on an h5py (old format) file fails with kIo (no SWMR before
        superblock 3), and a later invalid declared name fails with kInvalidName, yet the
        user's file gained the earlier declared datasets."""
        path = self.path()
        self.make_h5py_file(path)
        with h5py.File(path, "r") as f:
            before = sorted(lib.dataset_names(f))
        proc, out = lib.run_driver("--concurrent", "--declare", "declared/x:int8:-", path,
                                   "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kIo")
        self.assertIn("SWMR", out.open_message)
        proc, out = lib.run_driver("--declare", "declared/y:int8:-", "--declare", "a//b:int8:-",
                                   path, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kInvalidName")
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), before)
            self.assertNotIn("declared", f)


if __name__ == "__main__":
    unittest.main()
