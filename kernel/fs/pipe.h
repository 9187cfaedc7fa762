/*
 * pipe.h - pipes: a byte ring in one frame, a read end and a write end.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <stdint.h>

struct file;
struct pipe;

/* A new pipe with its two ends; 0, -E_MFILE or -E_NOMEM. */
int pipe_create(struct file **read_end, struct file **write_end);
/* Close one end; the pipe's frame is freed with the last end. */
void pipe_close_end(struct pipe *p, int write_end);
/* The user buffer [ubuf, ubuf + n) of both has been checked (file_read,
 * file_write), and n > 0. */
/* Block until data or end of file: returns bytes read (0 = EOF when no
 * writer remains) or -E_INTR. */
int pipe_read(struct pipe *p, uint32_t ubuf, uint32_t n);
/* Block until all is written: returns n, the bytes written before every
 * reader went away, -E_PIPE (no reader) or -E_INTR. */
int pipe_write(struct pipe *p, uint32_t ubuf, uint32_t n);

#endif
