"""The C API (<h5rec/logger.h>) through c_driver.c: every h5rec_log_<type>, strings, rank-2
arrays, flush, enable_concurrent_readers, close; negative error codes with h5rec_strerror text
and h5rec_last_error messages; h5rec_logger_open failing with NULL. h5py checks the files."""

import os
import unittest

import h5py
import numpy as np

from h5rec_test import logger_lib as lib

C_ERRORS = {  # LogError code → C code
    "kOk": 0, "kInvalidName": -1, "kTypeMismatch": -2, "kShapeMismatch": -3, "kClosed": -4,
    "kNewNameAfterSwmr": -5, "kNotHdf5": -6, "kIo": -7, "kInvalidArgument": -8,
    "kStringTooLong": -9, "kCannotAppend": -10,
}


def parse(stdout):
    """RC label rc strerror|last_error and MSG label|last_error lines → {label: (rc, text,
    message)}; other lines → list."""
    results, other = {}, []
    for line in lib.decode(stdout).splitlines():
        if line.startswith("RC "):
            head, message = line.split("|", 1)
            _, label, rc, text = head.split(" ", 3)
            results[label] = (int(rc), text, lib.unescape(message))
        elif line.startswith("MSG "):
            head, message = line.split("|", 1)
            results[head.split(" ", 1)[1]] = (None, None, lib.unescape(message))
        else:
            other.append(line)
    return results, other


