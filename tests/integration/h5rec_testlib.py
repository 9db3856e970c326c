"""Shared helpers for the Python integration tests of the h5rec binary.

Standard library plus h5py and numpy only; run with Debian's /usr/bin/python3. CTest sets
H5REC (the binary), H5REC_SOURCE (the repository root) and HDF5_USE_FILE_LOCKING=FALSE; when
they are unset the binary is looked up in <repo>/build/host/h5rec, the repository root being
two directories above this file.

The helpers also recompute what h5rec's simulated sensors produce (platform/sim/sim_sensors.*),
with the same floating-point operations in the same order, so recordings can be checked
bit-exactly.
"""

import math
import os
import pathlib
import re
import shlex
import subprocess
import tempfile
import unittest
from fractions import Fraction

# HDF5 reads this variable when a file is opened: readers of live recordings must not lock.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import h5py  # noqa: E402  (after the environment is set)
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("H5REC_SOURCE") or HERE.parents[1]).resolve()
H5REC = pathlib.Path(os.environ.get("H5REC") or SOURCE_DIR / "build" / "host" / "h5rec")
# Cross builds: the target's emulator (qemu-user with its options), set by CTest.
EMULATOR = shlex.split(os.environ.get("H5REC_EMULATOR", ""))

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_ROWS_NOT_STORED = 3
EXIT_USAGE = 64

# --virtual-clock recordings start at 2026-01-01T00:00:00Z (SimClock::kDefaultEpochNs).
VIRTUAL_EPOCH_NS = 1_767_225_600 * 1_000_000_000
VIRTUAL_EPOCH_ISO = "2026-01-01T00:00:00.000000000Z"

DEFAULT_TIMEOUT_S = 120  # generous: CI also runs the tests against an ASan+UBSan build

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float32", "float64"]
ALL_DTYPES = INT_DTYPES + FLOAT_DTYPES + ["bool"]


# Text on stderr that means the process crashed or a sanitizer found a bug (ASan exits with 1).
CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "Traceback", "terminate called", "Segmentation fault",
                 "malloc(): ", "free(): ", "double free", "stack smashing")


def h5rec_command(*args):
    """The command line that runs h5rec with these arguments (under the emulator if any)."""
    return [*EMULATOR, str(H5REC), *map(str, args)]


def child_env():
    env = dict(os.environ)
    env["HDF5_USE_FILE_LOCKING"] = "FALSE"
    return env


# --------------------------------------------------------------------------------------------
# Running the binary


def run_h5rec(*args, timeout=DEFAULT_TIMEOUT_S, cwd=None):
    """Runs h5rec with the given arguments; returns the CompletedProcess (text output)."""
    return subprocess.run(
        h5rec_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=child_env(),
    )


def start_h5rec(*args, cwd=None):
    """Starts h5rec in the background; returns the Popen (text pipes for stdout and stderr)."""
    return subprocess.Popen(
        h5rec_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=child_env(),
    )


def record(config, duration=None, output=None, virtual_clock=True, extra=(),
           timeout=DEFAULT_TIMEOUT_S, cwd=None):
    """`h5rec record CONFIG [--duration D] [--output DIR] [--virtual-clock]`."""
    args = ["record", config]
    if duration is not None:
        args += ["--duration", repr(float(duration)) if isinstance(duration, float) else duration]
    if output is not None:
        args += ["--output", output]
    if virtual_clock:
        args.append("--virtual-clock")
    args += list(extra)
    return run_h5rec(*args, timeout=timeout, cwd=cwd)


def describe(proc):
    """Text for assertion messages."""
    return "exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        proc.returncode, proc.stdout, proc.stderr)


_SUMMARY_GROUP = re.compile(
    r"^\s+group (\S+): (\d+) rows stored, (\d+) dropped, (\d+) due, ring high-water (\d+) rows$")
_SUMMARY_RECORDED = re.compile(r"^recorded (.+?)( \(deleted by retention\))?$")


