/*
 * pipe.c - pipes. A pipe is one frame: counters, open-end counts and a
 * ring of PIPE_SIZE bytes. nread and nwrite count every byte ever read and
 * written; they only grow (wrapping at 2^32, which PIPE_SIZE divides), so
 *     bytes buffered = nwrite - nread,   0 <= that <= PIPE_SIZE.
 *
 * A pipe's fields change only with interrupts off: pipe_read and
 * pipe_write hold them off from their checks to their sleeps, so no
 * wakeup is missed, and pipe_close_end likewise. That is bounded: at most
 * PIPE_SIZE bytes are copied between two sleeps. Readers sleep on &nread,
 * writers on &nwrite; waiting_readers and waiting_writers count them, so
 * that the common case (nobody waiting) skips wakeup's walk of the
 * sleepers.
 */
#include "fs/pipe.h"
#include "fs/file.h"
#include "mm/frame.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "console/console.h"
#include "debug/panic.h"
#include "abi.h"
#include "lab.h"

#define PIPE_SIZE 2048          /* a power of two: the ring wraps by masking */

struct pipe {
	uint32_t nread, nwrite;
	int readers, writers;       /* open read and write ends */
	int waiting_readers, waiting_writers;
	uint8_t data[PIPE_SIZE];
};

_Static_assert(sizeof(struct pipe) <= PAGE_SIZE, "a pipe must fit in one frame");

int pipe_create(struct file **read_end, struct file **write_end)
{
	struct pipe *p = (struct pipe *)frame_alloc();
	struct file *r = 0, *w = 0;

	if (!p)
		return -E_NOMEM;
	if (!(r = file_alloc(FILE_PIPE, 1, 0)) || !(w = file_alloc(FILE_PIPE, 0, 1))) {
		if (r)
			r->refs = 0;
		frame_free((uint32_t)p);
		return -E_MFILE;
	}
	*p = (struct pipe){ .readers = 1, .writers = 1 };
	r->pipe = w->pipe = p;
	*read_end = r;
	*write_end = w;
	return 0;
}

/* Sleep on chan, counted in *waiting. */
static LAB_GIVEN void pipe_sleep(void *chan, int *waiting)
{
	(*waiting)++;
	sleep(chan);
	(*waiting)--;
}

static LAB_GIVEN void pipe_wake(void *chan, int waiting)
{
	if (waiting)
		wakeup(chan);
}

void pipe_close_end(struct pipe *p, int write_end)
{
	uint32_t flags = irq_save();

	if (write_end) {
		p->writers--;
		wakeup(&p->nread);      /* readers see end of file */
	} else {
		p->readers--;
		wakeup(&p->nwrite);     /* writers see a broken pipe */
	}
	int unused = p->readers == 0 && p->writers == 0;
	irq_restore(flags);
	if (unused)
		frame_free((uint32_t)p);
}

/* Copy len bytes between the ring (starting at counter pos) and user
 * memory, in at most two pieces because of the wrap. The user range was
 * checked on entry and cannot have changed: the caller's own address
 * space, which only the caller's system calls alter. */
static LAB_GIVEN void pipe_copy(struct pipe *p, uint32_t pos, uint32_t ubuf, uint32_t len, int to_user)
{
	uint32_t *pgdir = current_proc->pgdir;

	while (len > 0) {
		uint32_t at = pos & (PIPE_SIZE - 1);
		uint32_t piece = PIPE_SIZE - at < len ? PIPE_SIZE - at : len;
		if (to_user)
			uaccess_write(pgdir, ubuf, &p->data[at], piece);
		else
			uaccess_read(pgdir, &p->data[at], ubuf, piece);
		pos += piece, ubuf += piece, len -= piece;
	}
}

/* pipe_read and pipe_write call these with interrupts off (the user range
 * is checked, and n > 0: pipe.h). */
static int pipe_read_locked(struct pipe *p, uint32_t ubuf, uint32_t n);
static int pipe_write_locked(struct pipe *p, uint32_t ubuf, uint32_t n);

int pipe_read(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	uint32_t flags = irq_save();
	int got = pipe_read_locked(p, ubuf, n);
	irq_restore(flags);
	return got;
}

int pipe_write(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	uint32_t flags = irq_save();
	int done = pipe_write_locked(p, ubuf, n);
	irq_restore(flags);
	return done;
}

/* Wait for bytes (or the end of file), then take at most n of them. */
#if LAB_SOLUTION(5)
static int pipe_read_locked(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	while (p->nread == p->nwrite && p->writers > 0) {
		if (proc_interrupted(current_proc))
			return -E_INTR;
		pipe_sleep(&p->nread, &p->waiting_readers);
	}
	uint32_t buffered = p->nwrite - p->nread;
	if (n > buffered)
		n = buffered;
	pipe_copy(p, p->nread, ubuf, n, 1);
	p->nread += n;
	if (n > 0)
		pipe_wake(&p->nwrite, p->waiting_writers);
	return (int)n;
}
#else
static int pipe_read_locked(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	printf("pipe_read: not implemented (lab 5)\n");
	return -E_NOSYS;
}
#endif

/* Copy all n bytes in, sleeping whenever the ring is full; fewer only if
 * the readers go away or the writer is killed. */
#if LAB_SOLUTION(5)
static int pipe_write_locked(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	uint32_t done = 0;

	while (done < n) {
		if (p->readers == 0)
			return done > 0 ? (int)done : -E_PIPE;
		uint32_t space = PIPE_SIZE - (p->nwrite - p->nread);
		if (space == 0) {
			if (proc_interrupted(current_proc))
				return done > 0 ? (int)done : -E_INTR;
			pipe_sleep(&p->nwrite, &p->waiting_writers);
			continue;
		}
		uint32_t piece = n - done < space ? n - done : space;
		pipe_copy(p, p->nwrite, ubuf + done, piece, 0);
		p->nwrite += piece;
		done += piece;
		pipe_wake(&p->nread, p->waiting_readers);
	}
	return (int)n;
}
#else
static int pipe_write_locked(struct pipe *p, uint32_t ubuf, uint32_t n)
{
	printf("pipe_write: not implemented (lab 5)\n");
	return -E_NOSYS;
}
#endif
