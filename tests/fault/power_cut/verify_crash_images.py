"""Independent check of recovered crash images (tests/fault/power_cut/power_cut_sweep.cpp).

Usage: verify_crash_images.py SPEC.json MANIFEST.jsonl

SPEC describes the recording: t0_ns (UTC of row 0), the groups with rate_hz and their counter
channels (value of row i = start + step * i in every component, stored as dtype), dump_every.
Each MANIFEST line is one recovered image: its directory, cut point, variant, seed, and per
binding (the groups in order, then /_status) the rows of the last checkpoint marked before the
cut (lo) and of the next one (hi).

For every image, reading only with plain h5py (no SWMR, no h5clear) and h5dump:
  * no journal is left; the segments (root attribute `segment`) are numbered 1..n, each naming
    the one before it in `previous_segment`;
  * every dataset of a group holds the same number of rows in each segment; concatenated over the
    segments, every counter channel is exactly start + step * i for i = 0..R-1 (bit-exact, in the
    expected dtype and shape) and time is t0 + round(i * 1e9 / rate_hz) ns;
  * the rows of every group and of /_status are those of one checkpoint: all equal to lo (the
    last one marked before the cut) or all equal to hi (the next one: its commit may be durable
    before its mark is traced);
  * every dump_every-th image of the manifest (and the reference recording): `h5dump -H` opens
    every segment.
Prints one line per failing image (image, cut point, variant, seed, what differed) and a
summary; exits 1 if any image failed.
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

from h5rec_test import row_schedule


_OFFSETS = {}


def offsets_ns(count, rate_hz):
    """RowSchedule::offset_ns(i) for i in 0..count-1 (row_schedule), cached per rate."""
    cached = _OFFSETS.get(rate_hz)
    if cached is None or len(cached) < count:
        n = max(count, 2 * len(cached) if cached is not None else 4096)
        cached = row_schedule.offsets_ns(np.arange(n), rate_hz)
        _OFFSETS[rate_hz] = cached
    return cached[:count]


class ImageError(Exception):
    pass


def expected_values(channel, count):
    index = np.arange(count, dtype=np.float64)
    values = channel["start"] + channel["step"] * index  # exact: small integers and quarters
    dtype = np.dtype(channel["dtype"])
    out = values.astype(dtype)
    if not np.array_equal(out.astype(np.float64), values):
        raise ImageError(f"spec: {channel['name']} values not exact in {dtype}")
    if channel["components"] > 1:
        out = np.repeat(out[:, None], channel["components"], axis=1)
    return out


def bits(array):
    return np.ascontiguousarray(array).view(np.uint8)


def segments_of(directory):
    names = sorted(os.listdir(directory))
    journals = [n for n in names if n.endswith("-journal")]
    if journals:
        raise ImageError(f"journal left after recovery: {journals}")
    files = []
    for name in names:
        path = os.path.join(directory, name)
        if not name.endswith(".h5") or os.path.islink(path):
            continue
        with h5py.File(path, "r") as f:
            files.append((int(f.attrs["segment"]), str(f.attrs["previous_segment"]), name))
    files.sort()
    numbers = [number for number, _, _ in files]
    if numbers != list(range(1, len(files) + 1)):
        raise ImageError(f"segments numbered {numbers}, files {[n for _, _, n in files]}")
    for k in range(1, len(files)):
        if files[k][1] != files[k - 1][2]:
            raise ImageError(f"{files[k][2]}: previous_segment '{files[k][1]}', "
                             f"expected '{files[k - 1][2]}'")
    return [os.path.join(directory, name) for _, _, name in files]


def check_image(spec, entry):
    paths = segments_of(entry["dir"])
    groups = spec["groups"]
    names = [g["name"] for g in groups] + ["_status"]
    columns = {g["name"]: ["time"] + [c["name"] for c in g["channels"]] for g in groups}
    data = {name: {} for name in names}  # name -> column -> list of arrays
    per_segment_rows = []
    for path in paths:
        with h5py.File(path, "r") as f:
            if f.attrs["h5rec_format"] != 1:
                raise ImageError(f"{os.path.basename(path)}: h5rec_format is not 1")
            rows_here = []
            for name in names:
                group = f[name]
                want = columns.get(name, sorted(group.keys()))
                if sorted(group.keys()) != sorted(want):
                    raise ImageError(f"{os.path.basename(path)}: /{name} holds "
                                     f"{sorted(group.keys())}, expected {sorted(want)}")
                lengths = set()
                for column in want:
                    array = group[column][()]
                    lengths.add(array.shape[0])
                    data[name].setdefault(column, []).append(array)
                if len(lengths) != 1:
                    raise ImageError(f"{os.path.basename(path)}: /{name} datasets differ in "
                                     f"rows: {sorted(lengths)}")
                rows_here.append(lengths.pop())
            per_segment_rows.append(rows_here)
    rows = [sum(r[k] for r in per_segment_rows) for k in range(len(names))]
    lo, hi = entry["lo"], entry["hi"]
    if rows != lo and rows != hi:
        detail = ", ".join(f"{n} {r} (checkpoints {a}/{b})"
                           for n, r, a, b in zip(names, rows, lo, hi))
        raise ImageError(f"rows are not those of one checkpoint: {detail}; per segment "
                         f"{per_segment_rows}")

    for g, group in enumerate(groups):
        count = rows[g]
        if count == 0:
            continue
        name = group["name"]
        time = np.concatenate(data[name]["time"])
        if time.dtype != np.int64:
            raise ImageError(f"{name}/time has dtype {time.dtype}")
        want_time = spec["t0_ns"] + offsets_ns(count, group["rate_hz"])
        if not np.array_equal(time, want_time):
            bad = int(np.nonzero(time != want_time)[0][0])
            raise ImageError(f"{name}/time row {bad} is {time[bad]}, expected {want_time[bad]}")
        for channel in group["channels"]:
            values = np.concatenate(data[name][channel["name"]])
            want = expected_values(channel, count)
            if values.dtype != want.dtype or values.shape != want.shape:
                raise ImageError(f"{name}/{channel['name']}: {values.dtype} {values.shape}, "
                                 f"expected {want.dtype} {want.shape}")
            if not np.array_equal(bits(values), bits(want)):
                differs = np.any(bits(values).reshape(count, -1) != bits(want).reshape(count, -1),
                                 axis=1)
                bad = int(np.nonzero(differs)[0][0])
                raise ImageError(f"{name}/{channel['name']} row {bad} holds {values[bad]!r} "
                                 f"(bytes {bits(values[bad]).tobytes().hex()}), expected "
                                 f"{want[bad]!r} (bytes {bits(want[bad]).tobytes().hex()})")
    if rows[-1]:
        status = data["_status"]
        for column, parts in status.items():
            values = np.concatenate(parts)
            if column.endswith("_dropped_rows") and np.any(values != 0):
                raise ImageError(f"_status/{column} reports drops: {values.tolist()}")
        status_time = np.concatenate(status["time"])
        if np.any(np.diff(status_time) <= 0):
            raise ImageError(f"_status/time does not increase: {status_time.tolist()}")
    return paths


def h5dump_opens(paths):
    for path in paths:
        done = subprocess.run(["h5dump", "-H", path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            raise ImageError(f"h5dump -H {os.path.basename(path)} failed ({done.returncode}): "
                             f"{done.stderr.strip()[:300]}")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    with open(sys.argv[2]) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    failures = dumped = 0
    for number, entry in enumerate(entries):
        try:
            paths = check_image(spec, entry)
            if entry["image"] == "reference" or number % spec["dump_every"] == 0:
                h5dump_opens(paths)
                dumped += 1
        except Exception as e:  # noqa: BLE001 (h5py errors too: an image that does not open)
            failures += 1
            what = str(e) if isinstance(e, ImageError) else f"{type(e).__name__}: {e}"
            print(f"verify_crash_images: FAIL image {entry['image']} ({entry['cut']}, variant "
                  f"{entry['variant']}, seed {entry['seed']}, recovery {entry.get('recovery', [])}):"
                  f" {what}", flush=True)
    if failures:
        print(f"verify_crash_images: {failures} of {len(entries)} images FAILED "
              f"({os.path.dirname(sys.argv[2])})", flush=True)
        sys.exit(1)
    print(f"verify_crash_images: {len(entries)} images OK ({dumped} also opened by h5dump -H)",
          flush=True)


if __name__ == "__main__":
    main()