def parse_record_summary(stdout):
    """Parses `h5rec record`'s summary: {"path": first segment, "paths": [every segment],
    "deleted": [segments of this run retention deleted], "groups": {name: {stored, dropped,
    due}}}."""
    out = {"path": None, "paths": [], "deleted": [], "groups": {}}
    for line in stdout.splitlines():
        m = _SUMMARY_RECORDED.match(line)
        if m:
            out["paths"].append(m.group(1))
            out["path"] = out["paths"][0]
            if m.group(2):
                out["deleted"].append(m.group(1))
            continue
        m = _SUMMARY_GROUP.match(line)
        if m:
            out["groups"][m.group(1)] = {
                "stored": int(m.group(2)), "dropped": int(m.group(3)), "due": int(m.group(4)),
                "high_water": int(m.group(5))}
    return out


# --------------------------------------------------------------------------------------------
# Configs


def toml_value(value):
    """A Python value as TOML (strings, bools, numbers, lists, dicts as inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"%s"' % escaped
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise ValueError("not representable in these configs: %r" % value)
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join("%s = %s" % (k, toml_value(v)) for k, v in value.items()) + " }"
    raise TypeError("no TOML form for %r" % (value,))


def config_text(groups, device_id="test-dev", output_dir="out", **top):
    """A config file's text.

    groups: list of {"name", "rate_hz", "channels": [{"name", "sensor", "dtype", "shape",
    "params", "units", "description", ...}], plus any extra keys}. Keys whose value is None are
    left out. `top` adds top-level keys (checkpoint_interval, chunk_bytes, ...).
    """
    lines = ["# written by h5rec_testlib"]
    if device_id is not None:
        lines.append("device_id = %s" % toml_value(device_id))
    if output_dir is not None:
        lines.append("output_dir = %s" % toml_value(str(output_dir)))
    for key, value in top.items():
        if value is not None:
            lines.append("%s = %s" % (key, toml_value(value)))
    for group in groups:
        lines += ["", "[[group]]"]
        for key, value in group.items():
            if key != "channels" and value is not None:
                lines.append("%s = %s" % (key, toml_value(value)))
        for channel in group.get("channels", []):
            lines += ["", "  [[group.channel]]"]
            for key, value in channel.items():
                if value is not None:
                    lines.append("  %s = %s" % (key, toml_value(value)))
    return "\n".join(lines) + "\n"


def write_text(directory, name, text):
    path = pathlib.Path(directory) / name
    path.write_text(text)
    return path


def write_config(directory, groups=None, name="config.toml", text=None, **kwargs):
    """Writes config_text(groups, **kwargs) (or `text` as is) to directory/name; returns the path."""
    if text is None:
        text = config_text(groups, **kwargs)
    return write_text(directory, name, text)


def counter_group(name="g", rate_hz=1000, channels=1, **extra):
    """A group of scalar int64 counter channels c0..c{n-1}."""
    group = {"name": name, "rate_hz": rate_hz}
    group.update(extra)
    group["channels"] = [
        {"name": "c%d" % k, "sensor": "counter", "dtype": "int64", "units": "1"}
        for k in range(channels)]
    return group


# --------------------------------------------------------------------------------------------
# Recordings


def h5_files(directory):
    return sorted(pathlib.Path(directory).rglob("*.h5"))


def find_recording(directory):
    """The single .h5 file under directory (AssertionError if there are none or several)."""
    files = h5_files(directory)
    if len(files) != 1:
        raise AssertionError("expected exactly one .h5 under %s, found %s" % (directory, files))
    return files[0]


def open_recording(path, swmr=False):
    """Opens a recording read-only with h5py (SWMR read when swmr=True)."""
    if swmr:
        return h5py.File(str(path), "r", libver="latest", swmr=True, locking=False)
    return h5py.File(str(path), "r", locking=False)


def attr_text(value):
    """An HDF5 string attribute as str, whichever way h5py returns it."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return attr_text(value[()])
    return value


# --------------------------------------------------------------------------------------------
# What the recorder should have written


