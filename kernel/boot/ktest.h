/*
 * ktest.h - kernel test programs, chosen at boot with init=NAME.
 *
 * A test is a function registered with KTEST(name, "what it shows"); the
 * registry is the .ktests section (kernel.ld), so each lab's tests live in
 * that lab's file and nothing else needs to list them. kmain runs the test
 * on the boot thread; when it returns, the kernel shuts down with success.
 * A test that finds a failure says why and calls ktest_fail, which shuts
 * down with the failure code. Tests print facts computed from the run and
 * from values the grader picks (seed=, hz=, arguments); the grader decides.
 */
#ifndef BOOT_KTEST_H
#define BOOT_KTEST_H

struct ktest {
	const char *name;
	void (*run)(void);
	const char *summary;
};

#define KTEST(ident, summary)                                              \
	static void ktest_##ident(void);                                   \
	static const struct ktest ktest_entry_##ident                      \
		__attribute__((section(".ktests"), used, aligned(4))) =    \
		{ #ident, ktest_##ident, summary };                        \
	static void ktest_##ident(void)

const struct ktest *ktest_find(const char *name);
void ktest_list(void);
void ktest_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* A small deterministic generator, so a test's inputs follow from seed=. */
unsigned int ktest_random(unsigned int *state);

#endif
