/*
 * fpu.h - the x87, MMX and SSE registers as memory: a state's format, the
 * clean state a program starts with, saving and loading the registers, and
 * reading why they raised an exception. Which process the registers belong
 * to is proc/'s business (proc/proc_fpu.c); the kernel itself never uses
 * them (it is compiled with -mno-80387 -mno-mmx -mno-sse).
 *
 * With fxsr (cpu/cpu.h) a state is fxsave's 512-byte image: x87 and MMX,
 * and the SSE registers and MXCSR. Without it, fsave's 108-byte image (x87
 * and MMX only) in the same area.
 */
#ifndef CPU_FPU_H
#define CPU_FPU_H

#include <stdint.h>

#define FPU_STATE_SIZE    512
#define FPU_CW_DEFAULT    0x037Fu   /* fninit's: every exception masked, 64-bit precision, round to nearest */
#define FPU_MXCSR_DEFAULT 0x1F80u   /* every SIMD exception masked, round to nearest */

/* The exceptions, as both the x87 status word and MXCSR number them. */
#define FPU_EXC_INVALID    0x01u
#define FPU_EXC_DENORMAL   0x02u
#define FPU_EXC_ZERO_DIV   0x04u
#define FPU_EXC_OVERFLOW   0x08u
#define FPU_EXC_UNDERFLOW  0x10u
#define FPU_EXC_PRECISION  0x20u
#define FPU_EXC_ALL        0x3Fu

/* fxsave and fxrstor need a 16-byte aligned area. */
struct fpu_state {
	uint8_t bytes[FPU_STATE_SIZE];
} __attribute__((aligned(16)));

/* The state fninit and MXCSR = FPU_MXCSR_DEFAULT give, with every data
 * register zero as well: fninit only marks the x87 registers empty, and
 * MMX reads them anyway, so loading it after fninit would show a program
 * what the previous owner left in them. */
void fpu_state_init(struct fpu_state *s);
/* Store the registers into s. They are undefined afterwards (fnsave
 * reinitialises them); load a state before the next program runs. CR0.TS
 * must be clear. */
void fpu_save(struct fpu_state *s);
/* Load the registers from s (CR0.TS clear). */
void fpu_restore(const struct fpu_state *s);
/* FPU_EXC_* bits pending and unmasked in the registers: why an x87
 * instruction raised #MF, or an SSE one #XM. CR0.TS must be clear. */
uint32_t fpu_x87_unmasked_pending(void);
uint32_t fpu_simd_unmasked_pending(void);
/* The name of the first exception in bits ("divide by zero"...). */
const char *fpu_exception_name(uint32_t bits);

#endif
