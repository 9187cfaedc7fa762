#!/bin/sh
# Print the cache directory ccache can compile through here, or nothing;
# the Makefile then compiles with `ccache gcc` and that CCACHE_DIR, or with
# plain gcc. ccache stops the build if its cache is not writable, so a look
# for the command is not enough: a probe compile tries ccache's own
# directory (its configuration's, $CCACHE_DIR if set), then one of this
# user's under $TMPDIR (a CI machine whose home is read-only). See the
# Makefile's CC for why the builds use it.
command -v ccache >/dev/null 2>&1 || exit 0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/beta86-ccache.XXXXXX") || exit 0
trap 'rm -rf "$scratch"' EXIT
printf 'int beta86_ccache_probe;\n' > "$scratch/probe.c"
for dir in "$(ccache --get-config cache_dir 2>/dev/null)" "${TMPDIR:-/tmp}/beta86-ccache-$(id -u)"; do
    [ -n "$dir" ] || continue
    if CCACHE_DIR="$dir" ccache gcc -c "$scratch/probe.c" -o "$scratch/probe.o" >/dev/null 2>&1; then
        echo "$dir"
        exit 0
    fi
done
