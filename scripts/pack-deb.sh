#!/usr/bin/env bash
# Builds a Debian package of the headless edition from the server tarball (scripts/pack-server.sh),
# offline, with dpkg-deb:
#   /opt/callhook/…                          the unpacked tarball (bin/callhook, app/, README.md, LICENSE)
#   /usr/bin/callhook -> /opt/callhook/bin/callhook
#   /lib/systemd/system/callhook.service     the hardened unit (own user, ProtectSystem=strict, StateDirectory)
# Usage: scripts/pack-deb.sh [TARBALL] [OUT_DIR]   (no TARBALL: runs pack-server.sh first)
# Prints the path of the .deb. Install: apt install ./callhook_<version>_<arch>.deb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tarball=${1:-}
out=${2:-$root/artifacts}
command -v dpkg-deb >/dev/null || { echo "pack-deb: dpkg-deb not found; install dpkg (apt-get install dpkg)" >&2; exit 2; }
if [[ -z "$tarball" ]]; then tarball=$(bash "$root/scripts/pack-server.sh" "$out" | tail -n 1); fi
[[ -f "$tarball" ]] || { echo "pack-deb: no tarball at $tarball; run scripts/pack-server.sh first" >&2; exit 2; }

version=$(node -p "require('$root/apps/cli/package.json').version")
case "$(node -p 'process.arch')" in
  x64) arch=amd64 ;;
  arm64) arch=arm64 ;;
  arm) arch=armhf ;;
  *) echo "pack-deb: no Debian architecture for Node's $(node -p 'process.arch')" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"
mkdir -p "$pkg/opt" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/DEBIAN"
tar -C "$work" -xzf "$tarball"
mv "$work/callhook-$version" "$pkg/opt/callhook"
ln -s /opt/callhook/bin/callhook "$pkg/usr/bin/callhook"
cp "$pkg/opt/callhook/systemd/callhook.service" "$pkg/lib/systemd/system/callhook.service"
chmod -R u+rwX,go+rX,go-w "$pkg/opt/callhook"

size=$(du -sk "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: callhook
Version: $version
Architecture: $arch
Maintainer: callhook maintainers <callhook@localhost>
Installed-Size: $size
Depends: nodejs (>= 20)
Section: comm
Priority: optional
Description: telephone calls to the web (headless server)
 callhook connects a SIP line to web applications: outbound Action URLs
 on call events, inbound Action URLs to dial, answer and hang up, a web
 console and a control API. Runs as the systemd service callhook.
CONTROL

cat > "$pkg/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
  if [ ! -f /etc/callhook/callhook.json ]; then
    echo "callhook: write your settings, then start the service:"
    echo "  mkdir -p /etc/callhook && callhook config init --out /etc/callhook/callhook.json"
    echo "  systemctl enable --now callhook"
  fi
fi
SH
cat > "$pkg/DEBIAN/prerm" <<'SH'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then systemctl stop callhook.service || true; fi
SH
cat > "$pkg/DEBIAN/postrm" <<'SH'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
SH
chmod 0755 "$pkg/DEBIAN" "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm" "$pkg/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/callhook_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >/dev/null
echo "$deb"
