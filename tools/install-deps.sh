#!/usr/bin/env bash
# Check that this machine has the commands beta86 needs, and on Debian
# install what is missing:
#
#   make; gcc that compiles and links 32-bit programs (-m32); ld, ar,
#   objcopy, nm, addr2line; gdb with Python; qemu-system-i386; git; and
#   $PYTHON (default python3) with the modules pytest, pexpect, xdist and
#   yaml (the check of the Classroom workflow, tools/autograde.py); a
#   headless Chromium (the timeline picture's test, grader/test_timeline.py);
#   and, if it can, ccache (faster builds; never required).
#
# It checks the commands themselves, not package names, so any machine that
# has them all passes, Debian or not. When everything is there it prints
# nothing and exits 0. Otherwise, on Debian or Ubuntu (Gradescope's image,
# GitHub's runners: the package names are the same) it runs `apt-get update` and
# `apt-get install -y` for the packages that provide what is missing, as
# root or through `sudo -n`, and checks again. It never asks a question (CI
# has no terminal): when it cannot install, it names what is missing, the
# command to run, and exits non-zero.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # `sh install-deps.sh` too
set -euo pipefail

PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/beta86-deps.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Each check: a name for what is needed, the test, and the Debian package
# that provides it.
has() { command -v "$1" >/dev/null 2>&1; }

gcc_builds_32bit() {
    has gcc || return 1
    printf 'int main(void) { return sizeof(long) != 4; }\n' > "$scratch/m32.c"
    gcc -m32 -o "$scratch/m32" "$scratch/m32.c" >/dev/null 2>&1 && "$scratch/m32"
}

gdb_has_python() {
    has gdb && gdb -nx -batch -ex 'python print("ok")' 2>/dev/null | grep -qx ok
}

has_headless_chromium() {
    has chromium-headless-shell || has chromium
}

python_has() {   # python_has MODULE
    has "$PYTHON" && "$PYTHON" -c "import $1" >/dev/null 2>&1
}

checks=(
    "make|has make|make"
    "gcc|has gcc|gcc"
    "gcc -m32 (32-bit C programs)|gcc_builds_32bit|gcc-multilib"
    "ld|has ld|binutils"
    "ar|has ar|binutils"
    "objcopy|has objcopy|binutils"
    "nm|has nm|binutils"
    "addr2line|has addr2line|binutils"
    "gdb with Python|gdb_has_python|gdb"
    "qemu-system-i386|has qemu-system-i386|qemu-system-x86"
    "git|has git|git"
    "$PYTHON|has $PYTHON|python3"
    "$PYTHON module pytest|python_has pytest|python3-pytest"
    "$PYTHON module pexpect|python_has pexpect|python3-pexpect"
    "$PYTHON module xdist (pytest-xdist)|python_has xdist|python3-pytest-xdist"
    "$PYTHON module yaml|python_has yaml|python3-yaml"
    "headless Chromium|has_headless_chromium|chromium-headless-shell"
)

missing=()     # what is missing, in words
packages=()    # the Debian packages that provide it
find_missing() {
    missing=()
    packages=()
    local entry name test package
    for entry in "${checks[@]}"; do
        IFS='|' read -r name test package <<< "$entry"
        if ! eval "$test"; then
            missing+=("$name")
            case " ${packages[*]-} " in
                *" $package "*) ;;
                *) packages+=("$package") ;;
            esac
        fi
    done
}

# ccache only makes builds faster (the Makefile compiles through it where
# it works): installed along with what is missing, or alone where apt-get
# can run without a question, and never a reason to fail.
install_ccache() {
    has ccache || ! has apt-get && return 0
    local root=()
    if [ "$(id -u)" -ne 0 ]; then
        has sudo && sudo -n true 2>/dev/null || return 0
        root=(sudo -n)
    fi
    local get=(${root[@]+"${root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -q)
    { "${get[@]}" install -y ccache || { "${get[@]}" update && "${get[@]}" install -y ccache; }; } \
        </dev/null >/dev/null 2>&1 || true
}

find_missing
if [ ${#missing[@]} -eq 0 ]; then
    install_ccache
    exit 0
fi

say_missing() {   # say_missing HEADLINE
    local item
    echo "install-deps: $1" >&2
    for item in "${missing[@]}"; do
        echo "  - $item" >&2
    done
}

if ! has apt-get; then
    say_missing "missing:"
    echo "install-deps: this is not a Debian system (no apt-get): install them" \
         "with your system's package manager (Debian names them: ${packages[*]})." >&2
    exit 1
fi

# QEMU and Chromium without their recommends (no GUI, firmware for other
# machines, fonts and desktop integration, ...).
qemu=()
others=()
for package in "${packages[@]}"; do
    case "$package" in
        qemu-system-x86|chromium-headless-shell) qemu+=("$package") ;;
        *) others+=("$package") ;;
    esac
done

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif has sudo && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    fix="sudo apt-get update"
    [ ${#others[@]} -eq 0 ] || fix+=" && sudo apt-get install -y ${others[*]}"
    [ ${#qemu[@]} -eq 0 ] || fix+=" && sudo apt-get install -y --no-install-recommends ${qemu[*]}"
    say_missing "missing:"
    echo "install-deps: not root, and sudo needs a password; run:" >&2
    echo "  $fix" >&2
    exit 1
fi

apt_get() {
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "$@" </dev/null
}

echo "install-deps: installing ${packages[*]}"
apt_get update
[ ${#others[@]} -eq 0 ] || apt_get install -y "${others[@]}"
[ ${#qemu[@]} -eq 0 ] || apt_get install -y --no-install-recommends "${qemu[@]}"

find_missing
if [ ${#missing[@]} -ne 0 ]; then
    say_missing "still missing after apt-get:"
    exit 1
fi
install_ccache
