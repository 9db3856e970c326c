"""Independent check of a chain of h5rec segments with plain h5py (no SWMR, no h5clear).

Usage: verify_segments.py PATH... [--due GROUP=N] [--stored GROUP=N] [--dropped GROUP=N]
                          [--min-dropped GROUP=N] [--max-dropped GROUP=N] [--min-segments N]
                          [--h5dump] [--status-gapless]

PATH is a segment file or a directory of them (symbolic links, i.e. the live link, are skipped).
Every group's channels must be `counter` sensors, so the value of row i is i. Checks:
  * no segment has a journal next to it, and each opens read-only with HDF5's default driver;
  * the `segment` attributes are 1..n without a gap, and `previous_segment` names the file before;
  * per group, in every segment: time and every channel have the same rows; each row's counter
    value is its sample index in every component; time is t0 + offset(index) with one t0 for the
    whole chain;
  * per group, over the chain ordered by `segment`: the indices strictly increase (no row in two
    files), all lie below --due, and the indices missing from 0..due-1 are exactly the last
    /_status/<group>_dropped_rows of the last segment: stored + dropped == due;
  * /_status/<group>_dropped_rows never decreases along the chain;
  * --stored / --dropped: the recorder's own summary agrees; --min/max-dropped: bounds;
  * --h5dump: `h5dump -H` opens every segment too;
  * --status-gapless: /_status has a row for every status interval along the chain, stamped when
    it was due (the recording's start + k / rate_hz, the first at the start), but for the last
    row (the final counts, at the stop), even across storage stalls.
Prints one line per segment and per group; exits 1 at the first mismatch. The Python tests
import it and call check_chain(), which raises VerifyError instead. Run with tests/support on
PYTHONPATH (CTest sets it).
"""
import argparse
import os
import pathlib
import subprocess
import sys

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

from h5rec_test.row_schedule import offsets_ns  # noqa: E402
from h5rec_test.verify_recording import pairs  # noqa: E402


class VerifyError(Exception):
    """A check failed (the message says which)."""


def fail(message):
    raise VerifyError(message)


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


def segment_files(paths):
    files = []
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            files += [f for f in sorted(p.iterdir())
                      if f.suffix == ".h5" and not f.is_symlink() and f.is_file()]
        else:
            files.append(p)
    return files


def read_segment(path):
    journal = pathlib.Path(str(path) + "-journal")
    if journal.exists():
        fail(f"{path} still has a journal ({journal.name}): not recovered")
    try:
        f = h5py.File(str(path), "r", locking=False)
    except OSError as e:
        fail(f"{path} does not open read-only with HDF5's default driver: {e}")
    with f:
        seg = {"path": path, "segment": int(f.attrs["segment"]),
               "previous": text(f.attrs.get("previous_segment", "")),
               "device": text(f.attrs["device_id"]), "groups": {}, "status": {}}
        for name, group in f.items():
            if name == "_status":
                for key, dset in group.items():
                    seg["status"][key] = dset[:]
                seg["status_rate"] = float(group.attrs["rate_hz"])
                continue
            rate = float(group.attrs["rate_hz"])
            time = group["time"][:]
            channels = [d for d in group.values() if d.name.split("/")[-1] != "time"]
            if not channels:
                fail(f"{path}: group {name} has no channel")
            index = None
            for dset in channels:
                if text(dset.attrs.get("sensor", "")) != "counter":
                    fail(f"{dset.name} is not a counter channel; this check needs counters")
                values = dset[:]
                if values.shape[0] != len(time):
                    fail(f"{path}: {dset.name} has {values.shape[0]} rows, time has {len(time)}")
                flat = values.reshape(len(time), int(np.prod(values.shape[1:])))
                if index is None:
                    index = flat[:, 0].astype(np.int64) if len(time) else np.zeros(0, np.int64)
                expected = index.astype(values.dtype)[:, None]
                if not np.array_equal(flat, np.broadcast_to(expected, flat.shape)):
                    bad = np.nonzero(np.any(flat != expected, axis=1))[0][0]
                    fail(f"{path}: {dset.name} row {bad} holds {flat[bad]}, expected {index[bad]}")
            seg["groups"][name] = {"rate": rate, "time": time, "index": index}
    return seg


def check_status_gapless(segments, t0):
    """Every status interval has its row, due at t0 + offset(k), k = 0, 1, ...; the last row
    (the final counts) comes at the stop, after the others."""
    time = np.concatenate([s["status"]["time"] for s in segments]).astype(np.int64)
    if len(time) < 2:
        fail(f"/_status has {len(time)} rows")
    rate = segments[0]["status_rate"]
    want = np.array([t0 + int(o) for o in offsets_ns(np.arange(len(time) - 1), rate)], np.int64)
    if not np.array_equal(time[:-1], want):
        bad = int(np.nonzero(time[:-1] != want)[0][0])
        fail(f"/_status row {bad} along the chain is stamped {time[bad]}, expected {want[bad]} "
             f"(a row every {1 / rate} s from the start: a gap or a late stamp)")
    if time[-1] < time[-2]:
        fail("/_status: the last row is stamped before the one before it")


