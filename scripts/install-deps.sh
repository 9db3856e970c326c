#!/usr/bin/env bash
# Installs the Debian 12 packages h5rec needs to build, test and read recordings.
#   --cross  also what the ARM builds need (toolchains/README.md): the aarch64 and armhf cross
#            compilers, qemu-user, a deb-src line (the minimal HDF5 is built from Debian's
#            source package) and the arm64 architecture (toolchains/debian-sysroot.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhdf5-dev libtomlplusplus-dev libcli11-dev libgtest-dev libbenchmark-dev
  python3 python3-h5py python3-numpy hdf5-tools valgrind
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

sources_changed=false
if $cross; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-deps: enabling the arm64 architecture (multiarch)"
    "${as_root[@]}" dpkg --add-architecture arm64
    sources_changed=true
  fi
  if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "install-deps: adding deb-src lines for Debian's source packages"
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
        "${as_root[@]}" tee /etc/apt/sources.list.d/h5rec-deb-src.sources > /dev/null
    else
      grep -hE '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
        "${as_root[@]}" tee /etc/apt/sources.list.d/h5rec-deb-src.list > /dev/null
    fi
    sources_changed=true
  fi
fi

if [ ${#missing[@]} -eq 0 ] && ! $sources_changed; then
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
