"""Reads back the files of logger_threads_test.cpp with h5py; exits 0 if every value landed.

  verify_threads.py own DIR THREADS VALUES      DIR/thread<t>.h5: value = t * 1e9 + arange(VALUES),
                                                pair = [arange(VALUES), 0.5 * t]
  verify_threads.py shared FILE THREADS VALUES  thread<t>/value = arange(VALUES); all holds every
                                                t * 1e9 + i, each thread's values in order
"""

import os
import sys

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

THREAD_BASE = 1_000_000_000


def fail(message):
    print("verify_threads.py: " + message, file=sys.stderr)
    sys.exit(1)


def check_dataset(f, name, expected):
    if name not in f:
        fail("%s: no dataset %s (has %s)" % (f.filename, name, sorted(f.keys())))
    dset = f[name]
    if dset.dtype != expected.dtype:
        fail("%s:/%s: dtype %s, expected %s" % (f.filename, name, dset.dtype, expected.dtype))
    data = dset[...]
    if data.shape != expected.shape:
        fail("%s:/%s: shape %s, expected %s" % (f.filename, name, data.shape, expected.shape))
    if not np.array_equal(data, expected):
        bad = np.argwhere(data != expected)[0]
        fail("%s:/%s: first difference at %s: %r != %r" % (
            f.filename, name, tuple(bad), data[tuple(bad)], expected[tuple(bad)]))


def verify_own(directory, threads, values):
    i = np.arange(values, dtype="<i8")
    for t in range(threads):
        path = os.path.join(directory, "thread%d.h5" % t)
        with h5py.File(path, "r") as f:
            check_dataset(f, "value", t * THREAD_BASE + i)
            pair = np.stack([i.astype("<f8"), np.full(values, 0.5 * t)], axis=1)
            check_dataset(f, "pair", pair)
            names = []
            f.visit(lambda n: names.append(n) if isinstance(f[n], h5py.Dataset) else None)
            if sorted(names) != ["pair", "value"]:
                fail("%s: datasets %s" % (path, names))


def verify_shared(path, threads, values):
    i = np.arange(values, dtype="<i8")
    with h5py.File(path, "r") as f:
        for t in range(threads):
            check_dataset(f, "thread%d/value" % t, i)
        all_values = f["all"][...]
        if all_values.dtype != np.dtype("<i8") or all_values.shape != (threads * values,):
            fail("all: %s %s" % (all_values.dtype, all_values.shape))
        owner = all_values // THREAD_BASE
        for t in range(threads):
            mine = all_values[owner == t]
            if not np.array_equal(mine, t * THREAD_BASE + i):
                fail("all: thread %d's values are missing, duplicated or out of order "
                     "(%d of them)" % (t, mine.size))
        if np.count_nonzero((owner < 0) | (owner >= threads)):
            fail("all: values from no thread")


def main(argv):
    if len(argv) != 5 or argv[1] not in ("own", "shared"):
        fail("usage: verify_threads.py own DIR THREADS VALUES | shared FILE THREADS VALUES")
    threads, values = int(argv[3]), int(argv[4])
    if argv[1] == "own":
        verify_own(argv[2], threads, values)
    else:
        verify_shared(argv[2], threads, values)
    print("verify_threads.py: %s OK" % argv[2])


if __name__ == "__main__":
    main(sys.argv)
