#!/usr/bin/env bash
# Checks the Debian packages made by `cpack --preset amd64|aarch64|armhf` (cmake/Packaging.cmake).
#   Usage: packaging/test-deb.sh DEB...
# Every package: its control fields (Package, Version = the project's, Architecture = the name in
# the file name and the ELF machine of a static usr/bin/h5rec, Depends: adduser), its conffile and
# its files. The package of this machine's architecture is then installed for real (root, or
# passwordless sudo; otherwise that part is skipped, saying so): dpkg -i; h5rec --version from
# /usr/bin; the system user h5rec with groups i2c, gpio, dialout and /var/lib/h5rec its own;
# systemd-analyze verify of the installed unit; a recording by that user with the installed
# config into /var/lib/h5rec/recordings (by systemd itself when systemd runs); an edited config
# kept by a reinstall, by dpkg -r and by `apt-get install ./DEB` (which resolves Depends); the
# recordings kept by dpkg -r and by a purge. Afterwards the package is purged and what the test
# added is taken away again (its recordings, and the user and groups if it created them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 DEB..." >&2; exit 64; }

version=$(sed -n 's/^project(h5rec VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "test-deb: no project version in CMakeLists.txt" >&2; exit 1; }
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
install_started=false
trap 'if $install_started; then cleanup_install; fi; rm -rf "$work"' EXIT

native_arch=$(dpkg --print-architecture)
native_deb=""
for deb in "$@"; do
  name=$(basename "$deb")
  [[ $name =~ ^h5rec_([^_]+)_([a-z0-9]+)\.deb$ ]] || fail "$name: not h5rec_VERSION_ARCH.deb"
  arch=${BASH_REMATCH[2]}
  [ "${BASH_REMATCH[1]}" = "$version" ] || fail "$name: file name version, project is $version"
  field() { dpkg-deb -f "$deb" "$1"; }
  [ "$(field Package)" = h5rec ] || fail "$name: Package $(field Package)"
  [ "$(field Version)" = "$version" ] || fail "$name: Version $(field Version), project $version"
  [ "$(field Architecture)" = "$arch" ] || fail "$name: Architecture $(field Architecture)"
  [ "$(field Depends)" = adduser ] || fail "$name: Depends '$(field Depends)', want adduser"
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/h5rec/h5rec.toml ||
    fail "$name: /etc/h5rec/h5rec.toml is not a conffile"
  for script in postinst prerm postrm; do
    dpkg-deb --ctrl-tarfile "$deb" | tar -tv ./$script | grep -q '^-rwxr-xr-x root/root' ||
      fail "$name: no executable $script owned by root"
  done
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' > "$work/files"
  for f in /usr/bin/h5rec /usr/lib/systemd/system/h5rec.service /etc/h5rec/h5rec.toml \
           /usr/share/h5rec/examples/default.toml /usr/lib/udev/rules.d/60-h5rec.rules; do
    grep -qx "$f" "$work/files" || fail "$name: no $f"
  done
  ! grep -q '^/var/lib/h5rec' "$work/files" || fail "$name: ships /var/lib/h5rec (made by postinst)"
  rm -rf "$work/x" && dpkg-deb -x "$deb" "$work/x"
  case $arch in amd64) machine='X86-64' ;; arm64) machine='AArch64' ;; armhf) machine='ARM' ;;
                *) fail "$name: unexpected architecture $arch" ;; esac
  readelf -h "$work/x/usr/bin/h5rec" | grep -q "Machine: *.*$machine" ||
    fail "$name: usr/bin/h5rec is not $machine: $(readelf -h "$work/x/usr/bin/h5rec" | grep Machine)"
  ! readelf -l "$work/x/usr/bin/h5rec" | grep -q 'program interpreter' ||
    fail "$name: usr/bin/h5rec is not static"
  cmp -s "$work/x/etc/h5rec/h5rec.toml" config/examples/default.toml ||
    fail "$name: /etc/h5rec/h5rec.toml is not config/examples/default.toml"
  unit="$work/x/usr/lib/systemd/system/h5rec.service"
  for line in 'ExecStart=/usr/bin/h5rec record /etc/h5rec/h5rec.toml' User=h5rec Group=h5rec \
              StateDirectory=h5rec WorkingDirectory=/var/lib/h5rec; do
    grep -qx "$line" "$unit" || fail "$name: the unit has no line $line"
  done
  echo "test-deb: $name: h5rec $version, Architecture $arch, static $machine binary, conffile, unit as user h5rec"
  if [ "$arch" = "$native_arch" ]; then native_deb=$(realpath "$deb"); fi
done

if [ -z "$native_deb" ]; then
  echo "test-deb: no package for this machine's architecture ($native_arch): install not tested"
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2> /dev/null; then as_root=(sudo -n); else
    echo "test-deb: SKIPPED installing $native_deb: needs root or passwordless sudo"
    exit 0
  fi
fi
root() { "${as_root[@]}" "$@"; }
if dpkg-query -W -f='${Status}' h5rec 2> /dev/null | grep -q 'installed\|config-files'; then
  fail "h5rec is already installed here (dpkg -l h5rec): not touching it"
