#!/bin/sh
# mksyms.sh ELF - print the kernel's symbol table as assembly.
#
# Emits every text symbol of ELF, sorted by address, as the table that
# kernel/debug/ksym.c searches to turn a return address into function+offset:
#   ksym_count: number of entries
#   ksym_table: { address, pointer to name } per entry
# Names are deduplicated per address (the first name wins, as nm sorts).
set -e
nm -n --defined-only "$1" | awk '
$2 ~ /^[tTwW]$/ && $1 != last {
	n++; addr[n] = $1; name[n] = $3; last = $1
}
END {
	print "\t.section .ksyms, \"a\""
	print "\t.globl ksym_count, ksym_table"
	print "\t.align 4"
	print "ksym_count: .long " n
	print "ksym_table:"
	for (i = 1; i <= n; i++)
		printf "\t.long 0x%s, ksym_name_%d\n", addr[i], i
	for (i = 1; i <= n; i++)
		printf "ksym_name_%d: .asciz \"%s\"\n", i, name[i]
}'
