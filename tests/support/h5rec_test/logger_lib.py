"""Shared helpers for the logger tests: running the drivers, parsing what they print, and
recomputing the values they log.

CTest sets H5REC_LOGGER_DRIVER, H5REC_LOGGER_C_DRIVER (and H5REC_WALKTHROUGH, H5REC_C_EXAMPLE)
to the built programs and HDF5_USE_FILE_LOCKING=FALSE; when unset, the programs are looked up in
<repo>/build/host. Standard library plus h5py and numpy (Debian's /usr/bin/python3).

Values (logger_driver.cpp, c_driver.c): element k of row i of dataset `name` comes from
u = fnv1a64(name) + i * ROW_MUL + k * ELEMENT_MUL (mod 2^64): an integer of b bits is the top b
bits of u (two's complement when signed), a float those bits reinterpreted (any bit pattern:
NaNs with payloads, infinities, subnormals), a bool the top bit.
"""

import os
import pathlib
import re
import shlex
import subprocess
import time

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import h5py  # noqa: E402  (after the environment is set)
import numpy as np  # noqa: E402

from h5rec_test.crash_markers import CRASH_MARKERS  # noqa: E402
from h5rec_test.temp_dir import TempDirTestCase  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
BUILD = HERE.parents[2] / "build" / "host"


def _program(variable, default):
    return pathlib.Path(os.environ.get(variable) or default)


DRIVER = _program("H5REC_LOGGER_DRIVER", BUILD / "tests/logger/h5rec_logger_driver")
H5REC = _program("H5REC", BUILD / "h5rec")
C_DRIVER = _program("H5REC_LOGGER_C_DRIVER", BUILD / "tests/logger/h5rec_logger_c_driver")
WALKTHROUGH = _program("H5REC_WALKTHROUGH", BUILD / "examples/h5rec_walkthrough")
C_EXAMPLE = _program("H5REC_C_EXAMPLE", BUILD / "examples/h5rec_c_example")

# Cross builds: the target's emulator (qemu-user with its options), set by CTest.
EMULATOR = shlex.split(os.environ.get("H5REC_EMULATOR", ""))

TIMEOUT_S = 120  # generous: the tests also run against the ASan+UBSan build

ROW_MUL = 0x9E3779B97F4A7C15
ELEMENT_MUL = 0xC2B2AE3D27D4EB4F
MASK64 = (1 << 64) - 1

NUMERIC_TYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float32", "float64", "bool"]
NUMPY_DTYPE = {
    "int8": "<i1", "int16": "<i2", "int32": "<i4", "int64": "<i8",
    "uint8": "<u1", "uint16": "<u2", "uint32": "<u4", "uint64": "<u8",
    "float32": "<f4", "float64": "<f8", "bool": "?",
}
# LogError codes (logger.hpp); the C API returns them negated.
CODES = ["kOk", "kInvalidName", "kTypeMismatch", "kShapeMismatch", "kClosed", "kNewNameAfterSwmr",
         "kNotHdf5", "kIo", "kInvalidArgument", "kStringTooLong", "kCannotAppend"]


# --------------------------------------------------------------------------------------------
# Values


def fnv1a64(name):
    h = 0xcbf29ce484222325
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & MASK64
    return h


def values(name, type_name, shape, first, count):
    """The (count, *shape) array of rows first..first+count-1 of dataset `name`."""
    shape = tuple(shape)
    elements = int(np.prod(shape, dtype=np.int64)) if shape else 1
    i = np.arange(first, first + count, dtype=np.uint64)[:, None]
    k = np.arange(elements, dtype=np.uint64)[None, :]
    u = np.uint64(fnv1a64(name)) + i * np.uint64(ROW_MUL) + k * np.uint64(ELEMENT_MUL)
    if type_name == "bool":
        out = (u >> np.uint64(63)).astype(bool)
    else:
        dtype = np.dtype(NUMPY_DTYPE[type_name])
        bits = dtype.itemsize * 8
        top = u >> np.uint64(64 - bits)
        out = top.astype("<u%d" % dtype.itemsize).view(dtype)
    return out.reshape((count,) + shape)


BASE_TEXTS = ["", "hello", "héllo wörld", "日本語", "🙂 smile", "tab\tand\nnewline",
              'quote " backslash \\']


