"""h5logger's method in Python, as h5logger does it with h5py: for every logged value, resize
the dataset by one row, write the row, flush the file. Prints calls per second.

Usage: h5logger_h5py.py FILE CALLS
"""
import sys
import time

import h5py
import numpy as np


def main():
    path, calls = sys.argv[1], int(sys.argv[2])
    start = time.perf_counter()
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("number", shape=(0,), maxshape=(None,), dtype=np.float64,
                                chunks=(1024,))
        for i in range(calls):
            dset.resize((i + 1,))
            dset[i] = float(i)
            f.flush()
    print(f"{calls / (time.perf_counter() - start):.0f}")


if __name__ == "__main__":
    main()
