/*
 * file.h - open files: what a descriptor names. A file is the console or
 * one end of a pipe; descriptors (proc.files) point into file_table, and a
 * file lives while some descriptor refers to it (refs).
 *
 * read and write take a user buffer in the current process's address
 * space and return a byte count or -E_xxx; a bad buffer is -E_FAULT before
 * anything is read or written.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stdint.h>

#define NFILE 128               /* open files in the whole system */

enum file_type {
	FILE_NONE,
	FILE_CONSOLE,
	FILE_PIPE,
};

struct pipe;

struct file {
	enum file_type type;
	int refs;                   /* descriptors referring to it; 0 = free */
	int readable, writable;
	struct pipe *pipe;          /* FILE_PIPE */
};

/* A free file with one reference, or 0 when the table is full. */
struct file *file_alloc(enum file_type type, int readable, int writable);
/* Another reference to f (dup, fork). */
struct file *file_dup(struct file *f);
/* Drop one reference; the last one closes the console or pipe end. */
void file_close(struct file *f);
/* Read into / write from the user buffer [ubuf, ubuf + n) of the current
 * process: bytes moved, or -E_BADF (the wrong direction), -E_FAULT (the
 * buffer, checked for every n, 0 included: see file.c), or what the pipe
 * says. n = 0 returns 0 once the checks pass. */
int file_read(struct file *f, uint32_t ubuf, uint32_t n);
int file_write(struct file *f, uint32_t ubuf, uint32_t n);

#endif
