/*
 * file.c - the system-wide table of open files, and read/write dispatched
 * by file type. System calls are preemptible (syscall.c), so the table's
 * reference counts change only where no other thread can run: in the
 * NOPREEMPT functions file_alloc and file_dup, and in file_close's
 * preempt_disable section. Interrupt handlers never touch the table.
 */
#include "fs/file.h"
#include "fs/pipe.h"
#include "console/console.h"
#include "fs/tty.h"
#include "cpu/nopreempt.h"
#include "debug/panic.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "abi.h"

#define CONSOLE_CHUNK 128       /* bytes copied in per console write step */

static struct file file_table[NFILE];

NOPREEMPT struct file *file_alloc(enum file_type type, int readable, int writable)
{
	for (struct file *f = file_table; f < &file_table[NFILE]; f++) {
		if (f->refs == 0) {
			*f = (struct file){ type, 1, readable, writable, 0 };
			return f;
		}
	}
	return 0;
}

NOPREEMPT struct file *file_dup(struct file *f)
{
	if (f->refs < 1)
		panic("file_dup: file %d is not open", (int)(f - file_table));
	f->refs++;
	return f;
}

void file_close(struct file *f)
{
	preempt_disable();
	if (f->refs < 1)
		panic("file_close: file %d is not open", (int)(f - file_table));
	if (--f->refs == 0) {
		if (f->type == FILE_PIPE)
			pipe_close_end(f->pipe, f->writable);
		f->type = FILE_NONE;
	}
	preempt_enable();
}

/* Console output: copy the user's bytes (checked by file_write) in, a
 * chunk at a time, and print them as one run so that they are not
 * interleaved with kernel lines. */
static int console_write_user(uint32_t ubuf, uint32_t n)
{
	char chunk[CONSOLE_CHUNK];
	uint32_t *pgdir = current_proc->pgdir;

	for (uint32_t done = 0; done < n; done += sizeof(chunk)) {
		uint32_t len = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
		uaccess_read(pgdir, chunk, ubuf + done, len);
		preempt_disable();      /* one chunk is one run on the console */
		console_write(chunk, (int)len);
		preempt_enable();
	}
	return (int)n;
}

/* Console input into the user's buffer (checked by file_read): at least
 * one byte, at most n, as typed (raw: no echo, no line editing); 0 at
 * Ctrl-D (end of file). */
static int console_read_user(uint32_t ubuf, uint32_t n)
{
	char chunk[CONSOLE_CHUNK];

	if (n > sizeof(chunk))
		n = sizeof(chunk);
	int got = tty_read(chunk, (int)n);
	if (got > 0)
		uaccess_write(current_proc->pgdir, ubuf, chunk, (uint32_t)got);
	return got;
}

/*
 * The one rule for the buffer of a read or a write, checked here for every
 * kind of file and every length before the file is touched: [ubuf, ubuf +
 * n) must lie in user space and be mapped (writable, for a read, which
 * fills it). A length of 0 needs no mapped page, but ubuf must still be a
 * user address, so read(fd, NULL, 0) is -E_FAULT just as read(fd, NULL, 1)
 * is (uaccess_ok). Then a length of 0 returns 0 without touching the file:
 * no wait for input, no -E_PIPE.
 */
int file_read(struct file *f, uint32_t ubuf, uint32_t n)
{
	if (!f->readable)
		return -E_BADF;
	if (!uaccess_ok(current_proc->pgdir, ubuf, n, 1))
		return -E_FAULT;
	if (n == 0)
		return 0;
	if (f->type == FILE_PIPE)
		return pipe_read(f->pipe, ubuf, n);
	return console_read_user(ubuf, n);
}

int file_write(struct file *f, uint32_t ubuf, uint32_t n)
{
	if (!f->writable)
		return -E_BADF;
	if (!uaccess_ok(current_proc->pgdir, ubuf, n, 0))
		return -E_FAULT;
	if (n == 0)
		return 0;
	if (f->type == FILE_PIPE)
		return pipe_write(f->pipe, ubuf, n);
	return console_write_user(ubuf, n);
}
