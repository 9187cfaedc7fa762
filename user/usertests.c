/*
 * usertests.c - the user-mode test suite of labs 4 and 5.
 *
 *   usertests PART [ARGS...]   run one part
 *   usertests all [SEED]       run every part, in order
 *
 * Every part prints exactly one verdict line, "usertests: PART: OK" or
 * "usertests: PART: FAILED: reason", and usertests exits 0 iff every part
 * it ran passed. The grader (grader/test_lab4_syscalls.py and
 * grader/test_lab5_*.py) boots "init=usertests PART ARGS", so usertests
 * usually runs as pid 1.
 *
 * Lab 4 (no fork, pipes or sbrk):
 *   syscalls SEED WORD [NR...]   getpid/getppid, uptime advances (a user
 *                    spin and sleep), write() of WORD to fd 1, NR and other
 *                    unknown numbers give -E_NOSYS, every register but
 *                    %eax survives system calls and timer interrupts, bad
 *                    descriptors give -E_BADF. Runs in the calling process
 *                    (pid 1 when booted with init=usertests), except under
 *                    "all", which runs every part in a child.
 *   uaccess SEED     the last system call (cap_narrow) is dispatched; user
 *                    pointers of system calls are checked without fork or
 *                    sbrk: a zero-length range outside user space (null
 *                    included) is -E_FAULT, one inside it is 0 even on an
 *                    unmapped page, a range is checked on every
 *                    page it touches (the end of .bss, the first unmapped
 *                    page above it), a range wrapping around 4 GiB is
 *                    refused, and read() refuses read-only text. Runs in
 *                    the calling process, like syscalls.
 * Lab 5 (each part runs in a child; afterwards usertests reaps every child,
 * orphans included when it is pid 1, and checks that memfree() and the
 * number of process table slots in use are what they were before):
 *   proc SEED        fork/wait/exit: copies, statuses, many children
 *   exec SEED        exec: NOENT, MAXARG arguments arrive intact, too many
 *                    or too long give -E_2BIG, a failed exec changes nothing
 *   badelf NAME...   exec of each malformed program bad-NAME (made by
 *                    tools/mkbadelf.py) gives -E_NOEXEC, in a child and in
 *                    the caller, which carries on
 *   orphan           orphans (running and zombie) are re-parented to pid 1
 *   pipe SEED        a seeded stream through a pipe in many small and some
 *                    large writes, EOF, dup, -E_PIPE, -E_BADF
 *   sbrk             grow, shrink, shrunk memory faults, fork copies the heap
 *   heapfree SEED    a shrink, and a grow that fails (early or late), give
 *                    back every frame the grow took, page tables included
 *   badptr           every pointer argument checked, page-boundary cases
 *   zerolen          read, write (console and pipes) and ps of length 0:
 *                    -E_FAULT for a pointer outside user space, else 0
 *   kill             kill a sleeping, spinning, pipe-blocked, waiting child
 *   preempt [WINDOW] two processes that spin (no system calls) for the same
 *                    WINDOW of instructions (rdtsc) both make progress
 *   exhaust          descriptor table, process table and memory run out
 *                    cleanly, and everything comes back
 * Internal (used by the parts above through exec): _exit CODE, _argv ...
 */
#include "ulib.h"

#define PAGE        4096u
#define PT_SPAN     (1024 * PAGE)   /* what one page table maps: 4 MiB */
#define NPROC_MAX   64
#define MASK_FLAGS  0x0CD5u     /* CF PF AF ZF SF DF OF */
#define FLAG_DF     0x0400u

static const char *part = "usertests";
static char line[640];

static inline int syscall3(uint32_t num, uint32_t a, uint32_t b, uint32_t c)
{
	int ret;
	asm volatile("int $48" : "=a"(ret) : "a"(num), "c"(a), "d"(b), "b"(c)
		     : "memory", "cc");
	return ret;
}

static const char *errstr(int r)
{
	return (r < 0 && r >= -E_MAX) ? strerror(r) : "";
}

/* One line "usertests: PART: <prefix><message>", written with one write()
 * so that lines of different processes never mix. */
static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	int n = snprintf(line, sizeof line - 1, "usertests: %s: %s", part, prefix);
	if (n > (int)sizeof line - 2)
		n = sizeof line - 2;
	int m = vsnprintf(line + n, sizeof line - 1 - n, fmt, ap);
	n += m;
	if (n > (int)sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	write(1, line, n);
}

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay("FAILED: ", fmt, ap);
	va_end(ap);
	exit(1);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)
#define EXPECT(call, want) do { \
		int got_ = (int)(call), want_ = (int)(want); \
		if (got_ != want_) \
			fail("line %d: %s returned %d %s, expected %d %s", __LINE__, \
			     #call, got_, errstr(got_), want_, errstr(want_)); \
	} while (0)

static int xfork(void)
{
	int pid = fork();
	CHECK(pid >= 0, "fork returned %d %s", pid, errstr(pid));
	return pid;
}

static void xpipe(int fds[2])
{
	int r = pipe(fds);
	CHECK(r == 0, "pipe returned %d %s", r, errstr(r));
}

/* Waits for a child and checks how it ended: want is a wait() status. */
static void expect_child(int pid, int want, const char *what)
{
	int status = -1;
	int w = wait(&status);
	CHECK(w == pid, "%s: wait returned %d %s, expected pid %d", what, w, errstr(w), pid);
	if (status != want) {
		if (WIFKILLED(status))
			fail("%s: child %d was killed (cause %d), expected status 0x%x",
			     what, pid, WKILLCAUSE(status), want);
		fail("%s: child %d ended with status 0x%x (exit %d), expected 0x%x", what,
		     pid, status, WEXITSTATUS(status), want);
	}
}

static void xwrite_all(int fd, const void *buf, int n)
{
	const char *p = buf;
	while (n > 0) {
		int r = write(fd, p, n);
		CHECK(r > 0, "write(%d, ..., %d) returned %d %s", fd, n, r, errstr(r));
		p += r;
		n -= r;
	}
}

