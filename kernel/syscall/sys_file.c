/*
 * sys_file.c - the system calls on descriptors: read, write, close, dup
 * and pipe, over the current process's descriptor table (proc.files).
 */
#include "syscall/syscall.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "mm/vm.h"
#include "proc/proc.h"

/* The open file behind descriptor fd of the current process, or 0. */
static struct file *fd_file(uint32_t fd)
{
	return fd < NOFILE ? current_proc->files[fd] : 0;
}

/* The lowest free descriptor given f, or -E_MFILE. */
static int fd_install(struct file *f)
{
	for (int fd = 0; fd < NOFILE; fd++) {
		if (!current_proc->files[fd]) {
			current_proc->files[fd] = f;
			return fd;
		}
	}
	return -E_MFILE;
}

/* read(fd, buf, n) and write(fd, buf, n): check the descriptor and the
 * count, then transfer (file_read or file_write checks the buffer). */
static int sys_transfer(struct trapframe *tf, int (*transfer)(struct file *, uint32_t, uint32_t))
{
	struct file *f = fd_file(SYSCALL_ARG1(tf));
	int n = (int)SYSCALL_ARG3(tf);

	if (!f)
		return -E_BADF;
	if (n < 0)
		return -E_INVAL;
	return transfer(f, SYSCALL_ARG2(tf), (uint32_t)n);
}

struct trapframe *sys_read(struct trapframe *tf)
{
	return syscall_return(tf, sys_transfer(tf, file_read));
}

struct trapframe *sys_write(struct trapframe *tf)
{
	return syscall_return(tf, sys_transfer(tf, file_write));
}

struct trapframe *sys_close(struct trapframe *tf)
{
	uint32_t fd = SYSCALL_ARG1(tf);
	struct file *f = fd_file(fd);

	if (!f)
		return syscall_return(tf, -E_BADF);
	current_proc->files[fd] = 0;
	file_close(f);
	return syscall_return(tf, 0);
}

struct trapframe *sys_dup(struct trapframe *tf)
{
	struct file *f = fd_file(SYSCALL_ARG1(tf));

	if (!f)
		return syscall_return(tf, -E_BADF);
	int fd = fd_install(f);
	if (fd >= 0)
		file_dup(f);
	return syscall_return(tf, fd);
}

/* pipe(fds): fds[0] the read end, fds[1] the write end. */
struct trapframe *sys_pipe(struct trapframe *tf)
{
	uint32_t ufds = SYSCALL_ARG1(tf);
	struct file *r, *w;
	int fds[2];

	if (!uaccess_ok(current_proc->pgdir, ufds, sizeof(fds), 1))
		return syscall_return(tf, -E_FAULT);
	int err = pipe_create(&r, &w);
	if (err < 0)
		return syscall_return(tf, err);
	fds[0] = fd_install(r);
	fds[1] = fds[0] < 0 ? -E_MFILE : fd_install(w);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			current_proc->files[fds[0]] = 0;
		file_close(r);
		file_close(w);
		return syscall_return(tf, -E_MFILE);
	}
	copyout(current_proc->pgdir, ufds, fds, sizeof(fds));
	return syscall_return(tf, 0);
}
