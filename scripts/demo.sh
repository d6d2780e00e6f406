#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds libmatch
# and the lmatch tool, and forms groups on the embedded sample pool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
if [[ -f build/release/build.ninja ]]; then
    meson setup --reconfigure build/release -Dtests=false -Dpython=false >/dev/null
else
    meson setup build/release --buildtype=release -Dtests=false -Dpython=false >/dev/null
fi
ninja -C build/release >/dev/null
echo "Built build/release/tools/lmatch; forming groups on the sample pool:" >&2
echo >&2
build/release/tools/lmatch demo "$@"