static int read_full(int fd, void *buf, int n)
{
	char *p = buf;
	int got = 0;
	while (got < n) {
		int r = read(fd, p + got, n - got);
		CHECK(r >= 0, "read(%d, ..., %d) returned %d %s", fd, n - got, r, errstr(r));
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

static uint32_t arg_uint(int argc, char **argv, int i, uint32_t dflt)
{
	unsigned int v;
	if (i >= argc)
		return dflt;
	if (parse_uint(argv[i], &v) < 0)
		fail("argument %d (\"%s\") is not a number", i, argv[i]);
	return v;
}

static struct procinfo ptable[NPROC_MAX];

static int procs_in_use(void)
{
	int n = ps(ptable, NPROC_MAX);
	CHECK(n > 0, "ps returned %d %s", n, errstr(n));
	return n;
}

/* A page-aligned region [heap, heap + pages * PAGE) at the top of the heap,
 * with nothing mapped after it. */
static char *heap_region(int pages)
{
	int brk = sbrk(0);
	CHECK(brk > 0, "sbrk(0) returned %d %s", brk, errstr(brk));
	uint32_t pad = (PAGE - (uint32_t)brk % PAGE) % PAGE;
	int r = sbrk(pad + pages * PAGE);
	CHECK(r == brk, "sbrk(%u) returned %d %s, expected the old break %d",
	      pad + pages * PAGE, r, errstr(r), brk);
	return (char *)(brk + pad);
}

/* ==== lab 4: system calls, in the calling process ========================== */

struct regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags;
	uint32_t cs, ds, es, fs, gs, ss;
};

/* Used by the assembly below (global so that their names stay as they are). */
struct regs *regs_out __attribute__((used));
uint32_t regs_esp __attribute__((used));

void regs_syscall(const struct regs *in, struct regs *out);
void regs_spin(const struct regs *in, struct regs *out);

/* Loads every register from *in (eflags, then ebx..ebp, then eax), executes
 * `int $48` (regs_syscall) or counts %eax down to 0 (regs_spin), and stores
 * every register into *out. */
#define REGS_LOAD \
	"	pushl %ebp\n	pushl %ebx\n	pushl %esi\n	pushl %edi\n" \
	"	movl 20(%esp), %eax\n" \
	"	movl 24(%esp), %edx\n" \
	"	movl %edx, regs_out\n" \
	"	movl %esp, regs_esp\n" \
	"	pushl 32(%eax)\n" \
	"	popfl\n" \
	"	movl 4(%eax), %ebx\n" \
	"	movl 8(%eax), %ecx\n" \
	"	movl 12(%eax), %edx\n" \
	"	movl 16(%eax), %esi\n" \
	"	movl 20(%eax), %edi\n" \
	"	movl 24(%eax), %ebp\n" \
	"	movl 0(%eax), %eax\n"
#define REGS_STORE \
	"	pushfl\n" \
	"	pushl %eax\n" \
	"	movl regs_out, %eax\n" \
	"	movl %ebx, 4(%eax)\n" \
	"	movl %ecx, 8(%eax)\n" \
	"	movl %edx, 12(%eax)\n" \
	"	movl %esi, 16(%eax)\n" \
	"	movl %edi, 20(%eax)\n" \
	"	movl %ebp, 24(%eax)\n" \
	"	popl 0(%eax)\n" \
	"	popl 32(%eax)\n" \
	"	movl %esp, 28(%eax)\n" \
	"	movw %cs, 36(%eax)\n" \
	"	movw %ds, 40(%eax)\n" \
	"	movw %es, 44(%eax)\n" \
	"	movw %fs, 48(%eax)\n" \
	"	movw %gs, 52(%eax)\n" \
	"	movw %ss, 56(%eax)\n" \
	"	cld\n" \
	"	popl %edi\n	popl %esi\n	popl %ebx\n	popl %ebp\n" \
	"	ret\n"

asm(".text\n"
    ".globl regs_syscall\n"
    ".type regs_syscall, @function\n"
    "regs_syscall:\n"
    REGS_LOAD
    "	int $48\n"
    REGS_STORE
    ".globl regs_spin\n"
    ".type regs_spin, @function\n"
    "regs_spin:\n"
    REGS_LOAD
    "1:	decl %eax\n"
    "	jnz 1b\n"
    REGS_STORE);

static const char *const reg_names[] = {
	"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eflags",
	"cs", "ds", "es", "fs", "gs", "ss",
};

/* Compares out with in: every register but eax; eflags under flag_mask.
 * Returns a description of the first difference, or 0. */
static const char *regs_compare(const struct regs *in, const struct regs *out,
				uint32_t flag_mask)
{
	static char why[160];
	const uint32_t *a = (const uint32_t *)in, *b = (const uint32_t *)out;
	for (int i = 1; i < 15; i++) {
		uint32_t want = a[i], got = b[i];
		if (i == 7)                     /* esp: as it was before the call */
			want = regs_esp;
		if (i == 8) {
			want &= flag_mask;
			got &= flag_mask;
		}
		if (i >= 9) {                   /* segments: as they were */
			want &= 0xffff;
			got &= 0xffff;
		}
		if (want != got) {
			snprintf(why, sizeof why, "%%%s was 0x%08x before and 0x%08x after",
				 reg_names[i], want, got);
			return why;
		}
	}
	return 0;
}

static void regs_fill(struct regs *in, uint32_t *rng, uint32_t nr)
{
	memset(in, 0, sizeof *in);
	in->eax = nr;
	in->ebx = xorshift32(rng);
	in->ecx = xorshift32(rng);
	in->edx = xorshift32(rng);
	in->esi = xorshift32(rng);
	in->edi = xorshift32(rng);
	in->ebp = xorshift32(rng);
	in->eflags = (xorshift32(rng) & MASK_FLAGS) | 0x202;
	uint16_t sel;
	asm volatile("movw %%cs, %0" : "=r"(sel)); in->cs = sel;
	asm volatile("movw %%ds, %0" : "=r"(sel)); in->ds = sel;
	asm volatile("movw %%es, %0" : "=r"(sel)); in->es = sel;
	asm volatile("movw %%fs, %0" : "=r"(sel)); in->fs = sel;
	asm volatile("movw %%gs, %0" : "=r"(sel)); in->gs = sel;
	asm volatile("movw %%ss, %0" : "=r"(sel)); in->ss = sel;
}

static void syscalls_registers(uint32_t seed)
{
	static struct regs in, out;
	static const char msg[] = "usertests: syscalls: (a write with every register set)\n";
	uint32_t rng = seed ^ 0x5bd1e995u;
	int calls = 0;

	for (int round = 0; round < 40; round++) {
		regs_fill(&in, &rng, 0);
		const char *call;
		int want;
		switch (round % 8) {
		case 0: in.eax = 6; call = "getpid"; want = getpid(); break;
		case 1: in.eax = 10; call = "uptime"; want = -1000; break;
		case 2: in.eax = 8; call = "yield"; want = 0; break;
		case 3: in.eax = 9; in.ecx = 1; call = "sleep(1)"; want = 0; break;
		case 4: in.eax = 12; in.ecx = 1000 + in.ecx % 1000; call = "write(bad fd)";
			want = -E_BADF; break;
		case 5: in.eax = SYSCALL_MAX + 1 + in.eax % 1000; call = "an unknown number";
			want = -E_NOSYS; break;
		case 6: in.eax = 7; call = "getppid"; want = getppid(); break;
		default:
			if (round != 7)
				continue;
			in.eax = 12; in.ecx = 1; in.edx = (uint32_t)msg;
			in.ebx = sizeof msg - 1; call = "write(1, msg, n)";
			want = sizeof msg - 1; break;
		}
		memset(&out, 0, sizeof out);
		uint32_t nr = in.eax;
		regs_syscall(&in, &out);
		calls++;
		const char *why = regs_compare(&in, &out, MASK_FLAGS);
		CHECK(!why, "system call %u (%s) changed a register: %s", nr, call, why);
		if (want != -1000)
			CHECK((int)out.eax == want, "system call %u (%s) returned %d %s, expected %d",
			      nr, call, (int)out.eax, errstr(out.eax), want);
		else
			CHECK((int)out.eax >= 0, "uptime returned %d", (int)out.eax);
	}

	/* Spins long enough for several timer interrupts, all registers live. */
	int t0 = uptime(), ticks = 0, spins = 0;
	while (ticks < 3 && spins < 200) {
		regs_fill(&in, &rng, 500000);
		memset(&out, 0, sizeof out);
		regs_spin(&in, &out);
		spins++;
		ticks = uptime() - t0;
		const char *why = regs_compare(&in, &out, FLAG_DF);
		CHECK(!why, "a timer interrupt changed a register of a spinning process: %s", why);
	}
	CHECK(ticks >= 3, "uptime advanced only %d ticks in %d spins of a million instructions",
	      ticks, spins);
	say("registers preserved across %d system calls and %d timer ticks", calls, ticks);
}

static void part_syscalls(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	const char *word = argc > 2 ? argv[2] : "hello";

	say("getpid=%d getppid=%d", getpid(), getppid());

	/* uptime: advances while a user process spins, and across sleep */
	int t0 = uptime();
	uint32_t start = rdtsc32();
	int t1;
	while ((t1 = uptime()) == t0 && rdtsc32() - start < 400000000u)
		;
	uint32_t spun = rdtsc32() - start;
	CHECK(t1 > t0, "uptime stayed %d for %u instructions of spinning", t0, spun);
	int nap = 1 + seed % 7;
	int t2 = uptime();
	EXPECT(sleep(nap), 0);
	int t3 = uptime();
	CHECK(t3 - t2 >= nap, "sleep(%d) returned after %d ticks", nap, t3 - t2);
	say("uptime %d -> %d after %u instructions of spinning; sleep(%d): %d -> %d",
	    t0, t1, spun, nap, t2, t3);

	/* write: the word reaches the console, and write returns its length */
	int len = strlen(word);
	printf("usertests: syscalls: echo <");
	int r = write(1, word, len);
	printf(">\n");
	CHECK(r == len, "write(1, \"%s\", %d) returned %d %s", word, len, r, errstr(r));
	EXPECT(write(1, word, 0), 0);

	/* unknown numbers */
	static uint32_t numbers[16];
	int count = 0;
	numbers[count++] = 0;
	numbers[count++] = SYSCALL_MAX + 1;
	numbers[count++] = 0xffffffffu;
	numbers[count++] = 0x80000000u;
	numbers[count++] = T_SYSCALL_VECTOR;
	for (int i = 3; i < argc && count < 16; i++)
		numbers[count++] = arg_uint(argc, argv, i, 0);
	uint32_t rng = seed;
	while (count < 10) {
		uint32_t n = xorshift32(&rng);
		if (count & 1)
			n = SYSCALL_MAX + 1 + n % 64;
		numbers[count++] = n;
	}
	for (int i = 0; i < count; i++) {
		uint32_t n = numbers[i];
		if (n >= 1 && n <= SYSCALL_MAX)
			continue;       /* a real system call: not with random arguments */
		uint32_t a = xorshift32(&rng), b = xorshift32(&rng), c = xorshift32(&rng);
		int got = syscall3(n, a, b, c);
		say("nosys 0x%08x -> %d", n, got);
		CHECK(got == -E_NOSYS, "system call number 0x%08x returned %d %s, expected -E_NOSYS",
		      n, got, errstr(got));
	}

	/* bad descriptors */
	static const int bad_fds[] = { -1, -2, NOFILE, NOFILE + 1, 3, 7, NOFILE - 1, 100,
				       1000000, 0x7fffffff, (int)0x80000000 };
	static char buf[16];
	for (unsigned i = 0; i < sizeof bad_fds / sizeof bad_fds[0]; i++) {
		EXPECT(write(bad_fds[i], "x", 1), -E_BADF);
		EXPECT(read(bad_fds[i], buf, 1), -E_BADF);
	}
	say("bad descriptors give E_BADF");

	syscalls_registers(seed);
}

/* ---- uaccess: pointer checks a lab 4 kernel can show ---- */

extern char _end[];     /* user.ld: the end of .bss, where the heap starts */

static void part_uaccess(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	/* The first byte above .bss's last page: unmapped, the heap is empty. */
	char *unmapped = (char *)(((uint32_t)_end + PAGE - 1) & ~(PAGE - 1));
	char *text = (char *)part_uaccess;
	static char ok[8];
	int r;

	/* memfree answers a number of frames: more than none, fewer than
	 * the 4 GiB address space holds. */
	int frames = memfree();
	CHECK(frames > 0 && frames < (int)(0x100000000ull / PAGE),
	      "memfree() returned %d %s, not a number of free frames", frames, errstr(frames));
	say("memfree=%d", frames);
	/* cap_narrow, the last system call in the table (SYSCALL_MAX),
	 * answers an empty range (first above last) with -E_INVAL, not
	 * -E_NOSYS: it checks its arguments before any capability, so no
	 * later lab's code runs here. */
	r = cap_narrow(0, 1, 0);
	say("last=%d cap_narrow(0, 1, 0)=%d", SYSCALL_MAX, r);

	/* A zero-length range still has to start in user space. */
	static const uint32_t outside[] = { 0, 0x00100000u, UABI_USER_BASE - 1, UABI_USER_TOP,
					    0xfffff000u, 0xffffffffu };
	for (unsigned i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		EXPECT(write(1, (char *)outside[i], 0), -E_FAULT);
		EXPECT(read(0, (char *)outside[i], 0), -E_FAULT);
	}
	EXPECT(write(1, ok, 0), 0);
	EXPECT(read(0, ok, 0), 0);
	EXPECT(write(1, unmapped - 1, 0), 0);
	/* Inside user space an empty range touches no page, so none has to
	 * be mapped: not even the one its (unaligned) address lies in. */
	EXPECT(write(1, unmapped + 1 + seed % (PAGE - 1), 0), 0);
	EXPECT(read(0, unmapped + 1 + seed % (PAGE - 1), 0), 0);
	say("zero-length ranges outside user space refused, null included");

	/* Ranges that start on a mapped page and end on the unmapped one. */
	char *edge = unmapped - 16;
	uint32_t rng = seed;
	for (int i = 0; i < 16; i++)
		edge[i] = (char)('a' + xorshift32(&rng) % 26);
	printf("usertests: uaccess: edge <");
	r = write(1, edge, 16);
	printf(">\n");
	CHECK(r == 16, "write(1, %p, 16), the last 16 bytes below the heap, returned %d %s",
	      edge, r, errstr(r));
	EXPECT(write(1, edge, 17), -E_FAULT);            /* one byte into the unmapped page */
	EXPECT(write(1, unmapped - 1, 2), -E_FAULT);
	EXPECT(write(1, unmapped - PAGE - 8, PAGE + 16), -E_FAULT);   /* three pages */
	EXPECT(write(1, unmapped - 2 * PAGE, 2 * PAGE + 1), -E_FAULT);
	EXPECT(write(1, (char *)(UABI_USER_BASE - 16), 32), -E_FAULT);  /* into user space */
	/* read(0, ...) would wait for the keyboard if the range passed: the
	 * check comes before the wait, so these answer at once. */
	EXPECT(read(0, unmapped - PAGE - 8, PAGE + 16), -E_FAULT);
	EXPECT(read(0, (char *)(UABI_USER_TOP - 8), 0x7ffffff0), -E_FAULT);   /* wraps */
	EXPECT(read(0, (char *)0xfffffff0u, 0x20), -E_FAULT);                 /* wraps */
	EXPECT(read(0, text, 16), -E_FAULT);             /* text is read-only */
	say("page-crossing, wrapping and read-only ranges refused");
}

/* ==== lab 5: processes ========================================================== */

static unsigned char pattern[3 * PAGE + 123];   /* spans pages of bss */
static unsigned char data_word[8] = "initial";   /* in .data */

static void fill_pattern(uint32_t seed)
{
	uint32_t s = seed;
	for (unsigned i = 0; i < sizeof pattern; i++)
		pattern[i] = xorshift32(&s) >> 24;
}

static int pattern_ok(uint32_t seed)
{
	uint32_t s = seed;
	for (unsigned i = 0; i < sizeof pattern; i++)
		if (pattern[i] != (unsigned char)(xorshift32(&s) >> 24))
			return 0;
	return 1;
}

static void part_proc(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	int st, me = getpid();

	EXPECT(wait(&st), -E_CHILD);

	/* fork copies memory; the child's changes stay in the child */
	fill_pattern(seed);
	volatile uint32_t local = seed * 2654435761u;
	int code = 1 + seed % 200;
	int pid = xfork();
	if (pid == 0) {
		if (getppid() != me)
			fail("child: getppid() is %d, expected the parent %d", getppid(), me);
		if (getpid() == me)
			fail("child: getpid() is the parent's %d", me);
		if (!pattern_ok(seed) || local != seed * 2654435761u ||
		    memcmp(data_word, "initial", 8))
			fail("child: memory differs from the parent's at fork");
		memset(pattern, 0, sizeof pattern);
		local = 0;
		memcpy(data_word, "changed", 8);
		exit(code);
	}
	CHECK(pid != me, "fork returned the parent's own pid %d", me);
	expect_child(pid, WAIT_EXITED_STATUS(code), "fork/exit");
	CHECK(pattern_ok(seed) && local == seed * 2654435761u && !memcmp(data_word, "initial", 8),
	      "the child's writes changed the parent's memory");
	EXPECT(wait(&st), -E_CHILD);

	/* only the low 8 bits of the exit code count */
	pid = xfork();
	if (pid == 0)
		exit(0x1200 + 77);
	expect_child(pid, WAIT_EXITED_STATUS(77), "exit(0x124d)");

	/* many children at once, each with its own status */
	enum { MANY = 30 };
	static int pids[MANY], seen[MANY];
	for (int i = 0; i < MANY; i++) {
		pids[i] = xfork();
		if (pids[i] == 0) {
			if (i % 3 == 0)
				yield();
			exit((seed + i) & 0xff);
		}
		seen[i] = 0;
	}
	for (int n = 0; n < MANY; n++) {
		int w = wait(&st);
		CHECK(w > 0, "wait for child %d of %d returned %d %s", n + 1, MANY, w, errstr(w));
		int i = 0;
		while (i < MANY && pids[i] != w)
			i++;
		CHECK(i < MANY, "wait returned %d, which is none of the children", w);
		CHECK(!seen[i], "wait returned child %d twice", w);
		seen[i] = 1;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == ((seed + i) & 0xff),
		      "child %d: status 0x%x, expected exit %u", w, st, (seed + i) & 0xff);
	}
	EXPECT(wait(&st), -E_CHILD);

	/* a chain: each child forks the next, waits for it and passes its
	 * status up */
	pid = xfork();
	if (pid == 0) {
		for (int depth = 0; depth < 10; depth++) {
			int c = fork();
			if (c < 0)
				exit(100 + depth);
			if (c > 0) {
				int s;
				if (wait(&s) != c || !WIFEXITED(s))
					exit(120);
				exit(WEXITSTATUS(s));
			}
		}
		exit(42);
	}
	expect_child(pid, WAIT_EXITED_STATUS(42), "a chain of 10 forks");
	say("fork, exit and wait: copies, statuses and %d children at once", MANY);
}

