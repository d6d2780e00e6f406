#!/usr/bin/env bash
# Installs the Debian packages libmatch needs when they are missing.
#   scripts/deps.sh build     what building and running lmatch needs
#   scripts/deps.sh install   that plus what the README's three ways of
#                             installing need: the Python bindings, a venv
#                             with `pip install .` (meson-python), the .debs
#   scripts/deps.sh test      all of that plus what the test suite needs
#   scripts/deps.sh notebook  Jupyter's notebook server, to open the notebook
#                             (not needed by the tests, which execute it)
# Uses apt-get directly as root, sudo otherwise. Installs nothing when all
# packages are present, so it is cheap to call before every build.
set -euo pipefail

build_packages=(meson ninja-build gcc pkg-config libsodium-dev libmsgpack-dev)
test_packages=(check g++ clang python3 python3-pytest python3-numpy python3-scipy python3-pycparser
               python3-hypothesis  # property tests of constraints and --keep
               python3-pandas python3-matplotlib python3-nbclient python3-nbformat
               python3-ipykernel man-db
               chromium poppler-utils  # lmatch report's browser test: render, PDF, pages
               python3-dask python3-distributed)  # libmatch.distributed on a LocalCluster
# patchelf: meson-python rewrites the RPATH of the library it puts in a wheel.
install_packages=(python3-pycparser python3-venv python3-mesonpy patchelf
                  dpkg-dev debhelper dh-python fakeroot lintian)

wanted=("${build_packages[@]}")
case "${1:-build}" in
    build) ;;
    install) wanted+=("${install_packages[@]}") ;;
    test) wanted+=("${install_packages[@]}" "${test_packages[@]}") ;;
    notebook) wanted+=(python3-notebook) ;;
    *) echo "usage: scripts/deps.sh [build|install|test|notebook]" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

echo "libmatch: installing missing packages: ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    echo "libmatch: please install as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
