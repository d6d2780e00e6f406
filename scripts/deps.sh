#!/usr/bin/env bash
# Installs the Debian packages libmatch needs when they are missing.
#   scripts/deps.sh build   what building and running lmatch needs
#   scripts/deps.sh test    that plus what the test suite needs
# Uses apt-get directly as root, sudo otherwise. Installs nothing when all
# packages are present, so it is cheap to call before every build.
set -euo pipefail

build_packages=(meson ninja-build gcc pkg-config libsodium-dev libmsgpack-dev)
test_packages=(check g++ clang python3 python3-pytest python3-numpy python3-scipy python3-pycparser
               python3-pandas python3-matplotlib python3-nbclient python3-nbformat
               python3-ipykernel)

wanted=("${build_packages[@]}")
if [[ "${1:-build}" == "test" ]]; then
    wanted+=("${test_packages[@]}")
fi

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
