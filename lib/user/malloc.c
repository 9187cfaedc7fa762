/*
 * malloc.c - the user heap: a first-fit allocator over sbrk().
 *
 * The heap is a run of blocks, each starting with a struct block_header
 * that records the block's size (header included). Free blocks form one
 * list sorted by address; malloc takes the first free block that is big
 * enough and splits off what it does not need, and free puts a block back
 * in its place in the list, merging it with a free neighbour on either
 * side, so the heap does not crumble into small pieces. When no free block
 * fits, the heap grows by sbrk() in whole HEAP_GROW_BYTES steps; malloc
 * returns NULL when sbrk fails. Memory is never given back to the kernel.
 *
 * An allocated block's header holds ALLOCATED_MAGIC where a free block
 * keeps its list link, so free() and realloc() catch a pointer that
 * malloc never returned, or one freed twice, and die with a message.
 */
#include <stdint.h>
#include "ulib.h"

#define HEAP_ALIGN       8              /* every payload is 8-byte aligned */
#define HEAP_GROW_BYTES  4096           /* sbrk at least this much at a time */
#define MAX_REQUEST      0x7fff0000u    /* larger requests fail at once */
/* Odd, so it can never be equal to an (aligned) free-list link. */
#define ALLOCATED_MAGIC  0xa110c8edu

struct block_header {
	size_t size;                    /* bytes, header included; a multiple of HEAP_ALIGN */
	union {
		struct block_header *next_free; /* free: the next free block by address */
		uintptr_t magic;                /* allocated: ALLOCATED_MAGIC */
	} u;
};

#define HEADER_SIZE    sizeof(struct block_header)
/* A header and the smallest payload: splitting never leaves less. */
#define MIN_BLOCK_SIZE (HEADER_SIZE + HEAP_ALIGN)

_Static_assert(sizeof(struct block_header) % HEAP_ALIGN == 0,
	       "the header must keep payloads aligned");

/* The free blocks, lowest address first. */
static struct block_header *free_list;

static size_t round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* sbrk returns the old break, or -E_xxx. */
static int sbrk_failed(int r)
{
	return r < 0 && r >= -E_MAX;
}

static void *payload_of(struct block_header *b)
{
	return (char *)b + HEADER_SIZE;
}

static struct block_header *header_of(void *p)
{
	return (struct block_header *)((char *)p - HEADER_SIZE);
}

static struct block_header *block_end(struct block_header *b)
{
	return (struct block_header *)((char *)b + b->size);
}

/* The block size that holds n bytes of payload. */
static size_t block_size_for(size_t n)
{
	size_t size = round_up(n + HEADER_SIZE, HEAP_ALIGN);
	return size < MIN_BLOCK_SIZE ? MIN_BLOCK_SIZE : size;
}

/* Puts block b into the free list at its address, merging it with the
 * free blocks just before and just after it. */
static void free_list_insert(struct block_header *b)
{
	struct block_header *prev = NULL;
	struct block_header *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->u.next_free;
	}

	b->u.next_free = next;
	if (next && block_end(b) == next) {
		b->size += next->size;
		b->u.next_free = next->u.next_free;
	}

	if (prev && block_end(prev) == b) {
		prev->size += b->size;
		prev->u.next_free = b->u.next_free;
	} else if (prev) {
		prev->u.next_free = b;
	} else {
		free_list = b;
	}
}

/* Shrinks the allocated block b to size bytes if the rest is big enough
 * to be a block of its own, which then becomes free. */
static void split_off_tail(struct block_header *b, size_t size)
{
	struct block_header *tail;

	if (b->size - size < MIN_BLOCK_SIZE)
		return;
	tail = (struct block_header *)((char *)b + size);
	tail->size = b->size - size;
	b->size = size;
	free_list_insert(tail);
}

/* Grows the heap by at least size bytes, as one free block. */
static int heap_grow(size_t size)
{
	size_t bytes = round_up(size, HEAP_GROW_BYTES);
	int brk = sbrk(0);
	int pad, r;
	struct block_header *b;

	if (sbrk_failed(brk))
		return -1;
	pad = (int)((0u - (unsigned int)brk) & (HEAP_ALIGN - 1));
	r = sbrk(pad + (int)bytes);
	if (sbrk_failed(r))
		return -1;
	b = (struct block_header *)((char *)(uintptr_t)r + pad);
	b->size = bytes;
	free_list_insert(b);
	return 0;
}

/* Dies unless p is a payload that malloc handed out and that is not free. */
static struct block_header *checked_header(void *p, const char *who)
{
	struct block_header *b = header_of(p);

	if (((uintptr_t)p & (HEAP_ALIGN - 1)) != 0 || b->u.magic != ALLOCATED_MAGIC)
		die("%s(%p): not an allocated block (freed twice, or never malloc'd)",
		    who, p);
	return b;
}

void *malloc(size_t n)
{
	size_t size;

	if (n > MAX_REQUEST)
		return NULL;
	size = block_size_for(n);

	for (;;) {
		struct block_header *prev = NULL;
		struct block_header *b;

		for (b = free_list; b; prev = b, b = b->u.next_free) {
			if (b->size < size)
				continue;
			if (prev)
				prev->u.next_free = b->u.next_free;
			else
				free_list = b->u.next_free;
			b->u.magic = ALLOCATED_MAGIC;
			split_off_tail(b, size);
			return payload_of(b);
		}
		if (heap_grow(size) < 0)
			return NULL;
	}
}

void free(void *p)
{
	if (p)
		free_list_insert(checked_header(p, "free"));
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Merges the free block right after b into b if the two hold size bytes. */
static int grow_in_place(struct block_header *b, size_t size)
{
	struct block_header *prev = NULL;
	struct block_header *next = free_list;

	while (next && next < block_end(b)) {
		prev = next;
		next = next->u.next_free;
	}
	if (next != block_end(b) || b->size + next->size < size)
		return -1;
	if (prev)
		prev->u.next_free = next->u.next_free;
	else
		free_list = next->u.next_free;
	b->size += next->size;
	return 0;
}

void *realloc(void *p, size_t n)
{
	struct block_header *b;
	size_t size;
	void *q;

	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	b = checked_header(p, "realloc");
	if (n > MAX_REQUEST)
		return NULL;
	size = block_size_for(n);

	if (b->size >= size || grow_in_place(b, size) == 0) {
		split_off_tail(b, size);
		return p;
	}
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, b->size - HEADER_SIZE);
	free(p);
	return q;
}
