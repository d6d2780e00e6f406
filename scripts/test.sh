#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is
# missing, builds with warnings as errors and runs the whole suite, then
# builds again under AddressSanitizer + UndefinedBehaviorSanitizer and runs
# the C, fuzz-replay and command-line suites there (a sanitizer report fails
# the test). The Python suites run in the first build only: the Python
# interpreter itself is not instrumented.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

setup() { # setup DIR OPTIONS...
    local dir=$1
    shift
    if [[ -f $dir/build.ninja ]]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
}

jobs=$(nproc 2>/dev/null || echo 2)

echo "== build with warnings as errors, run every suite"
setup build/test -Dwerror=true -Dbuildtype=debugoptimized
ninja -C build/test
meson test -C build/test --print-errorlogs --num-processes "$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
setup build/asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build/asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build/asan --print-errorlogs --num-processes "$jobs" --no-suite python \
    --timeout-multiplier 3
