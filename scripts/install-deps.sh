#!/usr/bin/env bash
# Installs the Debian 12 packages h5rec needs to build, test and read recordings (clang and its
# libFuzzer runtime for the fuzz preset; adduser, which the h5rec package depends on, and systemd
# for systemd-analyze: the package test, packaging/test-deb.sh).
#   --cross  also what the ARM builds need (toolchains/README.md): the aarch64 and armhf cross
#            compilers, qemu-user, a deb-src line (the minimal HDF5 is built from Debian's
#            source package) and the arm64 architecture (toolchains/debian-sysroot.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhdf5-dev libtomlplusplus-dev libcli11-dev libgtest-dev libbenchmark-dev
  python3 python3-h5py python3-numpy hdf5-tools valgrind
  clang-14 libclang-rt-14-dev clang-format-14
  adduser systemd
)
cross=false
if [ "${1:-}" = "--cross" ]; then
  cross=true
  packages+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user)
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# What the package lists must hold (checked, not assumed: an interrupted run leaves sources
# added but lists not fetched): the hdf5 source package, and arm64 packages for the multiarch
# sysroot (toolchains/debian-sysroot.sh).
lists_ready=true
if $cross; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-deps: enabling the arm64 architecture (multiarch)"
    "${as_root[@]}" dpkg --add-architecture arm64
  fi
  if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "install-deps: adding deb-src lines for Debian's source packages"
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      sed 's/^Types: deb$/Types: deb-src/' "$f" |
        "${as_root[@]}" tee "/etc/apt/sources.list.d/h5rec-deb-src-$(basename "$f")" > /dev/null
    done
    if [ -f /etc/apt/sources.list ]; then
      { grep -hE '^deb ' /etc/apt/sources.list || true; } | sed 's/^deb /deb-src /' |
        "${as_root[@]}" tee /etc/apt/sources.list.d/h5rec-deb-src.list > /dev/null
    fi
  fi
  apt-cache showsrc hdf5 > /dev/null 2>&1 || lists_ready=false
  apt-cache show libc6:arm64 > /dev/null 2>&1 || lists_ready=false
fi

if [ ${#missing[@]} -eq 0 ] && $lists_ready; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# A single mirror index being briefly out of sync must not stop us: the install decides.
"${as_root[@]}" apt-get update -q || echo "install-deps: apt-get update reported errors; trying the install anyway"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