fi
# Another dpkg or apt on the machine (CI images, other jobs) holds the lock for a while: wait.
dpkg_() {
  for _ in $(seq 60); do
    if root dpkg "$@" > "$work/dpkg.log" 2>&1; then return 0; fi
    grep -q 'lock' "$work/dpkg.log" || { cat "$work/dpkg.log" >&2; return 1; }
    sleep 5
  done
  cat "$work/dpkg.log" >&2
  return 1
}
apt_get() { root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"; }

existed_user=false existed_i2c=false existed_gpio=false
getent passwd h5rec > /dev/null && existed_user=true
getent group i2c > /dev/null && existed_i2c=true
getent group gpio > /dev/null && existed_gpio=true
data=/var/lib/h5rec
root test ! -e "$data/recordings" || root find "$data/recordings" -mindepth 1 > "$work/before"
touch "$work/before"
cleanup_install() {
  root dpkg --purge h5rec > /dev/null 2>&1 || true
  if root test -d "$data/recordings"; then
    root find "$data/recordings" -mindepth 1 | sort > "$work/after"
    comm -13 <(sort "$work/before") "$work/after" | sort -r | while read -r f; do
      root rm -rf "$f"
    done
    root rmdir --ignore-fail-on-non-empty "$data/recordings" "$data" 2> /dev/null || true
  fi
  if ! $existed_user; then
    root userdel h5rec 2> /dev/null || true
    root groupdel h5rec 2> /dev/null || true
  fi
  $existed_i2c || root groupdel i2c 2> /dev/null || true
  $existed_gpio || root groupdel gpio 2> /dev/null || true
}
install_started=true

echo "test-deb: dpkg -i $native_deb"
dpkg_ -i "$native_deb"
[ "$(/usr/bin/h5rec --version)" = "h5rec $version" ] || fail "/usr/bin/h5rec --version: $(/usr/bin/h5rec --version)"
uid=$(id -u h5rec) || fail "no user h5rec"
[ "$uid" -lt 1000 ] || fail "h5rec is not a system user (uid $uid)"
for g in h5rec i2c gpio dialout; do
  id -nG h5rec | tr ' ' '\n' | grep -qx "$g" || fail "user h5rec is not in group $g"
done
[ "$(stat -c %U:%G "$data")" = h5rec:h5rec ] || fail "$data is $(stat -c %U:%G "$data")"
# shellcheck disable=SC2016
root dpkg-query -W -f='${Conffiles}\n' h5rec | grep -q '^ /etc/h5rec/h5rec.toml ' ||
  fail "dpkg does not list /etc/h5rec/h5rec.toml as a conffile"
# systemd-analyze verify also loads the units this one names (time-sync.target ...), all in systemd.
root systemd-analyze verify /usr/lib/systemd/system/h5rec.service > "$work/verify.log" 2>&1 ||
  { cat "$work/verify.log" >&2; fail "systemd-analyze verify h5rec.service"; }
if grep -i 'h5rec' "$work/verify.log"; then fail "systemd-analyze verify complains about h5rec.service"; fi
echo "test-deb: installed: /usr/bin/h5rec --version, user h5rec (uid $uid; i2c gpio dialout), $data, conffile, systemd-analyze verify"

# The service's user records with the installed config into the data directory.
if [ -d /run/systemd/system ]; then
  root timeout 120 systemctl start h5rec.service ||
    { root journalctl -u h5rec.service --no-pager | tail -n 20 >&2; fail "systemctl start h5rec"; }
  for _ in $(seq 30); do
    root test -e "$data/recordings/sim-001_live.h5" && break
    sleep 1
  done
  sleep 2
  root systemctl stop h5rec.service
  how="systemctl start h5rec"
else
  (cd "$data" && root runuser -u h5rec -- /usr/bin/h5rec record /etc/h5rec/h5rec.toml \
      --duration 2 --virtual-clock > "$work/record.log" 2>&1) ||
    { cat "$work/record.log" >&2; fail "user h5rec could not record into $data"; }
  how="runuser -u h5rec (systemd is not running here)"
fi
recording=$(root find "$data/recordings" -name 'sim-001_2*.h5' -user h5rec -newer "$work/before" | head -n 1)
[ -n "$recording" ] || fail "no recording by user h5rec in $data/recordings"
/usr/bin/h5rec verify "$recording" > "$work/verify-recording.log" ||
  { cat "$work/verify-recording.log" >&2; fail "h5rec verify $recording"; }
echo "test-deb: recorded by user h5rec ($how): $recording"

echo "# edited on the board (package test)" | root tee -a /etc/h5rec/h5rec.toml > /dev/null
edited() { root grep -qx '# edited on the board (package test)' /etc/h5rec/h5rec.toml; }
dpkg_ -i "$native_deb"
edited || fail "reinstalling replaced the edited /etc/h5rec/h5rec.toml"
echo "test-deb: dpkg -i again (upgrade path): edited config kept"

dpkg_ -r h5rec
[ ! -e /usr/bin/h5rec ] || fail "dpkg -r left /usr/bin/h5rec"
[ ! -e /usr/lib/systemd/system/h5rec.service ] || fail "dpkg -r left the unit"
edited || fail "dpkg -r removed or changed the edited /etc/h5rec/h5rec.toml"
root test -f "$recording" || fail "dpkg -r deleted $recording"
echo "test-deb: dpkg -r: binary and unit gone, edited config and recordings kept"

apt_get install "$native_deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install $native_deb"; }
[ "$(/usr/bin/h5rec --version)" = "h5rec $version" ] || fail "after apt-get install: no /usr/bin/h5rec"
edited || fail "apt-get install after dpkg -r replaced the edited config"
echo "test-deb: apt-get install ./$(basename "$native_deb"): resolved and installed, edited config kept"

dpkg_ --purge h5rec
root test -f "$recording" || fail "dpkg --purge deleted $recording"
[ ! -e /etc/h5rec/h5rec.toml ] || fail "dpkg --purge left /etc/h5rec/h5rec.toml"
echo "test-deb: dpkg --purge: config gone, recordings kept"
echo "test-deb: all package checks passed"
