#!/usr/bin/env bash
# The second command of the README (and what CI runs): installs what is
# missing, then
#   1. builds with GCC, warnings as errors, and runs every suite;
#   2. builds with clang, warnings as errors, and runs the C suites (unit,
#      fuzz replay) and the command-line ones on its lmatch;
#   3. builds under AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      `meson test --setup asan` (meson.build: every suite but python and
#      house, a sanitizer report fails the test).
#   3b. builds the threaded tests under ThreadSanitizer and runs them (one
#      key shared by two threads, groups, pairs and partition with threads);
#      a data race fails the test.
#   4. runs the install tests (tests/install, README "Installing"): every
#      code block of the README on a copy of the checkout, among them
#      `meson install --destdir` with the C example built through pkg-config,
#      `pip install --no-build-isolation .` in a fresh venv with the Python
#      example, and dpkg-buildpackage with the four .debs checked (dpkg -c,
#      unpacked, lintian, apt-get install -s). They build libmatch four more
#      times (demo, system install, wheel, .deb): three to four minutes.
# The Python suites run in the first build only: the interpreter itself is
# not instrumented.
#
# The MDGPLIB data (for the exact-optima test, partition-mdgplib) is not in the
# repository. It is taken from LIBMATCH_MDGPLIB when that is set (set it empty
# to run without); otherwise from shared/data/mdgplib beside the checkout when
# that folder exists. Without it the test shows as SKIP.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

if [[ -z ${LIBMATCH_MDGPLIB+set} && -d ../shared/data/mdgplib ]]; then
    LIBMATCH_MDGPLIB=$(cd ../shared/data/mdgplib && pwd)
    export LIBMATCH_MDGPLIB
fi
if [[ -n ${LIBMATCH_MDGPLIB:-} ]]; then
    echo "== MDGPLIB data: $LIBMATCH_MDGPLIB"
else
    echo "== no MDGPLIB data (LIBMATCH_MDGPLIB=FOLDER): partition-mdgplib is skipped"
fi

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

echo "== GCC, warnings as errors: every suite"
setup build/test -Dwerror=true -Dbuildtype=debugoptimized
ninja -C build/test
meson test -C build/test --print-errorlogs --num-processes "$jobs"

echo "== clang, warnings as errors: the C and command-line suites"
CC=clang CXX=clang++ setup build/clang -Dwerror=true -Dbuildtype=debugoptimized -Dpython=false
ninja -C build/clang
meson test -C build/clang --print-errorlogs --num-processes "$jobs" \
    --suite unit --suite fuzz --suite cli

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
setup build/asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build/asan
meson test -C build/asan --setup asan --print-errorlogs --num-processes "$jobs"

echo "== ThreadSanitizer: the threaded tests (one key in two threads, groups, pairs, partition)"
# Only the tests that run threads, built alone: TSan slows them about tenfold.
setup build/tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debugoptimized \
    -Dpython=false -Dbench=false
tsan_tests=(key_threads groups pairs partition)
ninja -C build/tsan "${tsan_tests[@]/#/tests/test_}"
TSAN_OPTIONS=halt_on_error=1 meson test -C build/tsan --no-rebuild --print-errorlogs \
    --num-processes "$jobs" "${tsan_tests[@]}"

echo "== install tests: the README's blocks, meson install, pip install ., dpkg-buildpackage"
install_start=$SECONDS
/usr/bin/python3 -m pytest -q -p no:cacheprovider -rs tests/install
echo "== install tests passed in $((SECONDS - install_start))s"

echo "== all suites passed in ${SECONDS}s"
