/*
 * sieve.h - what user/domains/sieve.c does, shared with its pager
 * (user/pager.c): where its working memory lies and how much of it there
 * may be. None of that memory is in sieve's image: every page of it is
 * mapped by the pager, with dom_map, the first time sieve touches it.
 */
#ifndef USER_DOMAINS_SIEVE_H
#define USER_DOMAINS_SIEVE_H

#define SIEVE_BASE      0x50000000u     /* in [USER_BASE, the image limit), far above sieve's image */
#define SIEVE_PAGE      4096u
#define SIEVE_MAX_PAGES 64u             /* the most the pager maps: 256 KiB */
#define SIEVE_MAX_LIMIT (SIEVE_MAX_PAGES * SIEVE_PAGE)

#endif
