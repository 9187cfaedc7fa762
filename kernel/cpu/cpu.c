/*
 * cpu.c - finding the CPU's features with CPUID and enabling them.
 *
 * Leaf 7 exists only if leaf 0 says so: QEMU's default qemu32 model stops
 * at leaf 4, and asked for leaf 7 anyway it answers with the highest leaf
 * it has, whose ECX happens to have the UMIP bit set. Setting a CR4 bit
 * the CPU lacks raises #GP, so each bit is set only if its feature is there.
 */
#include "cpu/cpu.h"
#include "cpu/x86.h"
#include "format.h"

#define CPUID_LEAF_FEATURES      1
#define CPUID_LEAF_EXT_FEATURES  7
#define CPUID_1_EDX_FPU   (1u << 0)
#define CPUID_1_EDX_FXSR  (1u << 24)
#define CPUID_1_EDX_SSE   (1u << 25)
#define CPUID_7_ECX_UMIP  (1u << 2)

struct cpu_features cpu_features;

/* CPUID exists iff EFLAGS.ID can be changed (a 386 or an early 486 has none). */
static int cpu_has_cpuid(void)
{
	uint32_t before = read_eflags();

	write_eflags(before ^ EFLAGS_ID);
	uint32_t after = read_eflags();
	write_eflags(before);
	return ((before ^ after) & EFLAGS_ID) != 0;
}

static void cpu_detect(void)
{
	if (!cpu_has_cpuid())
		return;
	uint32_t max_leaf = cpuid(0, 0).eax;
	uint32_t edx = max_leaf >= CPUID_LEAF_FEATURES ? cpuid(CPUID_LEAF_FEATURES, 0).edx : 0;
	uint32_t ecx7 = max_leaf >= CPUID_LEAF_EXT_FEATURES ? cpuid(CPUID_LEAF_EXT_FEATURES, 0).ecx : 0;

	cpu_features.fpu = (edx & CPUID_1_EDX_FPU) != 0;
	cpu_features.fxsr = cpu_features.fpu && (edx & CPUID_1_EDX_FXSR);
	cpu_features.sse = cpu_features.fxsr && (edx & CPUID_1_EDX_SSE);
	cpu_features.umip = (ecx7 & CPUID_7_ECX_UMIP) != 0;
}

/* The FPU starts out owned by nobody: TS set, so the first FPU instruction
 * of any process traps (#NM) and gets that process its own state. Without
 * an FPU, EM makes every FPU instruction trap the same way. */
static void cpu_enable(void)
{
	uint32_t cr0 = read_cr0() & ~(CR0_EM | CR0_MP | CR0_NE);
	uint32_t cr4 = read_cr4();

	cr0 |= CR0_TS | (cpu_features.fpu ? CR0_MP | CR0_NE : CR0_EM);
	if (cpu_features.fxsr)
		cr4 |= CR4_OSFXSR;
	if (cpu_features.sse)
		cr4 |= CR4_OSXMMEXCPT;
	if (cpu_features.umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
	write_cr0(cr0);
}

static const struct {
	const char *name;
	const int *present;
} cpu_feature_names[] = {
	{ "fpu", &cpu_features.fpu }, { "fxsr", &cpu_features.fxsr },
	{ "sse", &cpu_features.sse }, { "umip", &cpu_features.umip },
};

/* Append " NAME" to buf for each feature that is (present = 1) or is not
 * there; returns the new length, or at most size - 1. */
static int cpu_list_names(char *buf, int size, int len, int present)
{
	int listed = 0;

	for (unsigned i = 0; i < sizeof(cpu_feature_names) / sizeof(cpu_feature_names[0]); i++) {
		if (*cpu_feature_names[i].present == present && len < size) {
			len += snprintf(buf + len, size - len, " %s", cpu_feature_names[i].name);
			listed++;
		}
	}
	if (!listed && len < size)
		len += snprintf(buf + len, size - len, present ? " nothing" : " none");
	return len < size ? len : size - 1;
}

void cpu_init(void)
{
	cpu_detect();
	cpu_enable();
}

void cpu_describe(char *buf, int size)
{
	int len = snprintf(buf, size, "enabled");

	len = cpu_list_names(buf, size, len < size ? len : size - 1, 1);
	len += snprintf(buf + len, size - len, "; not offered:");
	cpu_list_names(buf, size, len < size ? len : size - 1, 0);
}
