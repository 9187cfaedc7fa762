/*
 * ksym.c - looking up the symbol table that tools/mksyms.sh generates from
 * the first link pass. The table is sorted by address.
 */
#include "debug/ksym.h"
#include "string.h"

struct ksym {
	uint32_t addr;
	const char *name;
};

extern const uint32_t ksym_count;
extern const struct ksym ksym_table[];
extern const char kernel_start[], kernel_text_end[];

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
	if (addr < (uint32_t)kernel_start || addr >= (uint32_t)kernel_text_end || ksym_count == 0)
		return 0;
	/* Binary search for the last entry with entry.addr <= addr.
	 * Invariant: table[lo].addr <= addr, and every entry past hi is > addr. */
	uint32_t lo = 0, hi = ksym_count - 1;
	if (ksym_table[0].addr > addr)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	*offset = addr - ksym_table[lo].addr;
	return ksym_table[lo].name;
}

uint32_t ksym_address(const char *name)
{
	for (uint32_t i = 0; i < ksym_count; i++)
		if (strcmp(ksym_table[i].name, name) == 0)
			return ksym_table[i].addr;
	return 0;
}
