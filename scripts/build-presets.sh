#!/usr/bin/env bash
# Configures and builds CMake presets one after another, for scripts/test.sh, which runs each
# preset's tests while the next ones build (start this at low priority: nice -n 19; the tests then
# keep the CPU they ask for and the builds take the rest).
#
#   scripts/build-presets.sh STATUS_DIR PRESET[:TARGET]...
#
# Per preset, STATUS_DIR/PRESET.log gets the configure and build output and, when it is done,
# STATUS_DIR/PRESET.status holds "EXIT_CODE SECONDS". The first preset that fails ends the run
# (the presets after it get no status). With a preset "aarch64-debian" among them, the arm64
# sysroot it needs (toolchains/debian-sysroot.sh) is made in the background from the start (it is
# mostly downloading) and waited for before that preset.
set -uo pipefail
cd "$(dirname "$0")/.."
status_dir=$1
shift
mkdir -p "$status_dir"
sysroot=build/sysroot-arm64
sysroot_pid=""
if [[ " $* " == *" aarch64-debian"* ]]; then
  toolchains/debian-sysroot.sh arm64 "$sysroot" > "$status_dir/sysroot-arm64.log" 2>&1 &
  sysroot_pid=$!
  trap 'kill "$sysroot_pid" 2> /dev/null' EXIT
fi

for item in "$@"; do
  preset=${item%%:*}
  target=()
  [ "$item" = "$preset" ] || target=(--target "${item#*:}")
  log=$status_dir/$preset.log
  start=$SECONDS
  {
    rc=0
    if [ "$preset" = aarch64-debian ]; then
      wait "$sysroot_pid" || rc=$?
      cat "$status_dir/sysroot-arm64.log"
      [ "$rc" -eq 0 ] || echo "toolchains/debian-sysroot.sh arm64 $sysroot failed (exit $rc)"
    fi
    if [ "$rc" -eq 0 ]; then
      cmake --preset "$preset" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON &&
        cmake --build --preset "$preset" "${target[@]}" || rc=$?
    fi
    echo "$rc $((SECONDS - start))" > "$status_dir/$preset.status.tmp"
  } > "$log" 2>&1
  mv "$status_dir/$preset.status.tmp" "$status_dir/$preset.status"
  [ "$(cut -d' ' -f1 "$status_dir/$preset.status")" -eq 0 ] || exit 1
done
