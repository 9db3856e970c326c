#!/usr/bin/env bash
# Installs, builds, and records the default simulated-sensor config for 10 s on the real clock,
# reading the file with h5py (SWMR) while it grows, then prints what was recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset host >/dev/null  # configures the tests too, builds only h5rec
cmake --build --preset host --target h5rec

out=$(mktemp -d /tmp/h5rec-demo-XXXXXX)
echo "== h5rec record config/examples/default.toml --output $out --duration 10"
build/host/h5rec record config/examples/default.toml --output "$out" --duration 10 &
recorder=$!
sleep 1
file=$(find "$out" -name '*.h5' -type f | head -n 1)  # the segment, not the live link
HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 - "$file" <<'PY'
import sys, time, h5py
with h5py.File(sys.argv[1], "r", libver="latest", swmr=True) as f:
    counter = f["fast/counter"]
    for _ in range(4):
        time.sleep(2)
        counter.refresh()
        print(f"h5py (SWMR, while recording): fast/counter has {counter.shape[0]} rows, "
              f"last value {counter[-1] if counter.shape[0] else None}")
PY
wait "$recorder"
echo "== h5rec info"
build/host/h5rec info "$file"
echo "== h5rec tail -n 3"
build/host/h5rec tail "$file" -n 3
echo "recording kept in $out"
