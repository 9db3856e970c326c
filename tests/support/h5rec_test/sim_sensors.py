"""What h5rec's simulated sensors produce (platform/sim/sim_sensors.*, platform/sim/sim_math.*)
and how the recorder stores it (recorder/dtype.cpp), recomputed with the same floating-point
operations in the same order, so recordings can be checked bit-exactly."""

import math

import numpy as np

from h5rec_test import row_schedule

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float32", "float64"]
ALL_DTYPES = INT_DTYPES + FLOAT_DTYPES + ["bool"]

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
            t = row_schedule.elapsed_s(i, rate_hz)
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
            out.append([low if row_schedule.elapsed_s(i, rate_hz) < at_s else high] * components)
    else:
        raise ValueError("unknown simulated sensor %r" % sensor)
    return out


def store_as(dtype, value):
    """recorder/dtype.cpp store_as for one value: integers round to nearest (ties to even, like
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
