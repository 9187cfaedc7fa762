/*
 * syscall_list.h - the one list of beta86's system calls.
 *
 * Both sides are generated from it, so a number can never disagree:
 *   - the kernel's table (kernel/syscall/syscall.c) maps NUMBER to sys_NAME;
 *   - the user stubs (lib/user/usys.S) load NUMBER into %eax, NARGS
 *     arguments into registers, and execute `int $48`;
 *   - lib/user/ulib.h declares `RET NAME PARAMS` for C callers.
 *
 * X(NUMBER, NAME, NARGS, RET, PARAMS). Calling convention (abi.h):
 * number in %eax, arguments 1..3 in %ecx, %edx, %ebx, result in %eax (a
 * negative result is -E_xxx); argument 4 in %esi. dom_call, dom_return, irq_wait,
 * irq_ack, fault_regs and fault_resume are gates of their own, not numbers
 * here (abi.h). Number 0 is deliberately unused, so a
 * zeroed %eax is an error rather than a call.
 */
#define SYSCALL_LIST(X) \
	X(1,  exit,     1, void,  (int status)) \
	X(2,  fork,     0, int,   (void)) \
	X(3,  exec,     2, int,   (const char *path, char *const argv[])) \
	X(4,  wait,     1, int,   (int *status)) \
	X(5,  kill,     1, int,   (int pid)) \
	X(6,  getpid,   0, int,   (void)) \
	X(7,  getppid,  0, int,   (void)) \
	X(8,  yield,    0, int,   (void)) \
	X(9,  sleep,    1, int,   (unsigned int ticks)) \
	X(10, uptime,   0, int,   (void)) \
	X(11, read,     3, int,   (int fd, void *buf, int n)) \
	X(12, write,    3, int,   (int fd, const void *buf, int n)) \
	X(13, close,    1, int,   (int fd)) \
	X(14, dup,      1, int,   (int fd)) \
	X(15, pipe,     1, int,   (int fds[2])) \
	X(16, sbrk,     1, int,   (int increment)) \
	X(17, ps,       2, int,   (struct procinfo *table, int max)) \
	X(18, memfree,  0, int,   (void)) \
	X(19, dom_create,  2, int, (const char *path, int flags)) \
	X(20, dom_destroy, 1, int, (int mcap)) \
	X(21, cap_grant,   4, int, (int src, int to, unsigned int rights, unsigned int badge)) \
	X(22, cap_revoke,  1, int, (int slot)) \
	X(23, cap_delete,  1, int, (int slot)) \
	X(24, cap_info,    2, int, (int slot, struct cap_info *info)) \
	X(25, dom_set_handler, 2, int, (unsigned int eip, unsigned int trap_mask)) \
	X(28, dom_map,     3, int, (int mcap, unsigned int va, int flags)) \
	X(29, irq_get,     3, int, (int ctl, int line, int mode)) \
	X(30, irq_info,    2, int, (int cap, struct irq_info *info)) \
	X(31, io_in,       2, int, (int cap, unsigned int port)) \
	X(32, io_out,      3, int, (int cap, unsigned int port, unsigned int value)) \
	X(33, cap_narrow,  3, int, (int slot, unsigned int first, unsigned int last))

#define SYSCALL_MAX 33      /* the highest number in the list */

/* Numbers no call has any more, answered -E_NOSYS, kept so that no other
 * call's number moves: X(NUMBER, WHAT IT WAS). fault_regs and
 * fault_resume, lab 7's handler calls, are gates of their own now
 * (int $54 and int $53, abi.h), which skip the system call dispatch. */
#define SYSCALL_RETIRED(X) \
	X(26, fault_regs) \
	X(27, fault_resume)