/* ---- exec ---- */

static char argbuf[4096];
static char *args[MAXARG + 4];

/* checksum of the strings argv[from..argc) */
static uint32_t args_sum(int from, int argc, char **argv)
{
	uint32_t h = 2166136261u;
	for (int i = from; i < argc; i++) {
		for (const char *p = argv[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		h = (h ^ 0xff) * 16777619u;
	}
	return h;
}

/* args = {"usertests", "_argv", checksum, generated strings...}: count
 * strings in all (NULL after them), total string bytes about `bytes`. */
static void make_args(uint32_t seed, int count, int bytes)
{
	uint32_t s = seed;
	char *p = argbuf;
	static char sum[16];
	args[0] = "usertests";
	args[1] = "_argv";
	args[2] = sum;
	int each = (bytes - 32) / (count > 3 ? count - 3 : 1) - 1;
	for (int i = 3; i < count; i++) {
		/* many arguments: lengths vary around `each`; few: exactly `each` */
		int len = count > 8 ? 1 + (int)(xorshift32(&s) % (2 * each - 1)) : each;
		if (len < 1 || p + len + 1 > argbuf + sizeof argbuf)
			len = 1;
		args[i] = p;
		for (int j = 0; j < len; j++)
			*p++ = 'a' + xorshift32(&s) % 26;
		*p++ = 0;
	}
	args[count] = 0;
	snprintf(sum, sizeof sum, "%u", args_sum(3, count, args));
}

static int args_bytes(int count)
{
	int n = 0;
	for (int i = 0; i < count; i++)
		n += strlen(args[i]) + 1;
	return n;
}

/* argv = {"_argv", CHECKSUM, strings...} (usertests' own argv[0] is gone) */
static void part_argv(int argc, char **argv)
{
	unsigned int want;
	if (argc < 2 || parse_uint(argv[1], &want) < 0)
		exit(2);
	if (argv[argc] != 0)
		exit(3);
	exit(args_sum(2, argc, argv) == want ? 0 : 4);
}

static void part_exit(int argc, char **argv)
{
	exit(arg_uint(argc, argv, 1, 0));
}

/* exec in a child; returns the child's wait status, or the exec error as a
 * negative number (the child exits with 200 + error). */
static int exec_in_child(const char *path, char **argv)
{
	int pid = xfork();
	if (pid == 0) {
		int r = exec(path, argv);
		exit(200 + (-r & 0x3f));
	}
	int st;
	int w = wait(&st);
	CHECK(w == pid, "wait returned %d %s, expected %d", w, errstr(w), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 200)
		return -(WEXITSTATUS(st) - 200);
	return st;
}

static void part_exec(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	static char *argv_exit[] = { "usertests", "_exit", "0", 0 };
	static char code[8];

	fill_pattern(seed);

	/* exec of an unknown program fails and leaves the caller as it was */
	EXPECT(exec("no-such-program", argv_exit), -E_NOENT);
	EXPECT(exec("", argv_exit), -E_NOENT);
	EXPECT(exec("usertests/", argv_exit), -E_NOENT);
	CHECK(pattern_ok(seed), "a failed exec changed the caller's memory");

	/* exec runs the program with its arguments and ends with its status */
	snprintf(code, sizeof code, "%u", 3 + seed % 100);
	argv_exit[2] = code;
	int st = exec_in_child("usertests", argv_exit);
	CHECK(st == WAIT_EXITED_STATUS((int)(3 + seed % 100)),
	      "exec(\"usertests\", {\"usertests\", \"_exit\", \"%s\"}) in a child: status %d", code, st);
	st = exec_in_child("no-such-program", argv_exit);
	CHECK(st == -E_NOENT, "exec of no-such-program in a child gave %d, expected -E_NOENT", st);

	/* MAXARG arguments arrive intact */
	make_args(seed, MAXARG, 700);
	st = exec_in_child("usertests", args);
	CHECK(st == 0, "exec with MAXARG (%d) arguments, %d bytes: %s %d", MAXARG,
	      args_bytes(MAXARG), st < 0 ? "exec returned" : "the new program saw wrong arguments, status", st);

	/* nearly MAXARG_BYTES in few arguments */
	make_args(seed + 1, 5, MAXARG_BYTES - 160);
	int bytes = args_bytes(5);
	CHECK(bytes <= MAXARG_BYTES, "internal: %d bytes", bytes);
	st = exec_in_child("usertests", args);
	CHECK(st == 0, "exec with %d arguments of %d bytes in all: %s %d", 5, bytes,
	      st < 0 ? "exec returned" : "the new program saw wrong arguments, status", st);

	/* too many arguments, too many bytes: E_2BIG, and the caller carries on */
	make_args(seed + 2, MAXARG + 1, 700);
	EXPECT(exec("usertests", args), -E_2BIG);
	make_args(seed + 3, 5, MAXARG_BYTES + 400);
	bytes = args_bytes(5);
	CHECK(bytes > MAXARG_BYTES, "internal: %d bytes", bytes);
	int r = exec("usertests", args);
	CHECK(r == -E_2BIG, "exec with %d bytes of arguments returned %d %s, expected -E_2BIG",
	      bytes, r, errstr(r));
	CHECK(pattern_ok(seed), "a failed exec changed the caller's memory");

	/* argv[0] need not be the path */
	static char *renamed[] = { "renamed-program", "_exit", "9", 0 };
	st = exec_in_child("usertests", renamed);
	CHECK(st == WAIT_EXITED_STATUS(9), "exec with argv[0] \"renamed-program\": status %d", st);
	say("exec: E_NOENT, MAXARG arguments, %d bytes of arguments, E_2BIG", MAXARG_BYTES - 160);
}

/* ---- malformed programs ---- */

/* Each NAME is a variant of tools/mkbadelf.py: echo with its program
 * headers rewritten, in the ramdisk as bad-NAME. exec must refuse each
 * with E_NOEXEC, in a child and in this very process, which carries on
 * with its memory as it was. The good echo they come from runs. */
static void part_badelf(int argc, char **argv)
{
	static char *echo_argv[] = { "echo", "usertests:", "badelf:", "echo", "runs", 0 };
	static char path[40];
	static char *bad_argv[] = { path, "usertests: badelf: a malformed program ran", 0 };
	uint32_t seed = 0x5eed;

	CHECK(argc > 1, "no variants given (usertests badelf NAME...)");
	int st = exec_in_child("echo", echo_argv);
	CHECK(st == 0, "exec of the good echo the variants come from: %s %d",
	      st < 0 ? "exec returned" : "status", st);
	fill_pattern(seed);
	for (int i = 1; i < argc; i++) {
		snprintf(path, sizeof path, "bad-%s", argv[i]);
		st = exec_in_child(path, bad_argv);
		if (st != -E_NOEXEC)
			fail("exec(\"%s\") in a child: %s %d %s, expected -E_NOEXEC", path,
			     st < 0 ? "returned" : "it ran, status", st, st < 0 ? errstr(st) : "");
		int r = exec(path, bad_argv);
		CHECK(r == -E_NOEXEC, "exec(\"%s\") returned %d %s, expected -E_NOEXEC", path, r,
		      errstr(r));
		CHECK(pattern_ok(seed), "a refused exec(\"%s\") changed the caller's memory", path);
		say("%s: E_NOEXEC, in a child and in the caller, which carries on", path);
	}
}

/* ---- orphans ---- */

static void part_orphan(int argc, char **argv)
{
	(void)argc, (void)argv;
	enum { ORPHANS = 3 };
	int fds[2], st;
	xpipe(fds);
	int a = xfork();
	if (a == 0) {
		int parent = getpid();
		for (int i = 0; i < ORPHANS; i++) {
			int b = fork();
			if (b < 0)
				exit(10);
			if (b == 0) {
				close(fds[0]);
				int ppid, tries = 0;
				while ((ppid = getppid()) == parent && tries++ < 1000)
					sleep(1);
				char report = ppid == 1 ? 'Y' : 'N';
				if (ppid != 1)
					say("orphan %d: getppid() is %d after its parent exited, expected 1",
					    getpid(), ppid);
				write(fds[1], &report, 1);
				exit(0);
			}
		}
		/* and one that is already a zombie when its parent exits */
		int z = fork();
		if (z == 0)
			exit(0);
		sleep(2);
		exit(7);
	}
	close(fds[1]);
	expect_child(a, WAIT_EXITED_STATUS(7), "the orphans' parent");
	char reports[ORPHANS + 1];
	int n = read_full(fds[0], reports, ORPHANS + 1);
	close(fds[0]);
	CHECK(n == ORPHANS, "%d of %d orphans reported", n, ORPHANS);
	for (int i = 0; i < n; i++)
		CHECK(reports[i] == 'Y', "an orphan was not re-parented to pid 1");
	EXPECT(wait(&st), -E_CHILD);
	say("%d running orphans and a zombie one re-parented to pid 1", ORPHANS);
}

/* ---- pipes ---- */

#define PIPE_SMALL_WRITES 1500
#define PIPE_LARGE_WRITES 4

/* The stream: byte k is the top byte of the k-th xorshift32 value from
 * seed; write sizes come from a second generator (seed ^ 0x9e3779b9): first
 * PIPE_SMALL_WRITES of 1 + r % 16 bytes, then PIPE_LARGE_WRITES of
 * 4096 + r % 8192 bytes. The grader recomputes the total and FNV-1a. */
/* Whether process pid has exited (ps shows it a zombie). */
static int has_exited(int pid)
{
	int n = ps(ptable, NPROC_MAX);
	for (int i = 0; i < n; i++)
		if (ptable[i].pid == pid)
			return ptable[i].state == PS_ZOMBIE;
	return 1;
}

#define PIPE_READER_BYTES 8
#define PIPE_BYTES 2048                 /* what a pipe's ring holds: PIPE_SIZE (labs/lab5.md) */

/* Two readers wait on one empty pipe; each byte written wakes both, and
 * the one that finds the byte gone must wait again: 0 (end of file) comes
 * only once the writer has closed its end. Each reader exits with the
 * number of bytes it read. */
static void pipe_two_readers(void)
{
	int fds[2], readers[2], st, total = 0;

	xpipe(fds);
	for (int i = 0; i < 2; i++) {
		readers[i] = xfork();
		if (readers[i] == 0) {
			char c;
			int got = 0, r;
			close(fds[1]);
			while ((r = read(fds[0], &c, 1)) == 1)
				got++;
			exit(r == 0 ? got : 100);
		}
	}
	close(fds[0]);
	for (int i = 0; i < PIPE_READER_BYTES; i++) {
		sleep(2);               /* both readers asleep in read */
		EXPECT(write(fds[1], "r", 1), 1);
	}
	sleep(2);
	for (int i = 0; i < 2; i++)
		CHECK(!has_exited(readers[i]), "a reader of a pipe whose writer is still open got "
		      "end of file (0) after another reader took the byte it woke for");
	close(fds[1]);
	for (int i = 0; i < 2; i++) {
		int w = wait(&st);
		CHECK(w == readers[0] || w == readers[1], "wait returned %d %s, not a reader", w,
		      errstr(w));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) <= PIPE_READER_BYTES,
		      "a reader of the shared pipe ended with status 0x%x", st);
		total += WEXITSTATUS(st);
	}
	CHECK(total == PIPE_READER_BYTES, "two readers read %d of the %d bytes", total,
	      PIPE_READER_BYTES);
}

