/*
 * backtrace.c - the frame-pointer walk behind every panic's backtrace
 * (lab 1's student part), and printing it with symbol names.
 */
#include "debug/backtrace.h"
#include "debug/ksym.h"
#include "console/console.h"
#include "lab.h"

int backtrace_frame_ok(uint32_t ebp)
{
	return ebp != 0 && ebp % sizeof(uint32_t) == 0 &&
	       kstack_contains(ebp, 2 * sizeof(uint32_t));
}

#if LAB_SOLUTION(1)
int backtrace_walk(uint32_t ebp, uint32_t *pcs, int max)
{
	int n = 0;

	while (n < max && backtrace_frame_ok(ebp)) {
		const uint32_t *record = (const uint32_t *)ebp;
		if (record[1] == 0)
			break;  /* a thread's bootstrap: nothing called it */
		pcs[n++] = record[1];
		/* The stack grows down, so each caller's record lies above its
		 * callee's; anything else is a corrupt chain (or a loop). */
		if (record[0] <= ebp)
			break;
		ebp = record[0];
	}
	return n;
}
#else
int backtrace_walk(uint32_t ebp, uint32_t *pcs, int max)
{
	printf("backtrace: not implemented (lab 1: backtrace_walk)\n");
	return 0;
}
#endif

static void backtrace_print_frame(int n, uint32_t pc)
{
	uint32_t offset;
	const char *name = ksym_lookup(pc, &offset);

	if (name)
		printf("  #%d 0x%08x %s+0x%x\n", n, pc, name, offset);
	else
		printf("  #%d 0x%08x ???\n", n, pc);
}

void backtrace_print(uint32_t eip, uint32_t ebp)
{
	uint32_t pcs[BACKTRACE_MAX_FRAMES];
	int n = 0;

	printf("backtrace:\n");
	if (eip)
		backtrace_print_frame(n++, eip);
	int walked = backtrace_walk(ebp, pcs, BACKTRACE_MAX_FRAMES);
	for (int i = 0; i < walked; i++)
		backtrace_print_frame(n++, pcs[i]);
	if (walked == BACKTRACE_MAX_FRAMES)
		printf("  ... (more frames not shown)\n");
}
