"""Round trips: values logged through every h5rec::Logger overload, for every element type, read
back bit-exactly by h5py (names, dtypes, shapes, chunking, values)."""

import subprocess
import unittest

import h5py
import numpy as np

from h5rec_test import logger_lib as lib

ROWS = 997          # prime: never a whole number of chunks (unless one row per chunk)
CHUNK_BYTES = 256   # small chunks: most datasets get several full chunks and a partial one
MAX_STRING = 64


def matrix_datasets():
    """(name, type, shape) of what `matrix` logs, in creation order (logger_driver.cpp)."""
    out = []
    for t in lib.NUMERIC_TYPES:
        out += [("scalar/" + t, t, ()), ("array/" + t, t, (3,)), ("nested/" + t, t, (2, 3)),
                ("nested3/" + t, t, (2, 3, 4)), ("span_const/" + t, t, (5,)),
                ("span/" + t, t, (2,))]
        if t != "bool":
            out.append(("vector/" + t, t, (6,)))
        out += [("ptr1/" + t, t, (7,)), ("ptr2/" + t, t, (2, 5)), ("ptr3/" + t, t, (3, 2, 2)),
                ("raw/" + t, t, (4,))]
    out += [("train/loss", "float32", ()), ("train/step", "int64", ()),
            ("a/b/c", "uint16", (2,)), ("utf8/größe", "int32", ()),
            ("text/view", "string", ()), ("text/cstr", "string", ()),
            ("text/string", "string", ())]
    return out


def row_bytes(type_name, shape):
    if type_name == "string":
        return MAX_STRING + 1
    return np.dtype(lib.NUMPY_DTYPE[type_name]).itemsize * int(np.prod(shape, dtype=np.int64))