static void part_pipe(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	static unsigned char buf[16384];
	int fds[2], st;

	xpipe(fds);
	int writer = xfork();
	if (writer == 0) {
		close(fds[0]);
		uint32_t data = seed, sizes = seed ^ 0x9e3779b9u;
		for (int i = 0; i < PIPE_SMALL_WRITES + PIPE_LARGE_WRITES; i++) {
			uint32_t r = xorshift32(&sizes);
			int n = i < PIPE_SMALL_WRITES ? 1 + r % 16 : 4096 + r % 8192;
			for (int j = 0; j < n; j++)
				buf[j] = xorshift32(&data) >> 24;
			int w = write(fds[1], buf, n);
			if (w != n)
				fail("writer: write %d of %d bytes returned %d %s", i, n, w, errstr(w));
		}
		exit(0);
	}
	close(fds[1]);
	uint32_t data = seed, sizes = seed ^ 0x5a17u, hash = 2166136261u;
	int total = 0, reads = 0;
	for (;;) {
		int want = 1 + xorshift32(&sizes) % (reads % 8 == 7 ? sizeof buf : 64);
		int r = read(fds[0], buf, want);
		CHECK(r >= 0 && r <= want, "read(%d bytes) returned %d %s", want, r, errstr(r));
		if (r == 0)
			break;
		reads++;
		for (int j = 0; j < r; j++) {
			unsigned char expect = xorshift32(&data) >> 24;
			CHECK(buf[j] == expect, "byte %d of the stream is 0x%02x, expected 0x%02x",
			      total + j, buf[j], expect);
			hash = (hash ^ buf[j]) * 16777619u;
		}
		total += r;
	}
	EXPECT(read(fds[0], buf, 10), 0);
	close(fds[0]);
	expect_child(writer, 0, "the writer");
	say("stream bytes=%d fnv=0x%08x reads=%d", total, hash, reads);

	/* EOF comes once every writer has closed: two writers */
	xpipe(fds);
	int w1 = xfork();
	if (w1 == 0) {
		close(fds[0]);
		for (int i = 0; i < 20; i++)
			xwrite_all(fds[1], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 50);
		exit(0);
	}
	int w2 = xfork();
	if (w2 == 0) {
		close(fds[0]);
		sleep(2);
		for (int i = 0; i < 20; i++)
			xwrite_all(fds[1], "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", 50);
		exit(0);
	}
	close(fds[1]);
	int as = 0, bs = 0, r;
	while ((r = read(fds[0], buf, 77)) > 0)
		for (int j = 0; j < r; j++) {
			CHECK(buf[j] == 'A' || buf[j] == 'B', "stray byte 0x%02x", buf[j]);
			*(buf[j] == 'A' ? &as : &bs) += 1;
		}
	CHECK(r == 0, "read returned %d %s, expected 0 at end of file", r, errstr(r));
	CHECK(as == 1000 && bs == 1000, "two writers: read %d A and %d B, expected 1000 each", as, bs);
	close(fds[0]);
	for (int i = 0; i < 2; i++) {
		int w = wait(&st);
		CHECK((w == w1 || w == w2) && st == 0, "writer %d: status 0x%x", w, st);
	}

	/* dup: the pipe stays open until the last descriptor closes */
	xpipe(fds);
	int d = dup(fds[1]);
	CHECK(d >= 0 && d != fds[0] && d != fds[1], "dup returned %d %s", d, errstr(d));
	EXPECT(close(fds[1]), 0);
	EXPECT(close(fds[1]), -E_BADF);
	EXPECT(write(d, "0123456789", 10), 10);
	EXPECT(close(d), 0);
	EXPECT(read_full(fds[0], buf, 100), 10);
	CHECK(!memcmp(buf, "0123456789", 10), "data through a dup'ed descriptor differs");
	EXPECT(read(fds[0], buf, 100), 0);

	/* wrong directions */
	EXPECT(write(fds[0], "x", 1), -E_BADF);
	EXPECT(close(fds[0]), 0);
	xpipe(fds);
	EXPECT(read(fds[1], buf, 1), -E_BADF);

	/* broken pipe: nobody can read */
	EXPECT(close(fds[0]), 0);
	EXPECT(write(fds[1], "x", 1), -E_PIPE);
	EXPECT(close(fds[1]), 0);

	/* a writer blocked on a full pipe learns that the reader went away:
	 * the write it was in returns the bytes it wrote, at most the ring
	 * and the 100 read; the next one -E_PIPE */
	xpipe(fds);
	int blocked = xfork();
	if (blocked == 0) {
		close(fds[0]);
		int w, sent = 0, counted = 0;
		while ((w = write(fds[1], buf, sizeof buf)) > 0) {
			counted++;
			if ((sent += w) > (1 << 20))
				fail("a megabyte went into a pipe nobody reads");
		}
		if (w != -E_PIPE)
			fail("write after the reader closed returned %d %s, expected -E_PIPE", w,
			     errstr(w));
		if (counted == 0)
			fail("a write of %u bytes that filled the pipe before its reader closed returned "
			     "-E_PIPE, not the bytes it had written (-E_PIPE only when none were)",
			     (unsigned)sizeof buf);
		if (counted > 1 || sent > PIPE_BYTES + 100)
			fail("a writer blocked on a full pipe (%d bytes) whose reader read 100 and closed "
			     "sent %d bytes in %d writes", PIPE_BYTES, sent, counted);
		EXPECT(write(fds[1], buf, 1), -E_PIPE);
		exit(0);
	}
	close(fds[1]);
	sleep(2);
	EXPECT(read_full(fds[0], buf, 100), 100);
	close(fds[0]);
	expect_child(blocked, 0, "the blocked writer");

	/* the ring holds PIPE_BYTES: a writer fills it with one write that
	 * does not wait, and then waits with one byte more */
	xpipe(fds);
	int filler = xfork();
	if (filler == 0) {
		close(fds[0]);
		EXPECT(write(fds[1], buf, PIPE_BYTES), PIPE_BYTES);
		EXPECT(write(fds[1], buf, 1), 1);
		exit(0);
	}
	close(fds[1]);
	sleep(2);
	int held = read(fds[0], buf, sizeof buf);
	CHECK(held == PIPE_BYTES, "a writer filled an empty pipe and waits for room: read took %d "
	      "%s, expected the %d bytes the ring holds", held, errstr(held), PIPE_BYTES);
	EXPECT(read_full(fds[0], buf, 100), 1);
	close(fds[0]);
	expect_child(filler, 0, "the writer that filled the pipe");
	pipe_two_readers();
	say("EOF with two writers, dup, E_BADF, E_PIPE; two readers of one pipe");
}

