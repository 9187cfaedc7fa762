/*
 * cpu.h - the CPU's optional features that the kernel manages: what CPUID
 * says the CPU has, and switching each one on (cpu_init).
 *
 *   fpu    an x87 FPU: CR0.MP and CR0.NE (its errors raise #MF), EM clear,
 *          TS set (the FPU is handed out lazily, proc/proc_fpu.c)
 *   fxsr   fxsave/fxrstor: CR4.OSFXSR, so they save the SSE registers too
 *          and SSE instructions may run
 *   sse    SSE: CR4.OSXMMEXCPT, so an unmasked SIMD exception raises #XM
 *   umip   UMIP: CR4.UMIP, so sgdt, sidt, sldt, str and smsw fault in
 *          ring 3 instead of showing it kernel addresses
 */
#ifndef CPU_CPU_H
#define CPU_CPU_H

struct cpu_features {
	int fpu, fxsr, sse, umip;       /* 1: the CPU has it, and it is enabled */
};

extern struct cpu_features cpu_features;

/* Find the features and enable them. */
void cpu_init(void);
/* Which ones: "enabled fpu fxsr sse umip; not offered: none". */
#define CPU_DESCRIPTION_MAX 80
void cpu_describe(char *buf, int size);

#endif
