"""Recordings on disk: finding them and opening them with h5py, and what the recorder makes of a
config (chunk sizes)."""

import math
import os
import pathlib

# HDF5 reads this variable when a file is opened: readers of live recordings must not lock.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import h5py  # noqa: E402  (after the environment is set)
import numpy as np  # noqa: E402


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


def chunk_rows_for(rate_hz, checkpoint_interval_s, widest_row_bytes, chunk_bytes):
    """Rows per chunk (config/README.md "Chunks"): the rows of checkpoint_interval / 8, at least
    16, at most chunk_bytes of the group's widest dataset row."""
    wanted = max(16, math.ceil(rate_hz * checkpoint_interval_s / 8.0))
    return min(wanted, max(1, chunk_bytes // widest_row_bytes))
