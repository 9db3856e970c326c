#!/usr/bin/env bash
# Builds a target root filesystem from Debian's packages for the board's architecture (multiarch),
# for linking h5rec against the board's own shared HDF5 (libhdf5-dev) instead of the minimal
# static build: libc, libstdc++ and libhdf5-dev with every library they load at run time,
# unpacked (not installed) into DIR, so the host's own libhdf5-dev stays as it is.
#
#   toolchains/debian-sysroot.sh arm64|armhf DIR
#
# Needs the architecture enabled once, as root: dpkg --add-architecture arm64 && apt-get update
# (scripts/install-deps.sh --cross does it). Then configure with -DH5REC_SYSROOT=DIR, e.g. the
# aarch64-debian preset. Reruns reuse what is already unpacked.
set -euo pipefail
arch=${1:?usage: debian-sysroot.sh arm64|armhf DIR}
root=${2:?usage: debian-sysroot.sh arm64|armhf DIR}

if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  echo "debian-sysroot: architecture $arch is not enabled; as root: dpkg --add-architecture $arch && apt-get update" >&2
  exit 1
fi
runtime=(libhdf5-103-1 libstdc++6)
development=(libhdf5-dev libc6-dev linux-libc-dev libcrypt-dev libstdc++-12-dev libgcc-12-dev
             libtomlplusplus-dev)
headers=(libcli11-dev)  # architecture-independent
mapfile -t packages < <(
  {
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${runtime[@]/%/:$arch}" | grep -v '^ ' | grep ":$arch\$"
    printf '%s\n' "${development[@]/%/:$arch}"
    printf '%s\n' "${headers[@]}"
  } | sort -u)

# The marker lists the architecture and packages unpacked: the same list again means done.
wanted=$(printf '%s\n' "$arch" "${packages[@]}")
if [ -f "$root/.h5rec-sysroot" ]; then
  if [ "$(cat "$root/.h5rec-sysroot")" = "$wanted" ]; then
    echo "debian-sysroot: $root is ready"
    exit 0
  fi
  echo "debian-sysroot: $root holds another architecture or package list; unpacking afresh"
  rm -rf "$root"
fi

debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
echo "debian-sysroot: downloading ${#packages[@]} packages for $arch"
(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}" > /dev/null)
mkdir -p "$root"
for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$root"; done
echo "$wanted" > "$root/.h5rec-sysroot"
echo "debian-sysroot: $root holds ${#packages[@]} packages"
