/*
 * sieve.c - a domain whose working memory is all demand-mapped (lab 7's
 * pager, user/pager.c, maps it): dom_main(badge, limit) counts the primes
 * below limit with a sieve of Eratosthenes, one byte per number, in the
 * region at SIEVE_BASE, which its image does not contain. Its first touch
 * of each page is a page fault that its manager's handler answers.
 *
 * r0 the number of primes below limit, r1 their sum (mod 2^32); r0
 * -E_INVAL for a limit above SIEVE_MAX_LIMIT.
 */
#include "ulib.h"
#include "sieve.h"

uint64_t dom_main(uint32_t badge, uint32_t limit)
{
	volatile uint8_t *composite = (volatile uint8_t *)SIEVE_BASE;
	uint32_t count = 0, sum = 0;

	if (limit > SIEVE_MAX_LIMIT)
		return dom_reply((uint32_t)-E_INVAL, 0);
	for (uint32_t n = 0; n < limit; n++)    /* the region may hold an earlier call's sieve */
		composite[n] = 0;
	for (uint32_t n = 2; n < limit; n++) {
		if (composite[n])
			continue;
		count++;
		sum += n;
		for (uint32_t m = n * n; n < 65536 && m < limit; m += n)
			composite[m] = 1;
	}
	return dom_reply(count, sum);
}
