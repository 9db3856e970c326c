"""When row i of a rate group is due: recorder/row_schedule.* (RowSchedule::offset_ns) in Python
integers, the reference for every check of recorded times.

offset_ns(i) = i * 1e9 / rate_hz rounded to the nearest ns, halves up: for rates that are whole
millihertz (within 1e-9, as the recorder decides) with the rate in mHz, for others with the rate
as the exact binary double it is.
"""

import math

import numpy as np


def _rate_mhz(rate_hz):
    """The rate in millihertz when it is a whole number of them (RowSchedule's constructor), or 0."""
    mhz = float(rate_hz) * 1000.0
    nearest = math.floor(mhz)
    if mhz - nearest >= 0.5:  # std::round: halves away from zero
        nearest += 1
    return nearest if abs(mhz - nearest) < 1e-9 * mhz else 0


def _offset(index, rate_hz):
    """The formula, for a Python int or a numpy array of Python ints (dtype object)."""
    m = _rate_mhz(rate_hz)
    if m > 0:
        return (index * 10**12 + m // 2) // m
    # floor(index * 1e9 / rate + 1/2) with the rate exactly num / den.
    num, den = float(rate_hz).as_integer_ratio()
    return (2 * index * 10**9 * den + num) // (2 * num)


def offset_ns(index, rate_hz):
    """RowSchedule::offset_ns(index)."""
    return _offset(int(index), rate_hz)


def offsets_ns(indices, rate_hz):
    """offset_ns of every index of an array, as an int64 array."""
    return _offset(np.asarray(indices, dtype=np.int64).astype(object), rate_hz).astype(np.int64)


def expected_times(t0, rows, rate_hz):
    """The time column of rows 0..rows-1 of a recording that starts at t0 (ns)."""
    return np.array([t0 + offset_ns(i, rate_hz) for i in range(rows)], dtype=np.int64)


def elapsed_s(index, rate_hz):
    """SampleTick::elapsed_s as the sampler computes it: offset_ns(index) * 1e-9 in doubles."""
    return float(offset_ns(index, rate_hz)) * 1e-9
