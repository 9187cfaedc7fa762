/*
 * lab.h - marks the code students write.
 *
 * A block
 *     #if LAB_SOLUTION(N)
 *         ...the reference solution...
 *     #else
 *         ...a stub that fails loudly and safely...
 *     #endif
 * is lab N's student part. On main LAB_SOLUTION(n) is true, so main is the
 * complete reference. `make handout LAB=N` (labs/handout.py) rewrites every
 * block of lab N and later into its stub, with a "LAB N: your code here"
 * comment. Building main with HANDOUT_LAB=N compiles the same stubs without
 * generating a tree, which keeps them from rotting.
 */
#ifndef LIB_LAB_H
#define LIB_LAB_H

#ifdef HANDOUT_LAB
#define LAB_SOLUTION(n) ((n) < HANDOUT_LAB)
#else
#define LAB_SOLUTION(n) 1
#endif

#endif
