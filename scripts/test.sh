#!/usr/bin/env bash
# Installs, builds and runs every test: the host build with warnings as errors, then the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer and under ThreadSanitizer; then the
# ARM builds (toolchains/README.md): aarch64 with the minimal static HDF5 and the whole suite
# under qemu-aarch64, armhf with the minimal static HDF5 and every test of the h5rec binary
# under qemu-arm, and aarch64 against Debian's libhdf5-dev:arm64 with the binary's end-to-end tests.
# The Debian packages for amd64, arm64 and armhf (cpack; the amd64 one installed and removed).
# Recordings made under emulation are read back bit-exactly by the host's h5py. Last, the libFuzzer
# harnesses (preset fuzz, tests/fuzz) briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each stage's minutes are printed at the end (and when a stage fails).
stage_name="" stage_start=$SECONDS stage_log=""
stage() {
  if [ -n "$stage_name" ]; then
    stage_log+="$(printf '%6.1f min  %s' "$(((SECONDS - stage_start) * 10 / 60))e-1" "$stage_name")"$'\n'
  fi
  stage_name=$1 stage_start=$SECONDS
  [ -z "$stage_name" ] || echo "== $stage_name"
}
stage "install dependencies"
scripts/install-deps.sh --cross
# Every preset is configured and built by scripts/build-presets.sh, one after another, in the
# background at low priority, while this script runs the tests of those already built: a test
# stage leaves much of the CPU idle (tests wait on clocks, storage and children), and the builds
# take it. Two builders: the presets tested first at nice 10, the others at nice 19, which gets
# the CPU the first leaves in its single-threaded steps (configuring, HDF5's configure checks
# under qemu, links). Every suite thus runs beside busy compilers, and must pass so.
builds=build/presets
rm -rf "$builds"
setsid nice -n 10 scripts/build-presets.sh "$builds" host host-sanitize host-tsan aarch64 &
builders=($!)
setsid nice -n 19 scripts/build-presets.sh "$builds" armhf:h5rec amd64 aarch64-debian:h5rec fuzz &
builders+=($!)
finish() {
  local status=$? pid
  for pid in "${builders[@]}"; do kill -- "-$pid" 2> /dev/null || true; done
  stage ""
  printf '\nMinutes per stage (%s; builds overlap the tests before them):\n%s%6.1f min  total\n' \
    "$([ "$status" -eq 0 ] && echo passed || echo "failed in the last one")" "$stage_log" \
    "$((SECONDS * 10 / 60))e-1"
  for f in "$builds"/*.status; do
    [ -e "$f" ] || continue
    read -r rc seconds < "$f"
    printf '%6.1f min  build of %s (exit %s)\n' "$((seconds * 10 / 60))e-1" "$(basename "$f" .status)" "$rc"
  done
}
trap finish EXIT
# Waits until PRESET is built and shows its output; fails if the build did. (Each builder stops
# at its first failure, which leaves a status: this is awaited in the order the builders build.)
built() {
  local status=$builds/$1.status
  stage "$1: build (the part the tests before it did not hide)"
  while [ ! -e "$status" ]; do
    if ! kill -0 "${builders[@]}" 2> /dev/null; then
      echo "scripts/build-presets.sh ended before building $1" >&2
      return 1
    fi
    sleep 2
  done
  cat "$builds/$1.log"
  [ "$(cut -d' ' -f1 "$status")" -eq 0 ] || { echo "building preset $1 failed" >&2; return 1; }
}
# Tests run side by side, two per core: many wait on a real clock, on storage or on a child.
# (Not ctest's --test-load: it starts no test at all while the load average, high from the
# builds, is above its bound less one.)
jobs=(--parallel "$((2 * $(nproc)))")

for preset in host host-sanitize host-tsan aarch64; do
  built "$preset"
  stage "$preset: tests"
  ctest --preset "$preset" "${jobs[@]}"
done
# The board's Debian package (cmake/Packaging.cmake), checked with the others below.
stage "aarch64: Debian package"
rm -rf build/aarch64/packages
cpack --preset aarch64

# The binary's tests only (Python, run h5rec under qemu-arm) and the static-binary check: the
# rest of the suite is the same code as on aarch64, and linking every test program for a second
# ARM target would double the time.
built armhf
stage "armhf: tests of the h5rec binary, Debian package"
ctest --preset armhf -R '^(integration|fault\.storage)\.test_|^release\.' "${jobs[@]}"
rm -rf build/armhf/packages
cpack --preset armhf

# The amd64 package needs the static binary only (preset amd64: the minimal HDF5 and target h5rec,
# no tests). packaging/test-deb.sh checks all three packages (control fields, conffile, unit, a
# static binary of the right machine) and installs this machine's for real: dpkg -i, apt-get
# install ./DEB, the service's user recording, systemd-analyze verify, removal and purge.
built amd64
stage "amd64: Debian packages (amd64 built, all three checked, amd64 installed)"
rm -rf build/amd64/packages
cpack --preset amd64
packaging/test-deb.sh build/amd64/packages/h5rec_*_amd64.deb build/aarch64/packages/h5rec_*_arm64.deb \
  build/armhf/packages/h5rec_*_armhf.deb

# Debian's libhdf5-dev:arm64 in a multiarch sysroot (toolchains/debian-sysroot.sh): end-to-end
# tests of the binary.
built aarch64-debian
stage "aarch64-debian: tests"
ctest --preset aarch64-debian "${jobs[@]}"

# libFuzzer harnesses (tests/fuzz): each over its seed corpus, then fuzzed for 20 s; a finding in
# h5rec's code fails, one inside HDF5 is listed (tests/fuzz/run_fuzzers.sh).
built fuzz
stage "fuzz: libFuzzer harnesses"
tests/fuzz/run_fuzzers.sh build/fuzz 20
