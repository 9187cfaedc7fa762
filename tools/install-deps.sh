#!/usr/bin/env bash
# Install what beta86 needs on a Debian machine: QEMU, GDB, the host gcc with
# 32-bit support, make, binutils, and Python 3 with pytest, pexpect and
# pytest-xdist for the grader.
#
# Idempotent: when everything is installed it prints nothing and exits 0.
# Otherwise it runs `apt-get update` and `apt-get install -y`, as root or
# through `sudo -n`. It never asks a question (CI has no terminal); when it
# cannot install, it names the missing packages and the command to run, and
# exits non-zero.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # `sh install-deps.sh` too
set -euo pipefail

packages=(qemu-system-x86 gdb gcc gcc-multilib make binutils python3
          python3-pytest python3-pexpect python3-pytest-xdist)

is_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: this is not a Debian system (no dpkg-query/apt-get)." >&2
    echo "install-deps: install by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# QEMU without its recommends (no GUI, firmware for other machines, ...).
qemu=()
others=()
for package in "${missing[@]}"; do
    if [ "$package" = qemu-system-x86 ]; then qemu+=("$package"); else others+=("$package"); fi
done

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    fix="sudo apt-get update"
    [ ${#others[@]} -eq 0 ] || fix+=" && sudo apt-get install -y ${others[*]}"
    [ ${#qemu[@]} -eq 0 ] || fix+=" && sudo apt-get install -y --no-install-recommends ${qemu[*]}"
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root, and sudo needs a password; run:" >&2
    echo "  $fix" >&2
    exit 1
fi

apt_get() {
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "$@" </dev/null
}

echo "install-deps: installing ${missing[*]}"
apt_get update
[ ${#others[@]} -eq 0 ] || apt_get install -y "${others[@]}"
[ ${#qemu[@]} -eq 0 ] || apt_get install -y --no-install-recommends "${qemu[@]}"

still_missing=()
for package in "${missing[@]}"; do
    is_installed "$package" || still_missing+=("$package")
done
if [ ${#still_missing[@]} -ne 0 ]; then
    echo "install-deps: still missing after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