def schedule_offset_ns(index, rate_hz):
    """RowSchedule::offset_ns: index * 1e9 / rate rounded to the nearest ns.

    For rates that are whole millihertz this is (index * 1e12 + mhz / 2) // mhz in integers
    (ties round up), exactly as the recorder computes it.
    """
    mhz = Fraction(rate_hz) * 1000
    if mhz.denominator == 1 or abs(float(mhz) - round(float(mhz))) < 1e-9 * float(mhz):
        m = round(float(mhz))
        return (index * 10**12 + m // 2) // m
    return math.floor(Fraction(index) * 10**9 / Fraction(rate_hz) + Fraction(1, 2))


def chunk_rows_for(rate_hz, checkpoint_interval_s, widest_row_bytes, chunk_bytes):
    """Rows per chunk (config/README.md "Chunks"): the rows of checkpoint_interval / 8, at least
    16, at most chunk_bytes of the group's widest dataset row."""
    wanted = max(16, math.ceil(rate_hz * checkpoint_interval_s / 8.0))
    return min(wanted, max(1, chunk_bytes // widest_row_bytes))


def expected_times(t0, rows, rate_hz):
    return np.array([t0 + schedule_offset_ns(i, rate_hz) for i in range(rows)], dtype=np.int64)


def elapsed_s(index, rate_hz):
    """SampleTick::elapsed_s as the sampler computes it: offset_ns(index) * 1e-9 in doubles."""
    return float(schedule_offset_ns(index, rate_hz)) * 1e-9


_MASK64 = (1 << 64) - 1


def _splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def _unit_interval(bits):
    return (float(bits >> 11) + 1.0) * 2.0 ** -53


# platform/sim/sim_math.cpp: the same operations in the same order; coefficients derived here.
_SIN_COEFFS = [(-1) ** k / math.factorial(2 * k + 1) for k in range(11, 0, -1)]  # x^23 .. x^3
_LOG_COEFFS = [1 / (2 * k + 1) for k in range(11, 0, -1)]  # s^22 .. s^2
_TWO_PI = 2 * math.pi
_SQRT_HALF = math.sqrt(0.5)
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")  # ln 2 rounded to double


def sim_sin_turns(turns):
    """sin(2 pi turns) as platform::sim_sin_turns computes it."""
    r = turns - float(round(turns))
    if r > 0.25:
        r = 0.5 - r
    if r < -0.25:
        r = -0.5 - r
    x = _TWO_PI * r
    x2 = x * x
    p = _SIN_COEFFS[0]
    for c in _SIN_COEFFS[1:]:
        p = p * x2 + c
    return x + x * x2 * p


def sim_log(x):
    """log(x) as platform::sim_log computes it."""
    m, e = math.frexp(x)
    if m < _SQRT_HALF:
        m, e = m * 2.0, e - 1
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    p = _LOG_COEFFS[0]
    for c in _LOG_COEFFS[1:]:
        p = p * s2 + c
    return float(e) * _LN2 + 2.0 * (s + s * s2 * p)


def sim_normal(seed, index, component):
    """platform::sim_normal, the N(0,1) draw of noise and random_walk."""
    key = _splitmix64(seed ^ _splitmix64((index * 0x100000001B3 + component) & _MASK64))
    u1 = _unit_interval(key)
    u2 = _unit_interval(_splitmix64(key))
    return math.sqrt(-2.0 * sim_log(u1)) * sim_sin_turns(u2 + 0.25)


def default_seed(group, channel):
    """The seed of a random sensor without a `seed` param: FNV-1a of "group/channel"."""
    h = 0xCBF29CE484222325
    for byte in ("%s/%s" % (group, channel)).encode():
        h = ((h ^ byte) * 0x100000001B3) & _MASK64
    return int(float(h % (1 << 53)))


def sensor_values(sensor, params, rows, rate_hz, components=1, group=None, channel=None):
    """The doubles a simulated sensor produces for rows 0..rows-1: a list of rows, each a list
    of `components` floats (same operations, same order as platform/sim/sim_sensors.cpp)."""
    p = dict(params or {})
    out = []
    if sensor == "counter":
        start, step = p.get("start", 0.0), p.get("step", 1.0)
        for i in range(rows):
            v = float(start) + float(step) * float(i)
            out.append([v] * components)
    elif sensor == "sine":
        amplitude = float(p.get("amplitude", 1.0))
        frequency = float(p.get("frequency_hz", 1.0))
        offset = float(p.get("offset", 0.0))
        for i in range(rows):
            t = elapsed_s(i, rate_hz)
            row = []
            for c in range(components):
                phase = frequency * t + float(c) / float(components)
                row.append(offset + amplitude * sim_sin_turns(phase))
            out.append(row)
    elif sensor == "noise":
        seed = int(float(p["seed"])) if "seed" in p else default_seed(group, channel)
        mean, stddev = float(p.get("mean", 0.0)), float(p.get("stddev", 1.0))
        for i in range(rows):
            out.append([mean + stddev * sim_normal(seed, i, c) for c in range(components)])
    elif sensor == "random_walk":
        seed = int(float(p["seed"])) if "seed" in p else default_seed(group, channel)
        position = [float(p.get("start", 0.0))] * components
        step = float(p.get("step", 1.0))
        for i in range(rows):
            if i > 0:
                position = [position[c] + step * sim_normal(seed, i, c)
                            for c in range(components)]
            out.append(list(position))
    elif sensor == "step":
        low, high = float(p.get("low", 0.0)), float(p.get("high", 1.0))
        at_s = float(p.get("at_s", 1.0))
        for i in range(rows):
            out.append([low if elapsed_s(i, rate_hz) < at_s else high] * components)
    else:
        raise ValueError("unknown simulated sensor %r" % sensor)
    return out


def store_as(dtype, value):
    """base/dtype.cpp store_as for one value: integers round to nearest (ties to even, like
    nearbyint) and saturate, NaN becomes 0; floats are cast; bool is value != 0."""
    if dtype == "bool":
        return bool(not math.isnan(value) and value != 0.0)
    if dtype in FLOAT_DTYPES:
        return value  # cast by numpy below (round to nearest, like static_cast)
    info = np.iinfo(dtype)
    if math.isnan(value):
        return 0
    rounded = round(value) if math.isfinite(value) else value  # Python round: ties to even
    if rounded <= float(info.min):
        return int(info.min)
    if rounded >= float(info.max) + 1.0:
        return int(info.max)
    return int(rounded)


def expected_channel(channel, rows, rate_hz, group=None):
    """The array h5rec should store for a channel config dict (keys as in config_text)."""
    dtype = channel.get("dtype", "float64")
    shape = tuple(channel.get("shape") or ())
    components = int(np.prod(shape)) if shape else 1
    values = sensor_values(channel["sensor"], channel.get("params"), rows, rate_hz, components,
                           group=group, channel=channel["name"])
    stored = [[store_as(dtype, v) for v in row] for row in values]
    np_dtype = np.bool_ if dtype == "bool" else np.dtype(dtype)
    if dtype in FLOAT_DTYPES:
        array = np.array(stored, dtype=np.float64).astype(np_dtype)
    else:
        array = np.array(stored, dtype=np_dtype)
    return array.reshape((rows,) + shape)


class TempDirTestCase(unittest.TestCase):
    """Gives every test its own temporary directory, self.tmp (a pathlib.Path)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not (H5REC.is_file() and os.access(H5REC, os.X_OK)):
            raise AssertionError("h5rec binary not found at %s: build it (cmake --build "
                                 "build/host) or set H5REC" % H5REC)

    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="h5rec-test-")
        self.tmp = pathlib.Path(self._tmp.name)
        self.addCleanup(self._tmp.cleanup)

    def assertExit(self, proc, code):
        self.assertEqual(proc.returncode, code, describe(proc))

    def assertNoCrash(self, proc):
        """Exit status is a normal exit (not a signal) and stderr shows no sanitizer report."""
        self.assertGreaterEqual(proc.returncode, 0, "killed by a signal\n" + describe(proc))
        for marker in CRASH_MARKERS + ("HDF5-DIAG",):
            self.assertNotIn(marker, proc.stderr, describe(proc))