/* ---- sbrk ---- */

static void part_sbrk(int argc, char **argv)
{
	(void)argc, (void)argv;
	char *base = heap_region(0);
	int st;
	EXPECT(sbrk(0), (int)base);

	/* grow: every byte usable */
	enum { GROW = 40 };
	int free0 = memfree();
	EXPECT(sbrk(GROW * PAGE), (int)base);
	EXPECT(sbrk(0), (int)(base + GROW * PAGE));
	int free1 = memfree();
	for (unsigned i = 0; i < GROW * PAGE; i += 4)
		*(volatile uint32_t *)(base + i) = i * 2654435761u;
	for (unsigned i = 0; i < GROW * PAGE; i += 4)
		CHECK(*(volatile uint32_t *)(base + i) == i * 2654435761u,
		      "heap word at %p changed", base + i);

	/* fork copies the heap */
	int pid = xfork();
	if (pid == 0) {
		for (unsigned i = 0; i < GROW * PAGE; i += 4)
			if (*(volatile uint32_t *)(base + i) != i * 2654435761u)
				fail("child: heap word at %p differs from the parent's", base + i);
		memset(base, 0, GROW * PAGE);
		exit(0);
	}
	expect_child(pid, 0, "heap copy");
	for (unsigned i = 0; i < GROW * PAGE; i += 4)
		CHECK(*(volatile uint32_t *)(base + i) == i * 2654435761u,
		      "the child's heap writes changed the parent's heap");

	/* shrink: frames come back */
	EXPECT(sbrk(-(int)(GROW * PAGE)), (int)(base + GROW * PAGE));
	EXPECT(sbrk(0), (int)base);
	int free2 = memfree();
	CHECK(free2 == free0, "memfree() was %d before sbrk(+%u), %d after, and %d after sbrk(-%u)",
	      free0, GROW * PAGE, free1, free2, GROW * PAGE);

	/* unaligned increments */
	EXPECT(sbrk(100), (int)base);
	memset(base, 0x5a, 100);
	EXPECT(sbrk(PAGE), (int)base + 100);
	memset(base + 100, 0x5b, PAGE);
	EXPECT(sbrk(-(int)PAGE - 100), (int)base + 100 + PAGE);
	EXPECT(sbrk(0), (int)base);

	/* a shrink into the middle of a page keeps that page: the bytes
	 * below the new break are still the heap's (a child tries it, so a
	 * fault is reported here, not as this process's death) */
	pid = xfork();
	if (pid == 0) {
		EXPECT(sbrk(PAGE + 100), (int)base);
		base[50] = 0x5c;
		base[PAGE + 50] = 0x5d;
		EXPECT(sbrk(-(int)PAGE), (int)base + PAGE + 100);
		CHECK(base[50] == 0x5c, "after sbrk(-%u) to %p the byte at %p changed", PAGE, base + 100, base + 50);
		exit(0);
	}
	int w = wait(&st);
	CHECK(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a shrink from %p to %p lost the page below the new break: the child reading %p "
	      "got status 0x%x (killed by a page fault: the shrink unmapped from the rounded-down break)",
	      base + PAGE + 100, base + 100, base + 50, st);

	/* shrunk memory is gone: touching it kills */
	pid = xfork();
	if (pid == 0) {
		EXPECT(sbrk(2 * PAGE), (int)base);
		base[0] = 1;
		base[PAGE + 5] = 2;
		EXPECT(sbrk(-2 * (int)PAGE), (int)base + 2 * PAGE);
		say("touching %p after sbrk(-%u): this child should die now", base + PAGE + 5, 2 * PAGE);
		*(volatile char *)(base + PAGE + 5) = 3;
		fail("writing to %p after sbrk(-%u) did not fault", base + PAGE + 5, 2 * PAGE);
	}
	w = wait(&st);
	CHECK(w == pid && WIFKILLED(st) && WKILLCAUSE(st) == 14,
	      "child touching freed heap: wait %d status 0x%x, expected killed by a page fault (14)",
	      w, st);

	/* impossible requests fail and change nothing */
	int r = sbrk(0x7ffff000);
	CHECK(r == -E_NOMEM, "sbrk(0x7ffff000) returned %d %s, expected -E_NOMEM", r, errstr(r));
	r = sbrk(-0x7ffff000);
	CHECK(r < 0 && r >= -E_MAX, "sbrk(-0x7ffff000) returned %d, expected an error", r);
	r = sbrk(0x40000000);
	CHECK(r < 0 && r >= -E_MAX, "sbrk(0x40000000) returned %d, expected an error", r);
	r = sbrk((int)0x80000000);
	CHECK(r < 0 && r >= -E_MAX, "sbrk(-0x80000000) (INT_MIN: its negation does not fit in an "
	      "int) returned %d, expected an error", r);
	EXPECT(sbrk(0), (int)base);

	/* a grow that fails keeps the heap as it was, the page that holds an
	 * unaligned break's last bytes too (a child tries it, so that a fault
	 * is reported here) */
	pid = xfork();
	if (pid == 0) {
		EXPECT(sbrk(PAGE + 100), (int)base);
		memset(base + PAGE, 0x6e, 100);
		EXPECT(sbrk(0x40000000), -E_NOMEM);
		EXPECT(sbrk(0), (int)base + PAGE + 100);
		for (int i = 0; i < 100; i++)
			CHECK(base[PAGE + i] == 0x6e, "after a failed sbrk the heap byte at %p changed",
			      base + PAGE + i);
		exit(0);
	}
	w = wait(&st);
	CHECK(w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a failed sbrk(0x40000000) from the break %p lost the page below it: the child reading "
	      "%p got status 0x%x (killed by a page fault: the failed grow was undone from the "
	      "rounded-down break)", base + PAGE + 100, base + PAGE, st);
	/* (that they give back every frame too is part heapfree's to check) */

	/* the runtime's malloc on top of it */
	static void *blocks[64];
	uint32_t s = 12345;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 64; i++) {
			if (blocks[i] && (xorshift32(&s) & 1))
				continue;
			free(blocks[i]);
			size_t n = 1 + xorshift32(&s) % 3000;
			blocks[i] = malloc(n);
			CHECK(blocks[i], "malloc(%u) returned NULL", (unsigned)n);
			memset(blocks[i], i, n);
			((unsigned char *)blocks[i])[0] = i;
			((unsigned char *)blocks[i])[n - 1] = i;
		}
		for (int i = 0; i < 64; i++)
			CHECK(((unsigned char *)blocks[i])[0] == i, "malloc'ed blocks overlap");
	}
	for (int i = 0; i < 64; i++)
		free(blocks[i]);
	say("grow %d pages, fork copies the heap, shrink, freed memory faults, E_NOMEM", GROW);
}

