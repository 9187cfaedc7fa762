/*
 * ulib.h - the user runtime: what every beta86 user program can call.
 *
 *   system calls    generated from syscall_list.h (stubs in usys.S)
 *   output          printf/fprintf/puts on descriptors, via lib/format.c
 *   memory          malloc/free/calloc/realloc on top of sbrk
 *   strings         lib/string.h
 *   start           crt0.S: _start calls main(argc, argv) and then exit()
 *                   with main's return value (the backstop)
 *   errors          strerror(); a system call's result in [-E_MAX, -1]
 *                   is -E_xxx (abi.h)
 *   fault handlers  fault_handler_set, fault_regs_resume (lab 7)
 */
#ifndef LIB_USER_ULIB_H
#define LIB_USER_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "abi.h"
#include "format.h"
#include "string.h"

struct procinfo;
struct cap_info;
struct irq_info;

/* One prototype per system call, from the list. exit never returns. */
#define SYSCALL_PROTOTYPE(num, name, nargs, ret, params) ret name params;
SYSCALL_LIST(SYSCALL_PROTOTYPE)
#undef SYSCALL_PROTOTYPE

/* The domain gates (abi.h, usys.S): dom_call's result holds r0 in its low
 * half and r1 in its high half; a failed call has r0 = -E_xxx. */
uint64_t dom_call(int cap, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);
int dom_return(uint32_t r0, uint32_t r1);
static inline int dom_r0(uint64_t result) { return (int)(uint32_t)result; }
static inline uint32_t dom_r1(uint64_t result) { return (uint32_t)(result >> 32); }
/* What a domain's dom_main returns: r0 and r1, packed as dom_call gets them. */
static inline uint64_t dom_reply(uint32_t r0, uint32_t r1) { return ((uint64_t)r1 << 32) | r0; }
void exit(int status) __attribute__((noreturn));
/* The IRQ gates (lab 8, abi.h, usys.S): irq_wait returns the deliveries
 * since the last wait (sleeping until there is one), irq_ack unmasks. */
int irq_wait(int cap);
int irq_ack(int cap);
/* The fault handler gates (lab 7, abi.h, usys.S): a handler reads and
 * writes the faulting registers (FAULT_REGS_GET, FAULT_REGS_SET) and
 * ends (FAULT_RESUME, FAULT_PASS, FAULT_KILL); fault_resume returns only
 * with -E_INVAL. */
struct fault_regs;
int fault_regs(int op, struct fault_regs *regs);
int fault_resume(int action);

/* A domain's fault handler in C (lab 7): called on the exception stack with
 * the fault (abi.h), it returns what fault_resume is to do: FAULT_RESUME,
 * FAULT_PASS or FAULT_KILL. fault_handler_set(fn, mask) makes fn the
 * current domain's handler for the vectors in mask, through fault_entry
 * (fault_entry.S); dom_set_handler's result. */
typedef int (*fault_handler_t)(unsigned int vector, unsigned int addr, unsigned int error, int dom);
int fault_handler_set(fault_handler_t fn, unsigned int mask);
/* A handler's last step once it has edited the faulting registers r (from
 * fault_regs GET): fault_regs SET, and what the handler is to return:
 * FAULT_RESUME, or FAULT_KILL if the kernel refuses the registers. */
static inline int fault_regs_resume(struct fault_regs *r)
{
	return fault_regs(FAULT_REGS_SET, r) < 0 ? FAULT_KILL : FAULT_RESUME;
}

/* The error's name and meaning, e.g. "E_FAULT (bad address)"; err may be
 * given as E_FAULT or -E_FAULT. */
const char *strerror(int err);

/* Formatted output to a descriptor, buffered per call: output that fits
 * the buffer (256 bytes) goes out in one write, so lines from different
 * processes do not interleave; longer output goes in 256-byte pieces.
 * They return the number of characters, or -E_xxx if a write failed. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(int fd, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int puts(const char *s);                      /* s and a newline, to stdout */
/* Print "prog: message\n" to stderr and exit(1). */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Read one line from fd into buf (newline not kept, NUL-terminated);
 * returns its length, or -1 at end of file with nothing read. Reads one
 * byte at a time, so nothing after the newline is consumed; only '\n' ends
 * a line. A line longer than size-1 bytes comes back in size-1 pieces. A
 * read error counts as end of file. No echo: see sh.c for console input. */
int getline_fd(int fd, char *buf, int size);

/* Write all n bytes of buf to fd, looping over short writes. Returns n, or
 * -E_xxx from the first write that failed (-E_PIPE if one wrote nothing). */
int write_all(int fd, const void *buf, int n);

/* Heap (malloc.c): first fit over sbrk, with coalescing. malloc returns
 * NULL when sbrk fails; malloc(0) returns a unique pointer; free(NULL) does
 * nothing; free or realloc of a pointer malloc did not return (or already
 * freed) dies with a message. calloc returns NULL if n * size overflows. */
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

/* Numbers: atoi accepts an optional '-'; returns 0 on garbage. */
int atoi(const char *s);
/* One step of the xorshift32 generator: the new state, which is also the
 * number drawn. A zero state (which would stay zero) starts from
 * 0x9E3779B9 instead; grader/userprog.py computes the same sequence. */
uint32_t xorshift32(uint32_t *state);

/* The time-stamp counter. Under the grader's QEMU (-icount shift=0) it
 * counts retired instructions, so differences repeat exactly. rdtsc32 is
 * its low half, for differences of up to 4 G instructions. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t rdtsc32(void)
{
	return (uint32_t)rdtsc();
}

/* The name main was started as (argv[0]), for messages. */
extern const char *progname;

#endif