def check_chain(paths, due=None, stored_want=None, dropped_want=None, min_dropped=None,
                max_dropped=None, min_segments=1, h5dump=False, status_gapless=False, log=print):
    """Runs every check on the segments found in `paths`; raises VerifyError on the first
    mismatch. Returns {group: {"stored", "dropped", "indices" (numpy array), "t0"}} and, under
    "_segments", the segment files in chain order."""
    due, stored_want, dropped_want = due or {}, stored_want or {}, dropped_want or {}
    min_dropped, max_dropped = min_dropped or {}, max_dropped or {}
    segments = [read_segment(p) for p in segment_files(paths)]
    if len(segments) < min_segments:
        fail(f"{len(segments)} segments, expected at least {min_segments}")
    segments.sort(key=lambda s: s["segment"])
    numbers = [s["segment"] for s in segments]
    if numbers != list(range(1, len(segments) + 1)):
        fail(f"segment numbers {numbers} are not 1..{len(segments)} "
             f"(files {[s['path'].name for s in segments]})")
    for before, after in zip(segments, segments[1:]):
        if after["previous"] != before["path"].name:
            fail(f"{after['path'].name}: previous_segment is {after['previous']!r}, "
                 f"expected {before['path'].name!r}")
        if after["device"] != before["device"]:
            fail(f"{after['path'].name}: device_id changed")
    for s in segments:
        rows = ", ".join(f"{g} {len(v['index'])}" for g, v in s["groups"].items())
        first = ", ".join(f"{g} from {int(v['index'][0])}" for g, v in s["groups"].items()
                          if len(v["index"]))
        log(f"verify_segments: segment {s['segment']} {s['path'].name}: {rows} rows ({first})")
        if h5dump:
            dump = subprocess.run(["h5dump", "-H", str(s["path"])], capture_output=True, text=True)
            if dump.returncode != 0:
                fail(f"h5dump -H {s['path']} exited {dump.returncode}: {dump.stderr[-2000:]}")

    result = {"_segments": [s["path"] for s in segments]}
    last_status = segments[-1]["status"] if segments else {}
    for name in (segments[0]["groups"] if segments else {}):
        rate = segments[0]["groups"][name]["rate"]
        index = np.concatenate([s["groups"][name]["index"] for s in segments])
        time = np.concatenate([s["groups"][name]["time"] for s in segments])
        if len(index) and np.any(np.diff(index) <= 0):
            bad = int(np.nonzero(np.diff(index) <= 0)[0][0])
            fail(f"group {name}: index {index[bad + 1]} follows {index[bad]} along the chain "
                 "(a row twice, or out of order)")
        t0 = None
        if len(index):
            if index[0] < 0:
                fail(f"group {name}: negative sample index {index[0]}")
            t0 = int(time[0]) - int(offsets_ns(index[:1], rate)[0])
            want = np.array([t0 + int(o) for o in offsets_ns(index, rate)], dtype=np.int64)
            if not np.array_equal(time, want):
                bad = int(np.nonzero(time != want)[0][0])
                fail(f"group {name}: time of row {bad} (index {index[bad]}) is {time[bad]}, "
                     f"expected {want[bad]}")
        drops_along = np.concatenate([s["status"][f"{name}_dropped_rows"] for s in segments])
        if len(drops_along) and np.any(np.diff(drops_along.astype(np.int64)) < 0):
            fail(f"group {name}: /_status dropped_rows decreases along the chain")
        key = f"{name}_dropped_rows"
        dropped = int(last_status[key][-1]) if key in last_status and len(last_status[key]) else None
        stored = len(index)
        log(f"verify_segments: group {name}: {stored} rows stored in {len(segments)} segments, "
            f"{dropped} dropped per /_status, due {due.get(name)}")
        if name in due or name in dropped_want or name in min_dropped or name in max_dropped:
            if dropped is None:
                fail(f"group {name}: the last segment has no /_status/{key} row")
        if name in due:
            if stored and int(index[-1]) >= due[name]:
                fail(f"group {name}: index {index[-1]} stored but only {due[name]} rows were due")
            # Indices strictly increase and lie in 0..due-1: due - stored of them are missing.
            if stored + dropped != due[name]:
                fail(f"group {name}: {stored} stored + {dropped} dropped (/_status) != "
                     f"{due[name]} due: {due[name] - stored} rows are missing")
        if name in stored_want and stored != stored_want[name]:
            fail(f"group {name}: {stored} rows in the files, the recorder says {stored_want[name]}")
        if name in dropped_want and dropped != dropped_want[name]:
            fail(f"group {name}: /_status says {dropped} dropped, the recorder says "
                 f"{dropped_want[name]}")
        if name in min_dropped and dropped < min_dropped[name]:
            fail(f"group {name}: {dropped} dropped < {min_dropped[name]}")
        if name in max_dropped and dropped > max_dropped[name]:
            fail(f"group {name}: {dropped} dropped > {max_dropped[name]}")
        result[name] = {"stored": stored, "dropped": dropped, "indices": index, "t0": t0}
    if status_gapless and segments:
        t0 = next((v["t0"] for k, v in result.items() if k != "_segments" and v["t0"] is not None),
                  None)
        if t0 is None:
            fail("--status-gapless needs a group with stored rows (the recording's start)")
        check_status_gapless(segments, t0)
        log("verify_segments: /_status has a row for every interval")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    for option in ("--due", "--stored", "--dropped", "--min-dropped", "--max-dropped"):
        parser.add_argument(option, action="append")
    parser.add_argument("--min-segments", type=int, default=1)
    parser.add_argument("--h5dump", action="store_true")
    parser.add_argument("--status-gapless", action="store_true")
    args = parser.parse_args()
    try:
        check_chain(args.paths, pairs(args.due), pairs(args.stored), pairs(args.dropped),
                    pairs(args.min_dropped), pairs(args.max_dropped), args.min_segments,
                    args.h5dump, args.status_gapless, log=lambda line: print(line, flush=True))
    except VerifyError as e:
        print("verify_segments: FAIL:", e, flush=True)
        sys.exit(1)
    print("verify_segments: OK", flush=True)


if __name__ == "__main__":
    main()
