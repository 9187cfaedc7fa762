/*
 * lab.h - marks the code students write.
 *
 * A student part is one whole function, written twice:
 *     #if LAB_SOLUTION(N)
 *     ...the function, as the reference solution...
 *     #else
 *     ...the same function (same name and signature) as a stub that
 *        fails loudly and safely...
 *     #endif
 * Where a student writes only part of what a function does, that part is
 * a function of its own, with a comment stating its contract, called from
 * the given code. On main LAB_SOLUTION(n) is true, so main is the complete
 * reference. `make handout LAB=N` (labs/handout.py, which refuses a block
 * that is not one whole function) rewrites every block of lab N and later
 * into its stub, with a "LAB N: your code here" comment at the start of
 * its body. Building main with HANDOUT_LAB=N compiles the same stubs
 * without generating a tree, which keeps them from rotting.
 */
#ifndef LIB_LAB_H
#define LIB_LAB_H

#ifdef HANDOUT_LAB
#define LAB_SOLUTION(n) ((n) < HANDOUT_LAB)
#else
#define LAB_SOLUTION(n) 1
#endif

/*
 * LAB_TREE is the lab this tree is for: HANDOUT_LAB, which a handout
 * tree's Makefile sets to its own lab (labs/handout.py writes it there, so
 * the tree keeps meaning what `make HANDOUT_LAB=N` means on main), or
 * LAB_TREE_MAIN on main, where every lab is done. Given code that behaves
 * as the labs done allow (the default boot, kernel/boot/main.c) asks
 * LAB_SOLUTION(n); LAB_TREE only names the lab to the student.
 */
#define LAB_TREE_MAIN 0
#ifdef HANDOUT_LAB
#define LAB_TREE HANDOUT_LAB
#else
#define LAB_TREE LAB_TREE_MAIN
#endif

/*
 * LAB_GIVEN marks a static helper (or table) given to a student part: the
 * reference calls it, a stub need not, so in a handout it may be defined
 * and unused. Without the mark that would be a warning (an error in CI).
 */
#define LAB_GIVEN __attribute__((unused))

/*
 * LAB_STUB_ONCE(say): a stub's announcement (say: a printf), made the first
 * time the stub runs only. A stub on a path a program takes in a loop (a
 * domain call, a capability lookup: the fuzzer makes 100,000 of them)
 * would otherwise flood the console, and the grade would wait for the
 * flood to end before it could tell the student what is missing.
 */
#define LAB_STUB_ONCE(say)                      \
	do {                                    \
		static int lab_stub_said;       \
		if (!lab_stub_said) {           \
			lab_stub_said = 1;      \
			say;                    \
		}                               \
	} while (0)

#endif
