/*
 * fpu.c - FPU states in memory: fxsave/fxrstor where the CPU has them
 * (cpu_features.fxsr, enabled by cpu_init), fnsave/frstor otherwise.
 * Only the no-wait forms are used: a waiting instruction would raise the
 * #MF a program left pending, in the kernel.
 */
#include "cpu/fpu.h"
#include "cpu/cpu.h"
#include "string.h"

/* Offsets of the fields fpu_state_init sets (Intel SDM vol. 1, 8.1.10 and 10.5.1). */
#define FXSAVE_FCW     0        /* 16-bit control word */
#define FXSAVE_MXCSR   24       /* the abridged tag word (byte 4) is 0: all empty */
#define FSAVE_FCW      0        /* 32-bit fields in fsave's 32-bit protected-mode format */
#define FSAVE_FTW      8
#define FSAVE_TAGS_EMPTY 0xFFFFu

_Static_assert(FPU_STATE_SIZE >= 512, "fxsave writes 512 bytes");

static void put16(struct fpu_state *s, int offset, uint16_t v)
{
	memcpy(&s->bytes[offset], &v, sizeof(v));
}

static void put32(struct fpu_state *s, int offset, uint32_t v)
{
	memcpy(&s->bytes[offset], &v, sizeof(v));
}

void fpu_state_init(struct fpu_state *s)
{
	memset(s, 0, sizeof(*s));
	if (cpu_features.fxsr) {
		put16(s, FXSAVE_FCW, FPU_CW_DEFAULT);
		put32(s, FXSAVE_MXCSR, FPU_MXCSR_DEFAULT);
	} else {
		put32(s, FSAVE_FCW, FPU_CW_DEFAULT);
		put32(s, FSAVE_FTW, FSAVE_TAGS_EMPTY);
	}
}

void fpu_save(struct fpu_state *s)
{
	if (cpu_features.fxsr)
		__asm__ volatile("fxsave %0" : "=m"(*s));
	else
		__asm__ volatile("fnsave %0" : "=m"(*s));
}

void fpu_restore(const struct fpu_state *s)
{
	if (cpu_features.fxsr)
		__asm__ volatile("fxrstor %0" : : "m"(*s));
	else
		__asm__ volatile("frstor %0" : : "m"(*s));
}

uint32_t fpu_x87_unmasked_pending(void)
{
	uint16_t status, control;

	__asm__ volatile("fnstsw %0\n\t fnstcw %1" : "=m"(status), "=m"(control));
	return status & ~control & FPU_EXC_ALL;
}

uint32_t fpu_simd_unmasked_pending(void)
{
	uint32_t mxcsr;

	if (!cpu_features.sse)
		return 0;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	/* The masks are the flags' bits, shifted left by 7. */
	return mxcsr & ~(mxcsr >> 7) & FPU_EXC_ALL;
}

const char *fpu_exception_name(uint32_t bits)
{
	static const char *const names[] = {
		"invalid operation", "denormal operand", "divide by zero",
		"overflow", "underflow", "inexact result",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bits & (1u << i))
			return names[i];
	return "no unmasked exception pending";
}
