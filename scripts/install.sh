#!/usr/bin/env bash
# Builds runexp in release and puts it on the PATH: the binary and its resources (the embedded
# datasets) go to PREFIX/lib/runexp, and PREFIX/bin/runexp links to it. PREFIX is /usr/local when
# it is writable (root), else ~/.local; ~/.local/bin is on most users' PATH.
#
#   scripts/install.sh [--prefix DIR] [--from BUILD_DIR]
#
# --from installs an existing build folder (such as .build/debug) instead of building in release.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=""
from=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --from) from="$2"; shift 2 ;;
        *) echo "usage: scripts/install.sh [--prefix DIR] [--from BUILD_DIR]" >&2; exit 2 ;;
    esac
done
if [ -z "$prefix" ]; then
    if [ -w /usr/local/bin ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi
if [ -z "$from" ]; then
    scripts/install-deps.sh
    swift build -c release
    from=.build/release
fi
[ -x "$from/runexp" ] || { echo "error: $from/runexp does not exist; build first" >&2; exit 2; }
mkdir -p "$prefix/lib/runexp" "$prefix/bin"
rm -rf "$prefix/lib/runexp/"*
cp "$from/runexp" "$prefix/lib/runexp/runexp"
cp -R "$from"/*.resources "$prefix/lib/runexp/"
ln -sf "$prefix/lib/runexp/runexp" "$prefix/bin/runexp"
echo "installed $prefix/bin/runexp"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
