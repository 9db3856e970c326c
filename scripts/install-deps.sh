#!/usr/bin/env bash
# Installs the Debian 12 packages h5rec needs to build, test and read recordings.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libhdf5-dev libtomlplusplus-dev libcli11-dev libgtest-dev libbenchmark-dev
  python3 python3-h5py python3-numpy hdf5-tools valgrind
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A single mirror index being briefly out of sync must not stop us: the install decides.
"${as_root[@]}" apt-get update -q || echo "install-deps: apt-get update reported errors; trying the install anyway"
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