/* ---- sbrk gives back what it took ---- */

/* memfree() must be the same before and after; what says what happened. */
static void expect_memfree(int before, const char *what)
{
	int after = memfree();
	CHECK(after == before, "memfree() was %d before %s and %d after: %d frames kept", before,
	      what, after, before - after);
}

static void part_heapfree(int argc, char **argv)
{
	uint32_t seed = arg_uint(argc, argv, 1, 1);
	char *base = heap_region(0);
	static char what[120];
	int r;

	/* Grow into 1 to 3 new 4 MiB regions, each with a page table of its
	 * own, touch the last page, and shrink back: those tables must go. */
	int tables = 1 + (int)(seed % 3);
	int span = (int)(tables * PT_SPAN - (uint32_t)base % PT_SPAN + (1 + seed % 61) * PAGE);
	int free0 = memfree();
	EXPECT(sbrk(span), (int)base);
	base[span - 1] = 1;
	EXPECT(sbrk(-span), (int)base + span);
	snprintf(what, sizeof what, "sbrk(+%d) into %d new page tables and sbrk(-%d)", span,
		 tables, span);
	expect_memfree(free0, what);

	/* Requests that cannot succeed: beyond the address space, and 1 GiB,
	 * more than all of memory. */
	EXPECT(sbrk(0x7ffff000), -E_NOMEM);
	EXPECT(sbrk(0x40000000), -E_NOMEM);
	EXPECT(sbrk(0), (int)base);
	expect_memfree(free0, "sbrk(0x7ffff000) and sbrk(0x40000000) failed");

	/* As many pages as there are free frames: the pages would fit, but
	 * not their page tables, so the grow fails late and must undo it all
	 * (the pages and the tables it made). */
	int pages = memfree();
	r = sbrk(pages * (int)PAGE);
	CHECK(r == -E_NOMEM, "sbrk(%d pages) with %d frames free returned %d %s, expected "
	      "-E_NOMEM (the pages need page tables too)", pages, pages, r, errstr(r));
	EXPECT(sbrk(0), (int)base);
	snprintf(what, sizeof what, "sbrk(+%d pages) failed", pages);
	expect_memfree(free0, what);
	say("sbrk(+%d) into %d new page tables and back, and failed sbrk calls (the last of %d "
	    "pages): memfree() %d each time", span, tables, pages, free0);
}

/* ---- bad pointers ---- */

static int badptr_cases;

#define BAD(call, want) do { badptr_cases++; EXPECT(call, want); } while (0)

/* A fresh pipe holding n bytes (its write end stays open). */
static void pipe_with(int fds[2], const void *data, int n)
{
	xpipe(fds);
	if (n)
		EXPECT(write(fds[1], data, n), n);
}

static void part_badptr(int argc, char **argv)
{
	(void)argc, (void)argv;
	char *heap = heap_region(2);
	char *end = heap + 2 * PAGE;        /* the first unmapped byte */
	char *stack_top = (char *)UABI_USER_TOP;
	char *guard = stack_top - (UABI_STACK_PAGES + 1) * PAGE;
	char *text = (char *)part_badptr;
	int fds[2], st;
	static char save[32], buf[64];

	memset(heap, 'h', 2 * PAGE);
	fill_pattern(77);

	/* ---- write(): the kernel reads the buffer ---- */
	xpipe(fds);
	BAD(write(fds[1], end - 16, 16), 16);           /* ends at the last byte */
	BAD(write(fds[1], end - 16, 17), -E_FAULT);     /* one byte further */
	BAD(write(fds[1], end, 1), -E_FAULT);
	BAD(write(fds[1], end - 1, 2), -E_FAULT);
	BAD(write(fds[1], heap, 0x7fffffff), -E_FAULT); /* far past the end */
	BAD(write(fds[1], (char *)0, 1), -E_FAULT);
	BAD(write(fds[1], (char *)0x00100000, 16), -E_FAULT);      /* the kernel */
	BAD(write(fds[1], (char *)(UABI_USER_BASE - 16), 32), -E_FAULT);  /* crosses into user */
	BAD(write(fds[1], (char *)(UABI_USER_BASE - 1), 1), -E_FAULT);
	BAD(write(fds[1], (char *)0xffffffff, 1), -E_FAULT);
	BAD(write(fds[1], (char *)0xfffffff0, 0x20), -E_FAULT);    /* wraps around */
	BAD(write(fds[1], stack_top - 8, 0x7ffffff0), -E_FAULT);   /* wraps around */
	BAD(write(fds[1], stack_top, 1), -E_FAULT);
	BAD(write(fds[1], stack_top - 16, 17), -E_FAULT);
	BAD(write(fds[1], guard, 16), -E_FAULT);                     /* stack guard page */
	BAD(write(fds[1], guard + PAGE - 1, 2), -E_FAULT);           /* guard into stack */
	BAD(write(fds[1], stack_top - 16, 16), 16);                  /* the stack's top */
	BAD(write(fds[1], text, 16), 16);                            /* text is readable */
	BAD(read_full(fds[0], buf, 48), 48);
	CHECK(!memcmp(buf, end - 16, 16) && !memcmp(buf + 16, stack_top - 16, 16) &&
	      !memcmp(buf + 32, text, 16), "the bytes written do not come back");
	close(fds[0]);
	close(fds[1]);

	/* ---- read(): the kernel writes the buffer ---- */
	pipe_with(fds, "0123456789abcdef", 16);
	BAD(read(fds[0], end - 16, 16), 16);            /* ends at the last byte */
	CHECK(!memcmp(end - 16, "0123456789abcdef", 16), "read into the heap's end");
	close(fds[0]), close(fds[1]);
	static const struct { uint32_t addr; int n; const char *what; } bad_reads[] = {
		{ 0, 16, "null" }, { 0x00100000, 16, "kernel" }, { 0x3ffffff8, 16, "below user" },
		{ 0xc0000000, 16, "stack top" }, { 0xbffffff8, 16, "across the stack top" },
		{ 0xfffffff8, 16, "wraps" }, { 0, 0, "text" }, { 0, 0, "heap end + 1" },
		{ 0, 0, "guard" }, { 0, 0, "past heap end" },
	};
	for (unsigned i = 0; i < sizeof bad_reads / sizeof bad_reads[0]; i++) {
		char *p = (char *)bad_reads[i].addr;
		int n = bad_reads[i].n;
		if (i == 6)
			p = text, n = 16;
		else if (i == 7)
			p = end - 16, n = 17;
		else if (i == 8)
			p = guard + 8, n = 16;
		else if (i == 9)
			p = end + 100, n = 1;
		pipe_with(fds, "0123456789abcdef", 16);
		badptr_cases++;
		int r = read(fds[0], p, n);
		CHECK(r == -E_FAULT, "read(pipe, %p (%s), %d) returned %d %s, expected -E_FAULT",
		      p, bad_reads[i].what, n, r, errstr(r));
		close(fds[0]), close(fds[1]);
	}
	/* into the top of our own stack: put back what is there */
	memcpy(save, stack_top - 16, 16);
	pipe_with(fds, save, 16);
	BAD(read(fds[0], stack_top - 16, 16), 16);
	close(fds[0]), close(fds[1]);
	CHECK(pattern_ok(77), "a failed read changed memory");

	/* ---- pipe(): the kernel writes two descriptors ---- */
	int first[2];
	xpipe(first);
	close(first[0]), close(first[1]);
	BAD(pipe((int *)0), -E_FAULT);
	BAD(pipe((int *)0x00100000), -E_FAULT);
	BAD(pipe((int *)(end - 4)), -E_FAULT);          /* the second one crosses */
	BAD(pipe((int *)text), -E_FAULT);               /* read-only */
	BAD(pipe((int *)(UABI_USER_BASE - 4)), -E_FAULT);
	BAD(pipe((int *)(end - 8)), 0);                 /* ends at the last byte */
	int *got = (int *)(end - 8);
	CHECK(got[0] == first[0] && got[1] == first[1],
	      "after failed pipe() calls the descriptors are %d, %d instead of %d, %d (leaked?)",
	      got[0], got[1], first[0], first[1]);
	close(got[0]), close(got[1]);

	/* ---- wait(): the kernel writes the status ---- */
	int pid = xfork();
	if (pid == 0)
		exit(33);
	sleep(1);
	BAD(wait((int *)0x00100000), -E_FAULT);
	BAD(wait((int *)(end - 3)), -E_FAULT);
	BAD(wait((int *)text), -E_FAULT);
	BAD(wait((int *)(UABI_USER_TOP - 2)), -E_FAULT);
	badptr_cases++;
	int w = wait((int *)(end - 4));
	CHECK(w == pid, "wait(end of heap) returned %d %s, expected the child %d (did a failed wait "
	      "consume it?)", w, errstr(w), pid);
	CHECK(*(int *)(end - 4) == WAIT_EXITED_STATUS(33), "wait stored status 0x%x, expected 0x%x",
	      *(int *)(end - 4), WAIT_EXITED_STATUS(33));
	BAD(wait(&st), -E_CHILD);

	/* ---- ps(): the kernel writes the table ---- */
	BAD(ps((struct procinfo *)0x00100000, 2), -E_FAULT);
	BAD(ps((struct procinfo *)text, 2), -E_FAULT);
	BAD(ps((struct procinfo *)0, 2), -E_FAULT);
	BAD(ps((struct procinfo *)(end - 2 * sizeof(struct procinfo) + 1), 2), -E_FAULT);
	BAD(ps((struct procinfo *)(end - 2 * sizeof(struct procinfo)), 2), 2);
	struct procinfo *pi = (struct procinfo *)(end - 2 * sizeof(struct procinfo));
	CHECK(pi[0].pid >= 0 && pi[1].pid > 0 && pi[0].name[PROC_NAME_MAX - 1] == 0,
	      "ps entries look wrong");

	/* ---- exec(): the kernel reads the path, argv and the strings ---- */
	static char *good_argv[] = { "usertests", "_exit", "5", 0 };
	BAD(exec((char *)0, good_argv), -E_FAULT);
	BAD(exec((char *)0x00100000, good_argv), -E_FAULT);
	BAD(exec((char *)0xc0000000, good_argv), -E_FAULT);
	BAD(exec(guard, good_argv), -E_FAULT);
	memcpy(end - 9, "usertests", 9);                 /* no NUL before the end */
	BAD(exec(end - 9, good_argv), -E_FAULT);
	BAD(exec("usertests", (char **)0x00100000), -E_FAULT);
	static char *bad_entry[] = { "usertests", (char *)0x00100000, 0 };
	BAD(exec("usertests", bad_entry), -E_FAULT);
	static char *unmapped_entry[] = { "usertests", "_exit", (char *)0x50000000, 0 };
	BAD(exec("usertests", unmapped_entry), -E_FAULT);
	char **tail = (char **)(end - 8);               /* no NULL before the end */
	tail[0] = "usertests", tail[1] = "_exit";
	BAD(exec("usertests", tail), -E_FAULT);
	memcpy(end - 9, "usertests", 9);                 /* unterminated again */
	char *open_string[] = { "usertests", "_exit", end - 9, 0 };
	BAD(exec("usertests", open_string), -E_FAULT);
	CHECK(pattern_ok(77), "a failed exec changed memory");
	/* ... and the same near the end, but in bounds: it runs */
	memcpy(end - 10, "usertests", 10);
	char **argv_end = (char **)(end - 10 - 16);
	argv_end[0] = end - 10, argv_end[1] = "_exit", argv_end[2] = "6", argv_end[3] = 0;
	badptr_cases++;
	st = exec_in_child(end - 10, argv_end);
	CHECK(st == WAIT_EXITED_STATUS(6), "exec with path and argv ending at the heap's last "
	      "byte: status %d", st);
	say("%d bad and boundary pointers", badptr_cases);
}

