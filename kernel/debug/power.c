/*
 * power.c - shutting the machine down with a verdict.
 */
#include "debug/power.h"
#include "cpu/x86.h"
#include "console/console.h"

void (*shutdown_hook)(void);

void shutdown(int success)
{
	void (*hook)(void) = shutdown_hook;

	cli();
	shutdown_hook = 0;
	if (hook)
		hook();
	printf("beta86: shutdown (%s)\n", success ? "success" : "failure");
	outl(DEBUG_EXIT_PORT, success ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
	/* Only reached without the debug-exit device (e.g. real hardware). */
	for (;;)
		hlt();
}
