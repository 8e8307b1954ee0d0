#!/usr/bin/env bash
# Packs the headless edition into a tarball that runs without the source tree:
#   artifacts/callhook-<version>-<os>-<arch>.tar.gz  →  callhook-<version>/{bin/callhook, app/, systemd/, README.md, LICENSE}
# Needs a built checkout (pnpm build). Usage: scripts/pack-server.sh [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/artifacts}
version=$(node -p "require('$root/apps/cli/package.json').version")
name="callhook-$version"
[[ -f "$root/apps/cli/dist/main.js" ]] || { echo "pack-server: build first (npx --yes pnpm@10.34.9 build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/bin" "$out"
# pnpm deploy copies the CLI with its production dependencies, workspace packages included (their dist).
# Real copies, not hard links into pnpm's store: another pnpm install sharing the store (a second
# checkout) changes those inodes' ctime, and tar then fails with "file changed as we read it".
(cd "$root" && npx --yes pnpm@10.34.9 --filter @callhook/cli deploy --prod --legacy --package-import-method=copy "$stage/app" >/dev/null)
cat > "$stage/bin/callhook" <<'SH'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
exec node "$here/../app/dist/main.js" "$@"
SH
chmod 0755 "$stage/bin/callhook"
cp -r "$root/packaging/systemd" "$stage/systemd"
cp "$root/README.md" "$root/LICENSE" "$stage/"
tarball="$out/$name-$(node -p 'process.platform')-$(node -p 'process.arch').tar.gz"
tar -C "$work" -czf "$tarball" "$name"
echo "$tarball"