class RoundTripTest(lib.LoggerTestCase):

    def test_every_overload_and_type(self):
        path = self.path()
        proc, out = lib.run_driver("--replace", "--chunk-bytes", CHUNK_BYTES,
                                   "--max-string", MAX_STRING, path,
                                   "matrix", 0, ROWS, "keys", "close")
        self.assertRanOk(proc)
        self.assertEqual(out.line_starting("MATRIX"), "MATRIX %d failures 0" % ROWS,
                         lib.describe(proc))
        self.assertStatus(out.status("close"), "kOk")
        datasets = matrix_datasets()
        names = [name for name, _, _ in datasets]
        self.assertEqual(out.keys, names, "keys() lists every dataset in creation order")
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), sorted(names))
            for group in ("scalar", "nested3", "train", "a", "a/b", "utf8", "text"):
                self.assertIsInstance(f[group], h5py.Group, group)
            for name, type_name, shape in datasets:
                with self.subTest(dataset=name):
                    dset = self.assertDataset(f, name, type_name, shape, 0, ROWS,
                                              max_string=MAX_STRING)
                    chunk_rows = dset.chunks[0]
                    self.assertGreaterEqual(chunk_rows, 1)
                    # chunk_bytes bounds the chunk unless a single row is bigger.
                    if chunk_rows > 1:
                        self.assertLessEqual(chunk_rows * row_bytes(type_name, shape), CHUNK_BYTES)
                    # Several chunks; the last one partial unless rows are chunks.
                    self.assertGreaterEqual(-(-ROWS // chunk_rows), 3)
                    if chunk_rows > 1:
                        self.assertNotEqual(ROWS % chunk_rows, 0)

    def test_h5dump_reads_the_file(self):
        """A second reader, HDF5's own h5dump, parses the file and sees UTF-8 strings and the
        bool enum."""
        path = self.path()
        proc, out = lib.run_driver("--replace", "--chunk-bytes", CHUNK_BYTES,
                                   "--max-string", MAX_STRING, path, "matrix", 0, 30, "close")
        self.assertRanOk(proc)
        dump = subprocess.run(["h5dump", "-H", path], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=lib.TIMEOUT_S, env=lib.child_env())
        self.assertEqual(dump.returncode, 0, lib.decode(dump.stderr))
        header = lib.decode(dump.stdout)
        self.assertIn("H5T_CSET_UTF8", header)
        self.assertIn("STRSIZE H5T_VARIABLE", header)
        self.assertIn('"FALSE"', header)
        dump = subprocess.run(["h5dump", "-d", "/scalar/int16", "-y", "-w", "0", path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=lib.TIMEOUT_S, env=lib.child_env())
        self.assertEqual(dump.returncode, 0, lib.decode(dump.stderr))
        data_text = lib.decode(dump.stdout).split("DATA {", 1)[1].split("}", 1)[0]
        dumped = [int(v) for v in data_text.replace(",", " ").split()]
        self.assertEqual(dumped, lib.values("scalar/int16", "int16", (), 0, 30).tolist())

    def test_batches_across_checkpoints_and_flushes(self):
        """Rows logged in bursts with pauses longer than the checkpoint interval and explicit
        flushes in between: partly filled chunks are written at checkpoints, then written
        again whole; nothing may be lost, duplicated or left stale."""
        path = self.path()
        specs = [("burst/i16", "int16", "3"), ("burst/f64", "float64", "-"),
                 ("burst/b", "bool", "2x2"), ("burst/s", "string", "-"),
                 ("burst/u64", "uint64", "5")]
        batches = [5, 1, 13, 2, 40, 1, 1, 27]
        ops = []
        first = 0
        for n, batch in enumerate(batches):
            for name, type_name, shape in specs:
                ops += ["log", name, type_name, shape, first, batch]
            first += batch
            ops += ["flush"] if n % 3 == 2 else ["sleep", 40]
        proc, out = lib.run_driver("--replace", "--chunk-bytes", 64, "--checkpoint", 0.01,
                                   "--max-string", MAX_STRING, path, *ops, "close")
        self.assertRanOk(proc)
        for s in out.statuses:
            self.assertEqual(s.code, "kOk", s)
        with h5py.File(path, "r") as f:
            for name, type_name, shape in specs:
                shape = () if shape == "-" else tuple(int(d) for d in shape.split("x"))
                self.assertDataset(f, name, type_name, shape, 0, first, max_string=MAX_STRING)

    def test_full_ring_never_drops(self):
        """The smallest ring and tiny chunks, logged as fast as possible: log() writes the full
        chunks itself when the writer is a whole ring behind; every value lands."""
        path = self.path()
        rows = 30000
        proc, out = lib.run_driver("--replace", "--chunk-bytes", 64, "--ring-chunks", 2,
                                   "--checkpoint", 10, path,
                                   "log", "fast/i64", "int64", "-", 0, rows,
                                   "log", "fast/f32x3", "float32", "3", 0, rows, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.status("log", 0).rows, rows)
        self.assertEqual(out.status("log", 1).rows, rows)
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "fast/i64", "int64", (), 0, rows)
            self.assertDataset(f, "fast/f32x3", "float32", (3,), 0, rows)

    def test_declared_datasets_exist_before_any_value(self):
        """Options::datasets without concurrent readers: created at open with their type and
        shape, empty until logged."""
        path = self.path()
        proc, out = lib.run_driver("--replace", "--declare", "d/empty:uint32:2x2",
                                   "--declare", "d/used:float32:-", "--declare", "d/s:string:-",
                                   path, "keys", "log", "d/used", "float32", "-", 0, 10, "close")
        self.assertRanOk(proc)
        self.assertEqual(out.open_code, "kOk")
        self.assertEqual(out.keys, ["d/empty", "d/used", "d/s"])
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "d/empty", "uint32", (2, 2), 0, 0)
            self.assertDataset(f, "d/used", "float32", (), 0, 10)
            self.assertDataset(f, "d/s", "string", (), 0, 0)


if __name__ == "__main__":
    unittest.main()
