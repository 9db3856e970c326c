#!/usr/bin/env bash
# cmake --install, then build a separate project against it twice: with find_package(h5rec
# CONFIG) + h5rec::h5rec, and a C program with `pkg-config --cflags --libs h5rec`. Both logs are
# read back with h5py.  Usage: test_install.sh BUILD_DIR SOURCE_DIR
# A cross build's CTest sets H5REC_TOOLCHAIN (its toolchain file), H5REC_CC (the target's C
# compiler), H5REC_EMULATOR (runs the target's programs) and H5REC_HDF5_PKGCONFIG (the pkg-config
# directory of the HDF5 it links, statically). H5REC_LINK_FLAGS: extra flags for both links
# (-fno-lto where the libraries hold LTO bytecode beside their machine code: H5REC_LTO_BINARY).
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/include/h5rec/logger.hpp"
test -f "$work/prefix/include/h5rec/logger.h"
test -x "$work/prefix/bin/h5rec"

# The installed library is the logger and the layers it stands on (layers.toml): no simulated
# platform (sim storage, crash model), no sensor driver, no board.
members=$(ar t "$(find "$work/prefix" -name libh5rec.a)")
grep -qx 'logger.cpp.o' <<< "$members"
if grep -E '^(sim_|crash_model|bme280|gpio_counter|iio_|sensor_factory)' <<< "$members"; then
  echo "libh5rec.a holds more than the logger's layers (above)" >&2
  exit 1
fi

# The board's part: the systemd unit runs the installed binary on the installed config, which
# records (a short virtual-clock run here).
unit="$work/prefix/lib/systemd/system/h5rec.service"
grep -qx "ExecStart=$work/prefix/bin/h5rec record $work/prefix/etc/h5rec/h5rec.toml" "$unit"
grep -qx "Type=notify" "$unit"
grep -qx "Restart=on-failure" "$unit"
read -r -a emulator <<< "${H5REC_EMULATOR:-}"
"${emulator[@]}" "$work/prefix/bin/h5rec" record "$work/prefix/etc/h5rec/h5rec.toml" \
  --duration 2 --virtual-clock --output "$work/recordings" > "$work/record.log"
ls "$work"/recordings/*.h5 > /dev/null

cross=()
if [ -n "${H5REC_TOOLCHAIN:-}" ]; then cross=(-DCMAKE_TOOLCHAIN_FILE="$H5REC_TOOLCHAIN"); fi
cmake -S "$source/tests/install/consumer" -B "$work/consumer" -G Ninja "${cross[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_EXE_LINKER_FLAGS="${H5REC_LINK_FLAGS:-}" \
  > "$work/configure.log"
cmake --build "$work/consumer" > "$work/build.log"
"${emulator[@]}" "$work/consumer/consumer" "$work/cmake.h5"

pcdir=$(find "$work/prefix" -name h5rec.pc -printf '%h\n')
pkg_config=(env PKG_CONFIG_PATH="$pcdir" pkg-config)
if [ -n "${H5REC_HDF5_PKGCONFIG:-}" ]; then
  pkg_config=(env PKG_CONFIG_LIBDIR="$pcdir:$H5REC_HDF5_PKGCONFIG" pkg-config --static)
fi
# shellcheck disable=SC2046,SC2086
"${H5REC_CC:-cc}" -o "$work/c_example" "$source/examples/c_example.c" ${H5REC_LINK_FLAGS:-} \
  $("${pkg_config[@]}" --cflags --libs h5rec)
"${emulator[@]}" "$work/c_example" "$work/pkgconfig.h5" > /dev/null

/usr/bin/python3 - "$work/cmake.h5" "$work/pkgconfig.h5" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    assert np.array_equal(f["value"][:], np.arange(1000) * 0.5), "find_package consumer"
with h5py.File(sys.argv[2], "r") as f:
    assert np.array_equal(f["count"][:], np.arange(100)), "pkg-config consumer"
    assert f["imu/accel"].shape == (100, 3)
print("installed package works with find_package and pkg-config")
PY