/* ---- length 0 ---- */

/* One rule for every buffer, whatever the file and the call, length 0
 * included: the pointer must be a user address (a zero-length range
 * needs no mapped page, though), else -E_FAULT; then nothing moves and
 * the call returns 0 at once, without waiting and without -E_PIPE. */
static void part_zerolen(int argc, char **argv)
{
	(void)argc, (void)argv;
	char *heap = heap_region(1);
	char *unmapped = heap + PAGE + 100;     /* a user address, nothing there */
	int fds[2], broken[2];
	char c = 0;

	pipe_with(fds, "z", 1);
	xpipe(broken);
	close(broken[0]);                       /* no reader: a write is E_PIPE */
	static const uint32_t not_user[] = { 0, 0x00100000u, UABI_USER_BASE - 1, UABI_USER_TOP,
					     0xffffffffu };
	for (unsigned i = 0; i < sizeof not_user / sizeof not_user[0]; i++) {
		char *p = (char *)not_user[i];
		BAD(read(STDIN_FILENO, p, 0), -E_FAULT);        /* the console */
		BAD(write(STDOUT_FILENO, p, 0), -E_FAULT);
		BAD(read(fds[0], p, 0), -E_FAULT);              /* a pipe */
		BAD(write(fds[1], p, 0), -E_FAULT);
		BAD(write(broken[1], p, 0), -E_FAULT);
		BAD(ps((struct procinfo *)p, 0), -E_FAULT);
	}
	char *user[] = { heap, unmapped, (char *)part_zerolen };
	for (unsigned i = 0; i < sizeof user / sizeof user[0]; i++) {
		BAD(read(STDIN_FILENO, user[i], 0), 0);         /* returns at once */
		BAD(write(STDOUT_FILENO, user[i], 0), 0);
		BAD(read(fds[0], user[i], 0), 0);
		BAD(write(fds[1], user[i], 0), 0);
		BAD(write(broken[1], user[i], 0), 0);
		BAD(ps((struct procinfo *)user[i], 0), 0);
	}
	BAD(read(fds[0], &c, 1), 1);
	CHECK(c == 'z', "the byte in the pipe is '%c' after zero-length calls, expected 'z'", c);
	close(fds[0]), close(fds[1]), close(broken[1]);
	say("%d zero-length calls: E_FAULT for every pointer outside user space, null included; "
	    "0 for every user address", badptr_cases);
}

/* ---- kill ---- */

static void expect_killed(int pid, const char *what)
{
	int st, w = wait(&st);
	CHECK(w == pid, "%s: wait returned %d %s, expected %d", what, w, errstr(w), pid);
	CHECK(st == (WAIT_KILLED | KILL_CAUSE_KILL),
	      "%s: status 0x%x (%s %d), expected killed by kill() (0x%x)", what, st,
	      WIFKILLED(st) ? "killed, cause" : "exited,", WIFKILLED(st) ? WKILLCAUSE(st) :
	      WEXITSTATUS(st), WAIT_KILLED | KILL_CAUSE_KILL);
}

static void part_kill(int argc, char **argv)
{
	(void)argc, (void)argv;
	int fds[2];
	static char buf[4096];

	EXPECT(kill(1), -E_PERM);
	int r = kill(-1);
	CHECK(r == -E_SRCH || r == -E_INVAL, "kill(-1) returned %d %s, expected -E_SRCH", r,
	      errstr(r));
	EXPECT(kill(0x7fffffff), -E_SRCH);

	int pid = xfork();
	if (pid == 0) {
		sleep(1000000);
		exit(3);
	}
	sleep(3);
	EXPECT(kill(pid), 0);
	expect_killed(pid, "a sleeping child");
	EXPECT(kill(pid), -E_SRCH);

	pid = xfork();
	if (pid == 0)
		for (;;)
			asm volatile("");
	sleep(3);
	EXPECT(kill(pid), 0);
	expect_killed(pid, "a spinning child");

	xpipe(fds);
	pid = xfork();
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], buf, 1);
		exit(3);
	}
	sleep(3);
	EXPECT(kill(pid), 0);
	expect_killed(pid, "a child blocked reading an empty pipe");
	close(fds[0]), close(fds[1]);

	xpipe(fds);
	pid = xfork();
	if (pid == 0) {
		close(fds[0]);
		for (;;)
			write(fds[1], buf, sizeof buf);
	}
	sleep(3);
	EXPECT(kill(pid), 0);
	expect_killed(pid, "a child blocked writing a full pipe");
	close(fds[0]), close(fds[1]);

	/* a child blocked in wait() for its own sleeping child */
	xpipe(fds);
	pid = xfork();
	if (pid == 0) {
		int g = fork();
		if (g == 0) {
			sleep(1000000);
			exit(4);
		}
		write(fds[1], &g, sizeof g);
		int st;
		wait(&st);
		exit(3);
	}
	int grandchild = 0;
	EXPECT(read_full(fds[0], &grandchild, sizeof grandchild), (int)sizeof grandchild);
	close(fds[0]), close(fds[1]);
	sleep(2);
	EXPECT(kill(pid), 0);
	expect_killed(pid, "a child blocked in wait()");
	EXPECT(kill(grandchild), 0);      /* now pid 1's child, reaped by it */
	say("killed sleeping, spinning, pipe-blocked and waiting children; kill(1) refused");
}

/* ---- preemption ---- */

static void part_preempt(int argc, char **argv)
{
	enum { SPINNERS = 2 };
	uint32_t window = arg_uint(argc, argv, 1, 20000000);
	CHECK(window >= 1000000, "a window of %u instructions is too short", window);
	int fds[2], pids[SPINNERS];
	xpipe(fds);
	uint32_t start = rdtsc32();
	for (int i = 0; i < SPINNERS; i++) {
		pids[i] = xfork();
		if (pids[i] == 0) {
			close(fds[0]);
			uint32_t count[2] = { i, 0 };
			while (rdtsc32() - start < window)
				count[1]++;
			write(fds[1], count, sizeof count);
			exit(0);
		}
	}
	close(fds[1]);
	uint32_t counts[SPINNERS] = { 0 }, msg[2];
	for (int i = 0; i < SPINNERS; i++) {
		EXPECT(read_full(fds[0], msg, sizeof msg), (int)sizeof msg);
		CHECK(msg[0] < SPINNERS, "bad report");
		counts[msg[0]] = msg[1];
	}
	close(fds[0]);
	for (int i = 0; i < SPINNERS; i++)
		expect_child(pids[i], 0, "a spinner");
	uint32_t total = counts[0] + counts[1];
	CHECK(total > 0, "the spinners never counted");
	say("two spinners counted %u and %u in a window of %u instructions", counts[0], counts[1],
	    window);
	for (int i = 0; i < SPINNERS; i++)
		CHECK(counts[i] >= total / 4,
		      "spinner %d counted only %u of %u: it did not share the CPU", i, counts[i], total);
}

/* ---- exhaustion ---- */

/* The pipes between the memory hog and its parent: the hog reports that it
 * gave back a page, the parent answers 'n' (a fork failed: go on) or 'd'. */
static int hog_report, hog_report_read, hog_command, hog_command_write;

