"""Independent check of an h5rec recording with h5py (not h5rec's own reader).

For every rate group it checks, with counter sensors (value of row i == i):
  * time and every counter channel have the same number of rows;
  * each stored row's counter value is its sample index, in every component, and time is
    time0 + round(index * 1e9 / rate_hz) exactly;
  * indices strictly increase; the indices missing between them are the dropped rows, and
    their number equals the last /_status/<group>_dropped_rows value;
  * with --due GROUP=N: stored + dropped == N (every row the schedule called for is accounted);
  * with --max-dropped GROUP=N / --min-dropped GROUP=N: bounds on the drops.
Prints one line per group and exits 1 on the first mismatch.
Run with tests/support on PYTHONPATH (CTest sets it).
"""
import argparse
import sys

import h5py
import numpy as np

from h5rec_test.row_schedule import offsets_ns


def pairs(values):
    out = {}
    for item in values or []:
        group, number = item.split("=")
        out[group] = int(number)
    return out


def fail(message):
    print("verify_recording: FAIL:", message)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--due", action="append")
    parser.add_argument("--max-dropped", action="append")
    parser.add_argument("--min-dropped", action="append")
    args = parser.parse_args()
    due, max_dropped, min_dropped = pairs(args.due), pairs(args.max_dropped), pairs(args.min_dropped)

    with h5py.File(args.file, "r") as f:
        if f.attrs["h5rec_format"] != 1:
            fail("h5rec_format is not 1")
        status = f["_status"]
        for name, group in f.items():
            if name == "_status":
                continue
            rate = float(group.attrs["rate_hz"])
            time = group["time"][:]
            counters = [d for d in group.values() if d.name.split("/")[-1] != "time"
                        and d.attrs.get("sensor") == "counter"]
            if not counters:
                fail(f"group {name} has no counter channel to check")
            index = counters[0][:].reshape(len(time), -1)[:, 0].astype(np.int64)
            for dset in counters:
                values = dset[:]
                if values.shape[0] != len(time):
                    fail(f"{dset.name} has {values.shape[0]} rows, time has {len(time)}")
                flat = values.reshape(len(time), -1)
                expected = index.astype(values.dtype)[:, None]
                if not np.array_equal(flat, np.broadcast_to(expected, flat.shape)):
                    bad = np.nonzero(np.any(flat != expected, axis=1))[0][0]
                    fail(f"{dset.name} row {bad} holds {flat[bad]}, expected {index[bad]}")
            if len(index) and np.any(np.diff(index) <= 0):
                fail(f"group {name}: sample indices do not strictly increase")
            if len(index):
                t0 = int(time[0]) - int(offsets_ns(index[:1], rate)[0])
                want = np.array([t0 + int(o) for o in offsets_ns(index, rate)], dtype=np.int64)
                if not np.array_equal(time, want):
                    bad = np.nonzero(time != want)[0][0]
                    fail(f"group {name}: time row {bad} is {time[bad]}, expected {want[bad]}")
            stored = len(index)
            gaps = int(index[-1] + 1 - stored) if stored else 0
            recorded_drops = int(status[f"{name}_dropped_rows"][-1])
            print(f"verify_recording: group {name}: {stored} rows stored, "
                  f"{recorded_drops} dropped per /_status, last index {index[-1] if stored else None}")
            if name in due:
                if stored + recorded_drops != due[name]:
                    fail(f"group {name}: stored {stored} + dropped {recorded_drops} != due {due[name]}")
                # Rows dropped after the last stored one leave no gap, so count them too.
                tail = due[name] - (int(index[-1]) + 1 if stored else 0)
                gaps += tail
            if gaps != recorded_drops and (name in due or gaps > recorded_drops):
                fail(f"group {name}: {gaps} sample indices missing, /_status says {recorded_drops}")
            if name in max_dropped and recorded_drops > max_dropped[name]:
                fail(f"group {name}: {recorded_drops} dropped > {max_dropped[name]}")
            if name in min_dropped and recorded_drops < min_dropped[name]:
                fail(f"group {name}: {recorded_drops} dropped < {min_dropped[name]}")
    print("verify_recording: OK")


if __name__ == "__main__":
    main()
