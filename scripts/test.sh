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
configure=(-DH5REC_BUILD_TESTS=ON -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
# The arm64 sysroot for aarch64-debian is mostly downloading (~45 s, little CPU): it is made in
# the background while the host presets build, and waited for before that stage.
mkdir -p build
toolchains/debian-sysroot.sh arm64 build/sysroot-arm64 > build/sysroot-arm64.log 2>&1 &
sysroot_pid=$!
finish() {
  local status=$?
  kill "$sysroot_pid" 2> /dev/null || true
  stage ""
  printf '\nMinutes per stage (%s):\n%s%6.1f min  total\n' \
    "$([ "$status" -eq 0 ] && echo passed || echo "failed in the last one")" "$stage_log" \
    "$((SECONDS * 10 / 60))e-1"
}
trap finish EXIT
# Tests run side by side, two per core: many wait on a real clock, on storage or on a child.
# (Not ctest's --test-load: it starts no test at all while the load average, still high from the
# build, is above its bound less one.)
jobs=(--parallel "$((2 * $(nproc)))")

for preset in host host-sanitize host-tsan aarch64; do
  stage "$preset: build"
  cmake --preset "$preset" "${configure[@]}"
  cmake --build --preset "$preset"
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
binary_tests='^(integration|fault\.storage)\.test_|^release\.'
stage "preset armhf (tests of the h5rec binary)"
cmake --preset armhf "${configure[@]}"
cmake --build --preset armhf --target h5rec
ctest --preset armhf -R "$binary_tests" "${jobs[@]}"
rm -rf build/armhf/packages
cpack --preset armhf

# The amd64 package needs the static binary only (preset amd64: the minimal HDF5 and target h5rec,
# no tests). packaging/test-deb.sh checks all three packages (control fields, conffile, unit, a
# static binary of the right machine) and installs this machine's for real: dpkg -i, apt-get
# install ./DEB, the service's user recording, systemd-analyze verify, removal and purge.
stage "preset amd64 (Debian packages: amd64 built, all three checked, amd64 installed)"
cmake --preset amd64 -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
cmake --build --preset amd64
rm -rf build/amd64/packages
cpack --preset amd64
packaging/test-deb.sh build/amd64/packages/h5rec_*_amd64.deb build/aarch64/packages/h5rec_*_arm64.deb \
  build/armhf/packages/h5rec_*_armhf.deb

stage "preset aarch64-debian (Debian's libhdf5-dev:arm64, end-to-end tests of the binary)"
sysroot_ok=0
wait "$sysroot_pid" || sysroot_ok=$?
cat build/sysroot-arm64.log
if [ "$sysroot_ok" -ne 0 ]; then
  echo "toolchains/debian-sysroot.sh arm64 failed (exit $sysroot_ok)" >&2
  exit 1
fi
cmake --preset aarch64-debian "${configure[@]}"
cmake --build --preset aarch64-debian --target h5rec
ctest --preset aarch64-debian "${jobs[@]}"

# libFuzzer harnesses (tests/fuzz): each over its seed corpus, then fuzzed for 20 s; a finding in
# h5rec's code fails, one inside HDF5 is listed (tests/fuzz/run_fuzzers.sh).
stage "preset fuzz (libFuzzer harnesses)"
cmake --preset fuzz -DCMAKE_COMPILE_WARNING_AS_ERROR=ON
cmake --build --preset fuzz
tests/fuzz/run_fuzzers.sh build/fuzz 20