static void exhaust_memory(void)
{
	int before = memfree();
	char *base = heap_region(0);
	uint32_t pages = 0;
	for (uint32_t chunk = 256; chunk >= 1;) {
		int r = sbrk(chunk * PAGE);
		if (r < 0) {
			CHECK(r == -E_NOMEM, "sbrk(%u) returned %d %s, expected -E_NOMEM",
			      chunk * PAGE, r, errstr(r));
			chunk /= 2;
			continue;
		}
		CHECK((char *)r == base + pages * PAGE, "sbrk returned %p, expected %p",
		      (char *)r, base + pages * PAGE);
		for (uint32_t i = 0; i < chunk; i++)
			*(volatile uint32_t *)(base + (pages + i) * PAGE) = pages + i;
		pages += chunk;
	}
	int r = fork();
	if (r == 0)
		exit(99);
	CHECK(r == -E_NOMEM, "fork with memory full returned %d %s, expected -E_NOMEM", r,
	      errstr(r));
	int fds[2];
	r = pipe(fds);
	CHECK(r == 0 || r == -E_NOMEM, "pipe with memory full returned %d %s", r, errstr(r));
	if (r == 0)
		close(fds[0]), close(fds[1]);
	for (uint32_t i = 0; i < pages; i++)
		CHECK(*(volatile uint32_t *)(base + i * PAGE) == i,
		      "heap page %u of %u lost its contents", i, pages);
	say("memory: sbrk gave %u pages (memfree() was %d) before E_NOMEM; fork then failed "
	    "with E_NOMEM", pages, before);
	CHECK(pages >= (uint32_t)before / 2, "only %u of %d free pages could be had", pages, before);
	/* Then, for the parent (exhaust_fork_sweep): give a page back at a
	 * time, each time waiting for the parent to try a fork, until one
	 * fits. The pipes were made before memory ran out. */
	char go = 'g', answer = 'n';
	while (answer == 'n' && pages > 0) {
		EXPECT(sbrk(-(int)PAGE), (int)(base + pages * PAGE));
		pages--;
		EXPECT(write(hog_report, &go, 1), 1);
		EXPECT(read(hog_command, &answer, 1), 1);
	}
	exit(0);
}

/* With memory all but taken by the hog, which gives back a page at a
 * time: fork at each shortage. A fork that runs out partway (its page
 * tables, its pages, its kernel stack) must give back every frame it
 * took; the sweep ends at the first fork that fits. Returns how many
 * forks failed. */
static int exhaust_fork_sweep(void)
{
	int failed = 0;
	char go;

	while (read(hog_report_read, &go, 1) == 1) {
		int free_before = memfree();
		int r = fork();
		if (r == 0)
			exit(99);
		if (r > 0) {
			expect_child(r, WAIT_EXITED_STATUS(99), "the fork that fitted");
			EXPECT(write(hog_command_write, "d", 1), 1);
			break;
		}
		CHECK(r == -E_NOMEM, "fork with %d frames free returned %d %s, expected -E_NOMEM",
		      free_before, r, errstr(r));
		int free_after = memfree();
		CHECK(free_after == free_before, "a fork that failed with %d frames free kept %d of "
		      "them (a leak on fork's error path)", free_before, free_before - free_after);
		failed++;
		EXPECT(write(hog_command_write, "n", 1), 1);
	}
	return failed;
}

static void part_exhaust(int argc, char **argv)
{
	(void)argc, (void)argv;
	int fds[2], r, st;
	static int open_fds[2 * NOFILE];

	/* descriptors */
	int n = 0;
	while ((r = pipe(fds)) == 0) {
		CHECK(n + 2 <= 2 * NOFILE, "more than NOFILE descriptors");
		open_fds[n++] = fds[0], open_fds[n++] = fds[1];
	}
	CHECK(r == -E_MFILE, "pipe with the descriptor table full returned %d %s, expected "
	      "-E_MFILE", r, errstr(r));
	while ((r = dup(0)) >= 0)
		open_fds[n++] = r;
	CHECK(r == -E_MFILE, "dup with the descriptor table full returned %d %s", r, errstr(r));
	CHECK(n + 3 == NOFILE, "%d descriptors could be opened besides 0, 1 and 2, expected %d",
	      n, NOFILE - 3);
	for (int i = 0; i < n; i++)
		EXPECT(close(open_fds[i]), 0);
	int pipes = n;

	/* the process table */
	xpipe(fds);
	int children = 0, pid;
	while ((pid = fork()) >= 0) {
		if (pid == 0) {
			char c;
			close(fds[1]);
			read(fds[0], &c, 1);
			exit(0);
		}
		children++;
		CHECK(children <= NPROC_MAX, "more than NPROC forks succeeded");
	}
	CHECK(pid == -E_AGAIN, "fork with the process table full returned %d %s, expected "
	      "-E_AGAIN", pid, errstr(pid));
	int used = procs_in_use();
	CHECK(used == NPROC_MAX, "with fork refused, ps() lists %d slots in use, expected %d",
	      used, NPROC_MAX);
	close(fds[0]), close(fds[1]);
	for (int i = 0; i < children; i++) {
		int w = wait(&st);
		CHECK(w > 0 && st == 0, "reaping child %d of %d: wait %d status 0x%x", i + 1,
		      children, w, st);
	}
	EXPECT(wait(&st), -E_CHILD);
	pid = xfork();
	if (pid == 0)
		exit(5);
	expect_child(pid, WAIT_EXITED_STATUS(5), "fork after the table was full");
	say("descriptors: %d then E_MFILE; processes: %d children then E_AGAIN", pipes, children);

	/* memory, in a child */
	int report[2], command[2];
	xpipe(report), xpipe(command);
	hog_report = report[1], hog_report_read = report[0];
	hog_command = command[0], hog_command_write = command[1];
	pid = xfork();
	if (pid == 0) {
		close(hog_report_read), close(hog_command_write);
		exhaust_memory();
	}
	close(hog_report), close(hog_command);
	int failed = exhaust_fork_sweep();
	close(hog_report_read), close(hog_command_write);
	expect_child(pid, 0, "the memory hog");
	CHECK(failed > 0, "no fork failed while the hog held the memory");
	say("fork failed %d times with memory short, each time giving back every frame", failed);
}

/* ==== the driver ================================================================= */

struct part {
	const char *name;
	void (*run)(int argc, char **argv);
	int in_child;          /* run in a child, checking memfree() and ps() */
	int in_all;            /* part of "all"; 2: with the seed as its argument */
};

static const struct part parts[] = {
	{ "syscalls", part_syscalls, 0, 2 },
	{ "uaccess", part_uaccess, 0, 2 },
	{ "proc", part_proc, 1, 2 },
	{ "exec", part_exec, 1, 2 },
	{ "badelf", part_badelf, 1, 0 },
	{ "orphan", part_orphan, 1, 1 },
	{ "pipe", part_pipe, 1, 2 },
	{ "sbrk", part_sbrk, 1, 1 },
	{ "heapfree", part_heapfree, 1, 2 },
	{ "badptr", part_badptr, 1, 1 },
	{ "zerolen", part_zerolen, 1, 1 },
	{ "kill", part_kill, 1, 1 },
	{ "preempt", part_preempt, 1, 1 },
	{ "exhaust", part_exhaust, 1, 1 },
	{ "_exit", part_exit, 0, 0 },
	{ "_argv", part_argv, 0, 0 },
};
#define NPARTS ((int)(sizeof parts / sizeof parts[0]))

/* Runs one part; returns 1 if it passed. */
static int run_part(const struct part *p, int argc, char **argv, int in_child)
{
	part = p->name;
	say("starts");          /* a first word soon after boot (qemu.START_BUDGET) */
	if (!in_child) {
		p->run(argc, argv);     /* fails by exiting */
		say("OK");
		return 1;
	}
	int free_before = memfree(), procs_before = procs_in_use();
	int pid = fork();
	if (pid < 0) {
		say("FAILED: fork returned %d %s", pid, errstr(pid));
		return 0;
	}
	if (pid == 0) {
		/* The leak check below trusts memfree(): first show that it
		 * counts frames, here the ones fork just took for this child. */
		int free_child = memfree();
		if (free_before <= 0 || free_child <= 0 || free_child >= free_before)
			fail("memfree() cannot be trusted for the leak check: %d before fork, %d in "
			     "the child it made", free_before, free_child);
		p->run(argc, argv);
		exit(0);
	}
	/* Reap the part's process and every orphan that came to us. */
	int status = -1, w, st;
	while ((w = wait(&st)) > 0)
		if (w == pid)
			status = st;
	int free_after = memfree(), procs_after = procs_in_use();
	/* Not pid 1: orphans go to init, which reaps them in its own time. */
	for (int i = 0; i < 200 && getpid() != 1 &&
	     (free_after != free_before || procs_after != procs_before); i++) {
		sleep(1);
		free_after = memfree(), procs_after = procs_in_use();
	}
	if (status == 0x100)
		return 0;               /* the part said why */
	if (WIFKILLED(status)) {
		say("FAILED: the part's process was killed, cause %d", WKILLCAUSE(status));
		return 0;
	}
	if (status != 0) {
		say("FAILED: the part's process exited with status %d", WEXITSTATUS(status));
		return 0;
	}
	if (free_after != free_before) {
		say("FAILED: memfree() was %d before and %d after (%d frames %s)", free_before,
		    free_after, free_before - free_after, free_after < free_before ? "leaked" : "gained");
		return 0;
	}
	if (procs_after != procs_before) {
		say("FAILED: %d process table slots in use before, %d after", procs_before,
		    procs_after);
		return 0;
	}
	say("OK");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: usertests PART [ARGS...] | usertests all [SEED]\nparts:");
		for (int i = 0; i < NPARTS; i++)
			if (parts[i].in_all)
				printf(" %s", parts[i].name);
		printf("\n");
		return 2;
	}
	if (!strcmp(argv[1], "all")) {
		static char seed[16], *sub[4];
		snprintf(seed, sizeof seed, "%s", argc > 2 ? argv[2] : "1");
		int ran = 0, passed = 0;
		for (int i = 0; i < NPARTS; i++) {
			if (!parts[i].in_all)
				continue;
			sub[0] = (char *)parts[i].name, sub[1] = seed, sub[2] = 0;
			ran++;
			passed += run_part(&parts[i], parts[i].in_all == 2 ? 2 : 1, sub, 1);
		}
		part = "all";
		if (passed == ran)
			say("%d parts OK", ran);
		else
			say("%d of %d parts FAILED", ran - passed, ran);
		return passed == ran ? 0 : 1;
	}
	for (int i = 0; i < NPARTS; i++)
		if (!strcmp(argv[1], parts[i].name))
			return run_part(&parts[i], argc - 1, argv + 1, parts[i].in_child) ? 0 : 1;
	printf("usertests: no part called %s\n", argv[1]);
	return 2;
}