def text_of(i, max_bytes):
    """Row i of a logged string dataset (text_of in the drivers)."""
    if i % 11 == 10:
        return "é" * (max_bytes // 2) + ("x" if max_bytes % 2 else "")
    b = i % 7
    return BASE_TEXTS[b] + ("" if b == 0 else " #%d" % i)


def texts(first, count, max_bytes):
    return [text_of(i, max_bytes) for i in range(first, first + count)]


def expected(name, type_name, shape, first, count, max_string=255):
    if type_name == "string":
        return texts(first, count, max_string)
    return values(name, type_name, shape, first, count)


# --------------------------------------------------------------------------------------------
# Running the drivers


def child_env():
    env = dict(os.environ)
    env["HDF5_USE_FILE_LOCKING"] = "FALSE"
    return env


def command(program, *args):
    """The command line that runs a program of the build (under the emulator if any)."""
    return [*EMULATOR, str(program), *map(str, args)]


def run(program, *args, timeout=TIMEOUT_S, stdin=None):
    """Runs a program; returns the CompletedProcess with bytes output."""
    return subprocess.run(command(program, *args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=child_env(),
                          stdin=subprocess.DEVNULL if stdin is None else stdin)


def start(program, *args):
    """Starts a program with pipes for stdin, stdout and stderr (bytes)."""
    return subprocess.Popen(command(program, *args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())


def unescape(text):
    r"""Undoes the drivers' \xNN escaping of messages."""
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def decode(raw):
    return raw.decode("utf-8", "replace")


class Status:
    def __init__(self, op, code, rows, message):
        self.op, self.code, self.rows, self.message = op, code, rows, message

    def __repr__(self):
        return "Status(%s, %s, rows=%d, %r)" % (self.op, self.code, self.rows, self.message)


class DriverOutput:
    """What logger_driver printed: the open status, STATUS lines, keys, other lines."""

    def __init__(self, stdout):
        self.lines = decode(stdout).splitlines()
        self.open_code = None
        self.open_is_open = None
        self.open_message = None
        self.statuses = []
        self.keys = []
        self.other = []
        for line in self.lines:
            if line.startswith("OPEN "):
                _, code, is_open, *message = line.split(" ", 3)
                self.open_code, self.open_is_open = code, is_open == "1"
                self.open_message = unescape(message[0]) if message else ""
            elif line.startswith("STATUS "):
                _, op, code, rows, *message = line.split(" ", 4)
                self.statuses.append(Status(op, code, int(rows),
                                            unescape(message[0]) if message else ""))
            elif line.startswith("KEY "):
                self.keys.append(unescape(line[4:]))
            else:
                self.other.append(line)

    def status(self, op, index=0):
        found = [s for s in self.statuses if s.op == op]
        if len(found) <= index:
            raise AssertionError("no STATUS %s #%d in %s" % (op, index, self.lines))
        return found[index]

    def line_starting(self, prefix):
        for line in self.other:
            if line.startswith(prefix):
                return line
        raise AssertionError("no line %r in %s" % (prefix, self.lines))


def run_driver(*args, stdin=None, timeout=TIMEOUT_S):
    """Runs logger_driver ARGS; returns (CompletedProcess, DriverOutput)."""
    proc = run(DRIVER, *args, stdin=stdin, timeout=timeout)
    return proc, DriverOutput(proc.stdout)


def describe(proc):
    return "exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        proc.returncode, decode(proc.stdout), decode(proc.stderr))


# --------------------------------------------------------------------------------------------
# Reading files


def dataset_names(f):
    """Every dataset in the file, by h5py's visit (path names)."""
    names = []
    f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
    return names


def read_strings(dset):
    return [s for s in dset.asstr()[...].tolist()]


def open_swmr(path, timeout_s=30, required=()):
    """Opens `path` for SWMR reading, retrying while the writer has not switched SWMR on yet;
    returns the file once every name in `required` is in it."""
    deadline = time.monotonic() + timeout_s
    last_error = None
    while time.monotonic() < deadline:
        try:
            f = h5py.File(path, "r", libver="latest", swmr=True)
            if all(name in f for name in required):
                return f
            f.close()
        except (OSError, KeyError) as e:
            last_error = e
        time.sleep(0.01)
    raise AssertionError("could not open %s for SWMR reading: %r" % (path, last_error))


# --------------------------------------------------------------------------------------------
# Test case base


class LoggerTestCase(TempDirTestCase):
    """A fresh temporary directory per test, self.tmp (temp_dir: kept when the test fails)."""

    temp_prefix = "h5rec_logger_"

    def path(self, name="test.h5"):
        return str(self.tmp / name)

    def assertNoCrash(self, proc):
        err = decode(proc.stderr)
        for marker in CRASH_MARKERS:
            self.assertNotIn(marker, err, describe(proc))

    def assertRanOk(self, proc):
        self.assertNoCrash(proc)
        self.assertEqual(proc.returncode, 0, describe(proc))

    def assertStatus(self, status, code, *in_message):
        self.assertEqual(status.code, code, status)
        for part in in_message:
            self.assertIn(part, status.message, status)

    def assertValues(self, dset, type_name, expected_values, what=None):
        """Bit-exact comparison (floats compared as their bit patterns)."""
        what = what or dset.name
        if type_name == "string":
            self.assertEqual(read_strings(dset), list(expected_values), what)
            return
        self.assertArrayBits(dset[...], type_name, expected_values, what)

    def assertArrayBits(self, data, type_name, expected_values, what):
        """Same dtype, shape and bits (floats compared as their bit patterns: NaN payloads
        included)."""
        self.assertEqual(data.dtype, np.dtype(NUMPY_DTYPE[type_name]), what)
        self.assertEqual(data.shape, expected_values.shape, what)
        if type_name in ("float32", "float64"):
            bits = "<u%d" % data.dtype.itemsize
            data, expected_values = data.view(bits), expected_values.view(bits)
        if not np.array_equal(data, expected_values):
            bad = tuple(np.argwhere(data != expected_values)[0])
            self.fail("%s: first difference at %s: %r != %r (of %s)" % (
                what, bad, data[bad], expected_values[bad], data.shape))

    def assertDataset(self, f, name, type_name, shape, first, count, max_string=255):
        """Dataset `name` holds rows first..first+count-1 of the driver's values, chunked with
        an unlimited first dimension."""
        self.assertIn(name, f)
        dset = f[name]
        self.assertIsInstance(dset, h5py.Dataset, name)
        self.assertEqual(dset.shape, (count,) + tuple(shape), name)
        self.assertEqual(dset.maxshape, (None,) + tuple(shape), name)
        self.assertIsNotNone(dset.chunks, name)
        self.assertEqual(dset.chunks[1:], tuple(shape), name)
        self.assertIsNone(dset.compression, name)
        if type_name == "string":
            info = h5py.check_string_dtype(dset.dtype)
            self.assertIsNotNone(info, name)
            self.assertEqual(info.encoding, "utf-8", name)
            self.assertIsNone(info.length, name)  # variable-length
        self.assertValues(dset, type_name,
                          expected(name, type_name, shape, first, count, max_string), name)
        return dset
