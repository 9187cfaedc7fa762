#!/bin/sh
# Print "ccache" if ccache is installed and can compile through its cache
# here (its cache directory can be made and written), else nothing; the
# Makefile then compiles with `ccache gcc` or with plain gcc. ccache stops
# the build if its cache is not writable, so a look for the command is not
# enough. See the Makefile's CC for why the builds use it.
command -v ccache >/dev/null 2>&1 || exit 0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/beta86-ccache.XXXXXX") || exit 0
printf 'int beta86_ccache_probe;\n' > "$scratch/probe.c"
if ccache gcc -c "$scratch/probe.c" -o "$scratch/probe.o" >/dev/null 2>&1; then
    echo ccache
fi
rm -rf "$scratch"
