"""log()'s inline fast path (a scalar or std::array with the previous call's name, type and shape
while its chunk has room): rows across chunk boundaries and a full ring, names alternating
mid-chunk, logging on after flush() and after errors, and a moved-from logger. Every value is
read back bit-exactly by h5py."""

import unittest

import h5py

from h5rec_test import logger_lib as lib


def shape_of(text):
    return () if text == "-" else tuple(int(d) for d in text.split("x"))


class FastPathTest(lib.LoggerTestCase):

    def run_ok(self, *args):
        proc, out = lib.run_driver(*args)
        self.assertRanOk(proc)
        return out

    def assertAllOk(self, out):
        for s in out.statuses:
            self.assertEqual(s.code, "kOk", s)

    def test_std_arrays_across_chunks_and_a_full_ring(self):
        """64-byte chunks and a ring of two: a float32x16 row is a whole chunk, so the fast path
        has room for one row before the slow path moves on (and writes the full chunks itself
        when the writer is a ring behind)."""
        path = self.path()
        rows = 5000
        specs = [("a/f32x16", "float32", "16"), ("a/i16x3", "int16", "3"),
                 ("a/u8x2x3", "uint8", "2x3"), ("a/f64x1", "float64", "1"),
                 ("a/bool3", "bool", "3")]
        ops = []
        for name, type_name, shape in specs:
            ops += ["stdarray", name, type_name, shape, 0, rows]
        proc, out = lib.run_driver("--replace", "--chunk-bytes", 64, "--ring-chunks", 2,
                                   "--checkpoint", 10, path, *ops, "close")
        self.assertRanOk(proc)
        self.assertAllOk(out)
        for i in range(len(specs)):
            self.assertEqual(out.status("stdarray", i).rows, rows)
        with h5py.File(path, "r") as f:
            for name, type_name, shape in specs:
                with self.subTest(dataset=name):
                    self.assertDataset(f, name, type_name, shape_of(shape), 0, rows)

    def test_names_alternating_mid_chunk(self):
        """Bursts of 1 to 100 rows per name, round robin: the fast path is re-bound in the
        middle of chunks and must hand back exactly the rows it wrote."""
        path = self.path()
        specs = [("log", "x", "float64", "-"), ("stdarray", "v", "int32", "3"),
                 ("log", "y", "uint16", "-"), ("log", "p", "float32", "2"),  # log_raw
                 ("stdarray", "n", "int8", "2x3")]
        bursts = [1, 2, 1, 37, 5, 1, 100, 3, 64, 7, 1, 1, 29]
        ops = []
        first = 0
        for n in bursts:
            for op, name, type_name, shape in specs:
                ops += [op, name, type_name, shape, first, n]
            first += n
        proc, out = lib.run_driver("--replace", "--chunk-bytes", 100, "--ring-chunks", 2,
                                   "--checkpoint", 10, path, *ops, "close")
        self.assertRanOk(proc)
        self.assertAllOk(out)
        with h5py.File(path, "r") as f:
            for _, name, type_name, shape in specs:
                with self.subTest(dataset=name):
                    self.assertDataset(f, name, type_name, shape_of(shape), 0, first)

    def test_logging_on_after_flush_and_errors(self):
        """flush() while the fast path is bound (the checkpoint writes the partial chunk, the
        fast path goes on filling it), and type and shape errors on the bound dataset."""
        path = self.path()
        out = self.run_ok(path,
                          "log", "x", "float64", "-", 0, 10, "flush",
                          "log", "x", "float64", "-", 10, 10, "flush", "flush",
                          "stdarray", "v", "float32", "16", 0, 3, "flush",
                          "stdarray", "v", "float32", "16", 3, 50,
                          "log", "v", "int32", "-", 0, 1,          # kTypeMismatch
                          "stdarray", "v", "float32", "3", 0, 1,   # kShapeMismatch
                          "stdarray", "v", "float32", "16", 53, 10,
                          "log", "x", "float64", "-", 20, 500,
                          "log", "x", "float32", "-", 0, 1,        # kTypeMismatch
                          "log", "x", "float64", "-", 520, 3, "close")
        self.assertStatus(out.status("log", 2), "kTypeMismatch", path, "'v'")
        self.assertStatus(out.status("stdarray", 2), "kShapeMismatch", path, "'v'", "(16,)",
                          "(3,)")
        self.assertStatus(out.status("log", 4), "kTypeMismatch", path, "'x'", "float64",
                          "float32")
        for s in out.statuses:
            if s not in (out.status("log", 2), out.status("stdarray", 2), out.status("log", 4)):
                self.assertEqual(s.code, "kOk", s)
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "x", "float64", (), 0, 523)
            self.assertDataset(f, "v", "float32", (16,), 0, 63)

    def test_moved_from_logger_never_takes_the_fast_path(self):
        """The driver's move op logs 1.0 as 'moved' on the moved-from logger: with 'moved' the
        float64 dataset the fast path was bound to, that call must still say kClosed and write
        nothing."""
        path = self.path()
        out = self.run_ok(path, "log", "moved", "float64", "-", 0, 10, "move",
                          "log", "moved", "float64", "-", 10, 5, "close")
        self.assertStatus(out.status("moved.log"), "kClosed", "moved from")
        self.assertStatus(out.status("log", 1), "kOk")
        self.assertStatus(out.status("close"), "kOk")
        with h5py.File(path, "r") as f:
            self.assertDataset(f, "moved", "float64", (), 0, 15)


if __name__ == "__main__":
    unittest.main()