class CApiTest(lib.LoggerTestCase):

    def run_c(self, *args):
        proc = lib.run(lib.C_DRIVER, *args)
        self.assertRanOk(proc)
        return parse(proc.stdout)

    def check_all_file(self, path, rows_per_run, runs):
        """What `all` logs: rows 0..2*rows of each scalar and array type and of text, per run."""
        total = 2 * rows_per_run + 1
        with h5py.File(path, "r") as f:
            names = sorted(["scalar/" + t for t in lib.NUMERIC_TYPES] +
                           ["array/" + t for t in lib.NUMERIC_TYPES] + ["text"])
            self.assertEqual(sorted(lib.dataset_names(f)), names)
            for t in lib.NUMERIC_TYPES:
                for name, shape in (("scalar/" + t, ()), ("array/" + t, (2, 3))):
                    with self.subTest(dataset=name):
                        dset = f[name]
                        self.assertEqual(dset.maxshape, (None,) + shape)
                        self.assertIsNotNone(dset.chunks)
                        one_run = lib.values(name, t, shape, 0, total)
                        self.assertValues(dset, t, np.concatenate([one_run] * runs), name)
            info = h5py.check_string_dtype(f["text"].dtype)
            self.assertEqual(info.encoding, "utf-8")
            self.assertEqual(lib.read_strings(f["text"]), lib.texts(0, total, 255) * runs)

    def test_every_function_with_default_options(self):
        path = self.path()
        rows = 300
        for run in (1, 2):  # NULL options: replace_if_exists = 0, the second run appends
            with self.subTest(run=run):
                results, _ = self.run_c("all", path, rows)
                for label in ("log", "flush", "enable", "log_more", "log_after", "close"):
                    self.assertEqual(results[label][:2], (0, "success"), (label, results[label]))
                rc, text, message = results["new_name"]
                self.assertEqual(rc, C_ERRORS["kNewNameAfterSwmr"])
                self.assertEqual(text, "new dataset after concurrent readers were enabled")
                self.assertIn("late/name", message)
                self.assertIn(path, message)
                self.check_all_file(path, rows, run)

    def test_error_codes_and_messages(self):
        path = self.path()
        results, other = self.run_c("errors", path)
        defaults = [line for line in other if line.startswith("DEFAULTS ")]
        self.assertEqual(defaults, ["DEFAULTS replace=0 concurrent=0 n_datasets=0 checkpoint=1 "
                                    "chunk_bytes=32768 ring_chunks=4 max_string=255"])

        def check(label, code, *in_message):
            rc, text, message = results[label]
            self.assertEqual(rc, C_ERRORS[code], (label, results[label]))
            for part in in_message:
                self.assertIn(part, message, (label, results[label]))
            return text

        for label in ("good", "vec", "string_ok", "success_after_error", "array_rank0", "close",
                      "close_null"):
            check(label, "kOk")
        check("type_mismatch", "kTypeMismatch", path, "'n'", "int32", "float64")
        check("string_to_number", "kTypeMismatch", path, "'n'", "string")
        check("shape_rank", "kShapeMismatch", path, "'vec'", "(3,)", "(3, 1)")
        check("shape_size", "kShapeMismatch", path, "'vec'", "(3,)", "(2,)")
        for label in ("null_logger", "null_name", "null_logger_string", "null_name_string"):
            check(label, "kInvalidArgument", "NULL logger or name")
        check("null_text", "kInvalidArgument", "NULL text")
        for label in ("array_bad_type", "array_null_data", "array_null_shape"):
            check(label, "kInvalidArgument", "h5rec_log_array")
        for label in ("flush_null", "enable_null"):
            check(label, "kInvalidArgument", "NULL logger")
        check("invalid_name", "kInvalidName", path, "'a//b'")
        check("empty_name", "kInvalidName", path, "''")
        check("string_too_long", "kStringTooLong", path, "'s'", "9", "8")
        main_error = results["main_error"][2]
        check("main_error", "kInvalidName", path, "bad//main")
        # A later success keeps the message of the last failure.
        self.assertEqual(results["success_after_error"][2], main_error)
        # Per thread: the other thread saw its own failure; this thread's message is unchanged.
        thread = [line for line in other if line.startswith("THREAD ")]
        self.assertEqual(thread, ["THREAD -8 h5rec_log: NULL logger or name"])
        self.assertEqual(results["main_after_thread"][2], main_error)

        # h5rec_strerror: a distinct text per code, as the RC lines showed them.
        strerror = {}
        for line in other:
            if line.startswith("STRERROR "):
                _, code, text = line.split(" ", 2)
                strerror[int(code)] = text
        self.assertEqual(strerror[0], "success")
        known = [strerror[-n] for n in range(1, 11)]
        self.assertEqual(len(set(known)), 10)
        self.assertNotIn("unknown h5rec error code", known)
        self.assertEqual(strerror[-11], "unknown h5rec error code")
        self.assertEqual(strerror[1], "unknown h5rec error code")
        for label, (rc, text, _) in results.items():
            if rc is not None:
                self.assertEqual(text, strerror[rc], label)

        # The file: only the valid calls landed.
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), ["n", "s", "vec"])
            self.assertEqual(sorted(f.keys()), ["n", "s", "vec"])
            self.assertValues(f["n"], "int32", lib.values("n", "int32", (), 0, 102))
            np.testing.assert_array_equal(f["vec"][...], np.array([[1, 2, 3]], "<f4"))
            self.assertEqual(f["vec"].dtype, np.dtype("<f4"))
            self.assertEqual(lib.read_strings(f["s"]), ["12345678"])

    def test_open_failures_return_null(self):
        path = self.path()
        content = b"not an HDF5 file, just text\n"
        with open(path, "wb") as f:
            f.write(content)
        results, other = self.run_c("open-fail", path)
        self.assertEqual([line for line in other if line.startswith("OPEN_NULL")],
                         ["OPEN_NULL 1"] * 3)
        self.assertIn(path, results["open_not_hdf5"][2])
        self.assertIn("not an HDF5 file", results["open_not_hdf5"][2])
        self.assertIn("NULL path", results["open_null_path"][2])
        self.assertIn("ring_chunks in [2, 4096]", results["open_bad_options"][2])
        self.assertIn(path + ".ring1.h5", results["open_bad_options"][2])
        with open(path, "rb") as f:
            self.assertEqual(f.read(), content)
        self.assertFalse(os.path.exists(path + ".ring1.h5"))


    def test_declared_datasets(self):
        """Datasets declared in the options exist from the open, with their type and shape;
        with concurrent readers on, only they can be logged; bad declarations are refused."""
        path = self.path()
        results, other = self.run_c("declared", path)
        self.assertEqual(results["declared_rows"][0], 0, results["declared_rows"])
        self.assertEqual(results["undeclared"][0], C_ERRORS["kNewNameAfterSwmr"],
                         results["undeclared"])
        self.assertIn("late", results["undeclared"][2])
        self.assertEqual(results["close"][0], 0)
        with h5py.File(path, "r") as f:
            self.assertEqual(sorted(lib.dataset_names(f)), ["note", "train/acc", "train/loss"])
            self.assertEqual(f["train/loss"].dtype, np.dtype("<f8"))
            np.testing.assert_array_equal(f["train/loss"][:], [1.0 / (i + 1) for i in range(5)])
            self.assertEqual(f["train/acc"].shape, (5, 3))
            np.testing.assert_array_equal(
                f["train/acc"][:], np.array([[i, i + 0.5, i + 0.25] for i in range(5)], "<f4"))
            self.assertEqual(lib.read_strings(f["note"]), ["even", "odd"] * 2 + ["even"])
        self.assertEqual([line for line in other if line.startswith("OPEN_NULL")],
                         ["OPEN_NULL 1"] * 2)
        self.assertIn("declared dataset 1 ('text')", results["open_bad_declaration"][2])
        self.assertIn("datasets NULL", results["open_null_declarations"][2])
        self.assertFalse(os.path.exists(path + ".bad.h5"))


if __name__ == "__main__":
    unittest.main()
