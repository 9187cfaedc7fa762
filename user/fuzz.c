/*
 * fuzz.c - random system calls with random and adversarial arguments.
 *
 *   fuzz SEED COUNT [SEED...]
 *
 * For each SEED in turn (a round), COUNT system calls chosen by a seeded
 * xorshift32 generator: every number from 1 to SYSCALL_MAX, and invalid
 * ones (0, just above SYSCALL_MAX, negative, huge), with arguments drawn
 * from an adversarial set: null, kernel addresses, the last bytes below
 * the user base, read-only text, the stack guard page and the stack's top,
 * the last bytes of the heap and the unmapped page after it, unaligned
 * pointers, huge and negative lengths, bad descriptors.
 *
 * What is left out, so that the fuzzer survives and never blocks forever:
 * exit; kill of anything but pid 1 (refused), negative and huge pids;
 * exec of a path that could name a program (paths are bad pointers, or a
 * readable string that starts with '~'); reads of the console; reads of a
 * pipe that could be empty while it has a writer, and writes that could
 * fill one; sleep of more than a tick; sbrk below the start of the heap
 * (an sbrk that succeeds is undone at once). The kernel writes only to
 * scratch memory of the fuzzer's (through pointers it chose for wait,
 * read, pipe and ps) or fails with -E_FAULT. fork is done now and then, in
 * a controlled way: the child exits at once and is reaped.
 *
 * Every result is folded into a checksum, so one seed gives one line:
 *     fuzz: seed=S calls=N checksum=0x........
 * the same every time, however many calls, and another seed a different
 * one. For that, nothing that depends on time or on the process table may
 * reach the checksum: for calls whose successful result does (uptime,
 * fork, getpid, memfree, ps) only the error code is folded, and what ps
 * writes (pids, which a second round never repeats) lands in a sink of its
 * own, ps_sink, which no later call reads as input. Then it checks
 * that unknown numbers all gave -E_NOSYS, that no result was outside
 * [-E_MAX, ...), and that memfree() and the number of process table slots
 * in use are back where they were before the round, and prints
 *     fuzz: seed=S: OK ...   or   fuzz: seed=S: FAILED: ...
 * fuzz exits 0 iff every round passed.
 *
 * With -d first (`fuzz -d SEED COUNT ...`, lab 6's test) the round also
 * makes domain and capability calls: dom_create of adder now and then (and
 * of bad paths and flags), dom_destroy, cap_grant, cap_revoke, cap_delete
 * and cap_info on random slots (in range, -1, NCAP, huge) with random
 * rights and badges, and the raw gates: int $49 with random registers,
 * whose answer must be adder's when cap_info says the slot can call adder
 * and an -E_xxx otherwise, and int $50 at home (-E_INVAL); both must give
 * back every register but eax and edx. Without -d (lab 5's test) the
 * domain calls are left out: lab 6's handout stubs them.
 *
 * With -f (`fuzz -f SEED COUNT ...`, lab 7's test) a round is COUNT
 * fault episodes instead, each in a process of its own (see "lab 7:
 * faults" below): random handlers (ours or raw eips inside and outside
 * user space, random masks with invalid bits), faults raised at home and
 * in faulter domains (user/domains/faulter.h) with registers from the
 * seed, and in the handler fault_regs with random edits and bad pointers
 * and fault_resume with random actions, invalid ones too. Every answer
 * must be the one the ABI gives, a resumed site must have been through a
 * handler and find eflags sanitised, and an episode must end in exit 0
 * or a kill by a fault it raised (the kernel's one line). The round's
 * line is the same `fuzz: seed=S calls=N checksum=...` (N episodes),
 * then `fuzz: seed=S faults: episodes=N killed=K raised=R delivered=D`.
 *
 * With -i (`fuzz -i SEED COUNT ...`, lab 8's test) half the calls are
 * lab 8's: irq_get, irq_info, io_in, io_out, cap_narrow, cap_revoke,
 * cap_delete and cap_info with random slots, lines, modes, ports, values
 * and ranges, and the raw gates int $51 (irq_wait) and int $52 (irq_ack)
 * with random registers, which must come back unchanged but for eax.
 * Before any round the fuzzer narrows harmless copies of the root
 * authority (lines FUZZ_FIRST_LINE..IRQ_VTIMER, ports FUZZ_PORTS: no
 * device of the grader's machine is there, so no io_out can reset it or
 * start a device), and each round deletes its own copies of the root caps
 * (slots 30 and 31) first. It waits only on a line with a delivery
 * pending (the grader runs the injector and the virtual timer), never
 * blocking for good. A wait's and irq_info's results depend on when the
 * edges came, so only their error codes reach the checksum; irq_info
 * writes into the sink.
 */
#include "ulib.h"
#include "domains/faultsites.h"

#define PROGRESS_EVERY 100000  /* calls between progress lines: the grader sees it is alive */

#define PAGE          4096u
#define SCRATCH_SIZE  (4 * PAGE)
#define LIVE_CAPACITY 128       /* never more than this in the live pipe */
#define FORK_EVERY    2000      /* at most one fork per this many calls */
#define SLEEP_EVERY   4000      /* at most one sleep(1) per this many calls */
#define HUGE_EVERY    25000     /* at most one huge sbrk per this many calls */
#define HEAP_TAIL     32        /* pointers into the heap: its last bytes */
#define CREATE_EVERY  2000      /* at most one real dom_create per this many calls */
#define LAB5_LAST_CALL 18       /* memfree: the numbers above it are lab 6's */
#define GATE_CALL     (SYSCALL_MAX + 1)   /* one_call's numbers for the raw gates */
#define GATE_RETURN   (SYSCALL_MAX + 2)
#define GATE_IRQ_WAIT (SYSCALL_MAX + 3)
#define GATE_IRQ_ACK  (SYSCALL_MAX + 4)
#define FUZZ_FIRST_LINE 3         /* -i: the lines a round may take: 3..IRQ_VTIMER (4 is COM1's) */
#define FUZZ_INJECT_LINE 5        /* -i: the injector's line (grader/test_lab8_fuzz.py) */
#define FUZZ_PORT_FIRST 0x300     /* -i: the ports it may use: nothing is there on the */
#define FUZZ_PORT_LAST  0x31F     /* grader's machine (QEMU's `info mtree -f`) */

static int domains;             /* -d: domain and capability calls too */
static int faults;              /* -f: fault episodes instead of calls */
static int irqs;                /* -i: IRQ and I/O-port calls too */

static uint32_t rng;

static uint32_t rnd(void)
{
	return xorshift32(&rng);
}

static uint32_t below(uint32_t n)
{
	return rnd() % n;
}

static inline int sys(uint32_t num, uint32_t a, uint32_t b, uint32_t c)
{
	int ret;
	asm volatile("int $48" : "=a"(ret) : "a"(num), "c"(a), "d"(b), "b"(c)
		     : "memory", "cc");
	return ret;
}

static inline int sys4(uint32_t num, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	int ret;
	asm volatile("int $48" : "=a"(ret) : "a"(num), "c"(a), "d"(b), "b"(c), "S"(d)
		     : "memory", "cc");
	return ret;
}

/* The raw domain gates with the registers given; *kept says whether every
 * register but eax and edx came back as it went in. */
static int gate_call(uint32_t cap, const uint32_t a[4], uint32_t *r1, int *kept)
{
	uint32_t eax, ecx = cap, edx = a[0], ebx = a[1], esi = a[2], edi = a[3];
	asm volatile("int $49" : "=a"(eax), "+c"(ecx), "+d"(edx), "+b"(ebx), "+S"(esi), "+D"(edi)
		     : : "memory", "cc");
	*r1 = edx;
	*kept = ecx == cap && ebx == a[1] && esi == a[2] && edi == a[3];
	return (int)eax;
}

static int gate_return(uint32_t r0, uint32_t r1, int *kept)
{
	uint32_t eax = rnd(), ecx = r0, edx = r1, ebx = rnd(), esi = rnd(), edi = rnd();
	const uint32_t b = ebx, s = esi, d = edi;
	asm volatile("int $50" : "+a"(eax), "+c"(ecx), "+d"(edx), "+b"(ebx), "+S"(esi), "+D"(edi)
		     : : "memory", "cc");
	*kept = ecx == r0 && ebx == b && esi == s && edi == d;
	return (int)eax;
}

/* The kernel may write here (wait, read, pipe), and only here or in the
 * heap region below; later calls read it (exec's path and argv, write's
 * buffer), so what is written here must follow from the seed alone. */
static unsigned char scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));

/* ps's table goes here instead, where nothing ever reads: it holds pids,
 * which differ from round to round (they are never reused, so a second
 * round's are all larger), and read back as exec's argv they made the
 * same seed give two checksums (a word 0 in one round ends argv and exec
 * says E_NOENT; in the other it holds a pid's upper byte, once pids pass
 * 255, and is a bad pointer, E_FAULT). ps cannot write into the heap: an
 * entry is longer than the heap tail any_pointer aims at. */
static unsigned char ps_sink[SCRATCH_SIZE] __attribute__((aligned(4096)));
_Static_assert(sizeof(struct procinfo) > HEAP_TAIL, "ps could write the heap's tail");
/* cap_info's record lands in ps_sink too (object ids and generations
 * differ from round to round), for the same reason. */
_Static_assert(sizeof(struct cap_info) > HEAP_TAIL, "cap_info could write the heap's tail");

static uint32_t heap, heap_end;   /* one page at the top of the heap */
static uint32_t heap_alloc;       /* what this round added to the break */
static uint32_t text;             /* read-only */

/* Descriptors of the round: a pipe with no writer and no data (reads give
 * 0 at once), one with no reader (writes fail at once), and a live one
 * whose contents are counted. */
static int eof_r, broken_w, live_r, live_w, live_count;

/* Tallies of a round. */
static uint32_t checksum, calls, failures;
static int nosys_seen, odd_results, fork_count, last_fork, last_sleep, last_huge;
static int create_count, last_create, adder_answers;
static int by_result[E_MAX + 2];   /* [0]: success, [e]: -e */
static char first_failure[200];

static void note_failure(const char *fmt, ...)
{
	va_list ap;
	failures++;
	if (first_failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(first_failure, sizeof first_failure, fmt, ap);
	va_end(ap);
}

static void fold(uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		checksum = (checksum ^ (v & 0xff)) * 16777619u;
		v >>= 8;
	}
}

/* ---- argument generators ---- */

/* Any pointer, including ones the fuzzer's own memory must not be hit
 * through: those are moved elsewhere. Safe for the kernel to write. */
static uint32_t any_pointer(void)
{
	switch (below(16)) {
	case 0: return 0;
	case 1: return below(PAGE);                        /* the null page */
	case 2: return 0x00100000u + below(64);            /* the kernel */
	case 3: return UABI_USER_BASE - 1 - below(16);     /* just below user */
	case 4: return text + below(256);                  /* read-only */
	case 5: case 6: return (uint32_t)scratch + below(2 * PAGE);
	case 7: return heap_end - 1 - below(HEAP_TAIL);    /* the heap's last bytes */
	case 8: return heap_end + below(2 * PAGE);         /* unmapped */
	case 9: return UABI_USER_TOP - (UABI_STACK_PAGES + 1) * PAGE + below(PAGE); /* guard */
	case 10: return UABI_USER_TOP - 1 - below(8);      /* the stack's top */
	case 11: return UABI_USER_TOP + below(PAGE);
	case 12: return 0xffffffffu - below(16);
	case 13: return 0x80000000u + below(16);
	case 14: return (uint32_t)scratch + PAGE - 1 - below(3);  /* unaligned */
	default: {
		uint32_t v = rnd();
		if (v >= UABI_USER_BASE && v < UABI_USER_TOP)
			v = 0x90000000u + (v & 0x00ffffffu);   /* unmapped user space */
		return v;
	}
	}
}

/* any_pointer, but one into scratch lands at the same offset in ps_sink. */
static uint32_t ps_pointer(void)
{
	uint32_t p = any_pointer();

	if (p >= (uint32_t)scratch && p < (uint32_t)scratch + SCRATCH_SIZE)
		p = (uint32_t)ps_sink + (p - (uint32_t)scratch);
	return p;
}

static uint32_t any_length(void)
{
	switch (below(12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: case 3: return 2 + below(15);
	case 4: return PAGE - 1 + below(3);
	case 5: return 0x7fffffffu;
	case 6: return 0xffffffffu;                        /* -1 */
	case 7: return 0x80000000u;
	case 8: return 0xfffffff0u + below(16);            /* small negative */
	case 9: return below(600);
	case 10: return 0x10000u + below(0x10000);
	default: return rnd();
	}
}

/* A descriptor that is certainly not open, or out of range. */
static uint32_t bad_fd(void)
{
	switch (below(6)) {
	case 0: return (uint32_t)-1;
	case 1: return NOFILE + below(4);
	case 2: return 0x80000000u;
	case 3: return 0x7fffffffu;
	case 4: return 9 + below(NOFILE - 9);      /* the round uses fewer */
	default: return rnd() | 0x100;
	}
}

/* A capability slot: mostly one in range, else out of it. */
static uint32_t any_slot(void)
{
	switch (below(8)) {
	case 0: return (uint32_t)-1;
	case 1: return NCAP + below(3);
	case 2: return rnd();
	default: return below(NCAP);
	}
}

/* What adder (user/domains/adder.c) answers through a cap with badge. */
static int adder_callable(uint32_t slot, uint32_t *badge)
{
	struct cap_info info;

	if (cap_info((int)slot, &info) < 0 || info.type == CAP_EMPTY || !info.live ||
	    !(info.rights & CAP_RIGHT_CALL) || strcmp(info.name, "adder") != 0)
		return 0;
	*badge = info.badge;
	return 1;
}

/* ---- the pipes of a round ---- */

static int make_pipe(int *r, int *w)
{
	int fds[2];
	int e = pipe(fds);
	if (e < 0)
		return e;
	*r = fds[0], *w = fds[1];
	return 0;
}

static void renew_live(void)
{
	if (live_r >= 0)
		close(live_r), close(live_w);
	live_count = 0;
	if (make_pipe(&live_r, &live_w) < 0) {
		note_failure("pipe() for the live pipe failed");
		live_r = live_w = -1;
	}
}

static int setup_round(void)
{
	int w, r, e;
	if ((e = make_pipe(&eof_r, &w)) < 0)
		return e;
	close(w);
	if ((e = make_pipe(&r, &broken_w)) < 0)
		return e;
	close(r);
	live_r = live_w = -1;
	renew_live();
	int brk = sbrk(0);
	if (brk < 0)
		return brk;
	uint32_t pad = (PAGE - (uint32_t)brk % PAGE) % PAGE;
	heap_alloc = pad + PAGE;
	if ((e = sbrk(heap_alloc)) < 0)
		return e;
	heap = (uint32_t)brk + pad;
	heap_end = heap + PAGE;
	return 0;
}

static void teardown_round(void)
{
	close(eof_r);
	close(broken_w);
	if (live_r >= 0)
		close(live_r), close(live_w);
	sbrk(-(int)heap_alloc);
}

/* ---- one call ---- */

enum fold_kind { FOLD_ALL, FOLD_ERROR };

/* One domain or capability call (-d): nr is 19..SYSCALL_MAX or a gate.
 * Only adder is ever created, so a call that gets through is pure. */
static int domain_call(uint32_t nr, uint32_t a, uint32_t b, uint32_t c)
{
	int r, kept;

	switch (nr) {
	case 19: {                                  /* dom_create */
		static const char adder[] = "adder";
		uint32_t path = any_pointer(), flags = below(4) ? 0 : rnd();
		if ((int)calls - last_create >= CREATE_EVERY && below(2)) {
			last_create = calls;
			path = (uint32_t)adder;
			flags = 0;
		} else if (path >= UABI_USER_BASE && path < UABI_USER_TOP) {
			path = (uint32_t)scratch + below(PAGE);
			*(char *)path = '~';            /* no program is called ~... */
		}
		r = sys(19, path, flags, c);
		if (r >= 0)
			create_count++;
		if (r >= 0 && path != (uint32_t)adder)
			note_failure("dom_create(0x%08x, 0x%x) returned %d", path, flags, r);
		return r;
	}
	case 20: case 22: case 23:                  /* dom_destroy, cap_revoke, cap_delete */
		return sys(nr, any_slot(), b, c);
	case 21: {                                  /* cap_grant */
		uint32_t rights = below(2) ? below(CAP_RIGHTS_ALL + 1) : rnd();
		return sys4(21, any_slot(), any_slot(), rights, below(2) ? 0 : rnd());
	}
	case 24:                                    /* cap_info, into the sink */
		return sys(24, any_slot(), ps_pointer(), c);
	case GATE_CALL: {
		uint32_t slot = any_slot(), args[4] = { a, b, c, rnd() }, r1, badge = 0;
		int callable = adder_callable(slot, &badge);
		r = gate_call(slot, args, &r1, &kept);
		if (!kept)
			note_failure("int $49 through slot %d changed a register it must keep", slot);
		if (callable) {
			adder_answers++;
			if ((uint32_t)r != args[0] + args[1] + args[2] + args[3] + badge || r1 != (args[0] ^ args[3]))
				note_failure("int $49 through slot %d (adder) answered 0x%08x 0x%08x", slot, r, r1);
			return 0;               /* folded below as a success */
		}
		if (r >= 0 || r < -E_MAX || r1 != 0)
			note_failure("int $49 through slot %d (no adder) returned %d, r1 0x%x", slot, r, r1);
		return r;
	}
	default:                                    /* GATE_RETURN, at home */
		r = gate_return(a, b, &kept);
		if (r != -E_INVAL || !kept)
			note_failure("int $50 at home returned %d%s", r, kept ? "" : " and changed a register");
		return r;
	}
}

/* -i: the harmless caps main narrowed (slots in every round's table). */
static int fuzz_ctl = -1, fuzz_io = -1;
static int irq_waits;             /* waits that returned deliveries */
static int last_irq_cap = -1;     /* the slot the last irq_get that worked returned */

/* The registers a raw IRQ gate goes in with (but %ecx, the cap): drawn
 * whether or not the gate runs, so that the generator's stream never
 * depends on time. */
struct gate_regs {
	uint32_t eax, edx, ebx, esi, edi;
};

static struct gate_regs gate_regs_draw(void)
{
	struct gate_regs g;
	g.eax = rnd(), g.edx = rnd(), g.ebx = rnd(), g.esi = rnd(), g.edi = rnd();
	return g;
}

/* A raw IRQ gate (int $51 or $52) with registers g; *kept: every
 * register but eax came back. */
static int irq_gate(int wait, uint32_t cap, struct gate_regs g, int *kept)
{
	uint32_t eax = g.eax, ecx = cap, edx = g.edx, ebx = g.ebx, esi = g.esi, edi = g.edi;
	if (wait)
		asm volatile("int $51" : "+a"(eax), "+c"(ecx), "+d"(edx), "+b"(ebx), "+S"(esi), "+D"(edi)
			     : : "memory", "cc");
	else
		asm volatile("int $52" : "+a"(eax), "+c"(ecx), "+d"(edx), "+b"(ebx), "+S"(esi), "+D"(edi)
			     : : "memory", "cc");
	*kept = ecx == cap && edx == g.edx && ebx == g.ebx && esi == g.esi && edi == g.edi;
	return (int)eax;
}

/* A line: mostly one the narrowed cap covers, else anything. */
static uint32_t any_line(void)
{
	switch (below(6)) {
	case 0: return rnd();
	case 1: return below(FUZZ_FIRST_LINE);          /* outside: timer, keyboard, cascade */
	case 2: return IRQ_NLINES + below(4);
	case 3: return below(2) ? FUZZ_INJECT_LINE : IRQ_VTIMER;   /* the lines with edges */
	default: return FUZZ_FIRST_LINE + below(IRQ_NLINES - FUZZ_FIRST_LINE);
	}
}

static uint32_t any_port(void)
{
	switch (below(4)) {
	case 0: return rnd();
	case 1: return below(IO_PORTS);                 /* refused: outside the cap */
	default: return FUZZ_PORT_FIRST + below(FUZZ_PORT_LAST - FUZZ_PORT_FIRST + 2);
	}
}

/* Whether a wait through slot would sleep: a live IRQ cap of ours on a
 * line with nothing pending. */
static int wait_would_block(uint32_t slot)
{
	struct irq_info info;
	return irq_info((int)slot, &info) == 0 && info.pending == 0;
}

/* One lab 8 call (-i); *kind FOLD_ERROR for a result that depends on time. */
static int irq_call(uint32_t nr, enum fold_kind *kind)
{
	int r, kept;
	uint32_t slot = below(2) && fuzz_ctl >= 0 ? (below(2) ? (uint32_t)fuzz_ctl : (uint32_t)fuzz_io)
						 : any_slot();
	switch (nr) {
	case 22: case 23: {                             /* cap_revoke, cap_delete: now and then */
		uint32_t victim = below(8) ? NCAP + below(4) : any_slot();
		if (nr == 23 && (victim == (uint32_t)fuzz_ctl || victim == (uint32_t)fuzz_io))
			victim = NCAP;          /* the round's authority stays */
		return sys(nr, victim, 0, 0);
	}
	case 24:                                        /* cap_info, into the sink */
		return sys(24, any_slot(), ps_pointer(), 0);
	case 29:                                        /* irq_get */
		r = sys(29, slot, any_line(), below(4) ? below(2) : rnd());
		if (r >= 0)
			last_irq_cap = r;
		return r;
	case 30:                                        /* irq_info, into the sink */
		*kind = FOLD_ERROR;
		return sys(30, any_slot(), ps_pointer(), 0);
	case 31:                                        /* io_in */
		return sys(31, slot, any_port(), 0);
	case 32:                                        /* io_out */
		return sys(32, slot, any_port(), below(4) ? below(256) : rnd());
	case 33: {                                      /* cap_narrow */
		uint32_t first = below(2) ? any_line() : any_port(), last = first + below(8);
		if (below(4) == 0)
			last = rnd();
		r = sys(33, slot, first, last);
		if (r >= 0 && below(4))
			cap_delete(r);          /* mostly undone at once: the table must not fill */
		return r;
	}
	case GATE_IRQ_WAIT: {
		struct gate_regs g = gate_regs_draw();
		slot = below(2) && last_irq_cap >= 0 ? (uint32_t)last_irq_cap : any_slot();
		*kind = FOLD_ERROR;
		if (wait_would_block(slot))
			return 0;               /* nothing pending: it would sleep for good */
		r = irq_gate(1, slot, g, &kept);
		if (!kept)
			note_failure("int $51 through slot %d changed a register it must keep", slot);
		if (r > 0)
			irq_waits++;
		return r;
	}
	default:                                        /* GATE_IRQ_ACK */
		slot = below(2) && last_irq_cap >= 0 ? (uint32_t)last_irq_cap : any_slot();
		r = irq_gate(0, slot, gate_regs_draw(), &kept);
		if (!kept)
			note_failure("int $52 changed a register it must keep");
		if (r > 0)
			note_failure("int $52 returned %d", r);
		return r;
	}
}

/* -i: the round's first act: its copies of the root authority go, only
 * main's narrowed ones stay. */
static void drop_root_authority(void)
{
	if (cap_delete(ROOT_IRQ_CONTROL_SLOT) < 0 || cap_delete(ROOT_IOPORT_SLOT) < 0)
		note_failure("cap_delete of the round's root caps failed");
}

/* -i, in main: copies of the root caps that cannot hurt the machine. */
static int narrow_root_authority(void)
{
	fuzz_ctl = cap_narrow(ROOT_IRQ_CONTROL_SLOT, FUZZ_FIRST_LINE, IRQ_VTIMER);
	fuzz_io = cap_narrow(ROOT_IOPORT_SLOT, FUZZ_PORT_FIRST, FUZZ_PORT_LAST);
	return fuzz_ctl < 0 ? fuzz_ctl : fuzz_io;
}

static void one_call(void)
{
	uint32_t nr, a = rnd(), b = rnd(), c = rnd();
	enum fold_kind kind = FOLD_ALL;
	int r;

	if (below(8) == 0) {                       /* an unknown number */
		switch (below(6)) {
		case 0: nr = 0; break;
		case 1: nr = SYSCALL_MAX + 1 + below(8); break;
		case 2: nr = (uint32_t)-1 - below(64); break;
		case 3: nr = 0x80000000u + below(64); break;
		case 4: nr = T_SYSCALL_VECTOR + below(256); break;
		default: nr = rnd(); break;
		}
		if (nr >= 1 && nr <= SYSCALL_MAX)
			nr = 0;
		r = sys(nr, a, b, c);
		if (r != -E_NOSYS)
			note_failure("unknown system call 0x%08x returned %d", nr, r);
		nosys_seen++;
		goto done;
	}

	if (irqs && below(2)) {                     /* lab 8's calls, or lab 5's */
		static const uint32_t irq_nrs[] = { 22, 23, 24, 29, 30, 31, 32, 33, GATE_IRQ_WAIT,
						    GATE_IRQ_ACK, GATE_IRQ_WAIT, GATE_IRQ_ACK };
		nr = irq_nrs[below(sizeof irq_nrs / sizeof irq_nrs[0])];
		r = irq_call(nr, &kind);
		goto checked;
	}
	if (domains)                                /* 2..GATE_RETURN: never exit */
		nr = 2 + below(GATE_RETURN - 1);
	else
		nr = 2 + below(LAB5_LAST_CALL - 1);
	if (nr > LAB5_LAST_CALL) {
		r = domain_call(nr, a, b, c);
		goto checked;
	}
	switch (nr) {
	case 2:                                     /* fork, now and then */
		if ((int)calls - last_fork < FORK_EVERY) {
			nr = 7;
			r = sys(7, a, b, c);
			break;
		}
		last_fork = calls;
		r = sys(2, a, b, c);
		if (r == 0)
			sys(1, 0, 0, 0);            /* the child: exit(0) */
		if (r > 0) {
			int st = -1, w = sys(4, (uint32_t)&st, 0, 0);
			if (w != r || st != 0)
				note_failure("fork: wait returned %d status 0x%x for child %d", w, st, r);
			fork_count++;
		}
		kind = FOLD_ERROR;
		break;
	case 3: {                                   /* exec: never a real program */
		uint32_t path;
		switch (below(4)) {
		case 0: path = (uint32_t)scratch + below(PAGE); break;
		case 1: path = heap_end - 1 - below(16); break;
		default:
			do
				path = any_pointer();
			while (path >= UABI_USER_BASE && path < UABI_USER_TOP);
			break;
		}
		if (path >= UABI_USER_BASE && path < UABI_USER_TOP)
			*(char *)path = '~';            /* no program is called ~... */
		r = sys(3, path, below(3) ? any_pointer() : (uint32_t)scratch + below(PAGE), c);
		if (r >= 0)
			note_failure("exec(0x%08x, ...) returned %d", path, r);
		break;
	}
	case 4:                                     /* wait: there are no children */
		r = sys(4, any_pointer(), b, c);
		break;
	case 5: {                                   /* kill: nobody that matters */
		static const uint32_t pids[] = { 1, (uint32_t)-1, 0x80000000u, 0x7fffffffu };
		uint32_t pid = below(2) ? pids[below(4)] : 1000000 + below(1000000);
		r = sys(5, pid, b, c);
		break;
	}
	case 6:                                     /* getpid: a round's own child */
		r = sys(nr, a, b, c);
		kind = FOLD_ERROR;
		break;
	case 7: case 8:                             /* getppid, yield */
		r = sys(nr, a, b, c);
		break;
	case 9:                                     /* sleep: 0, or now and then 1 */
		if ((int)calls - last_sleep >= SLEEP_EVERY && below(2)) {
			last_sleep = calls;
			a = 1;
		} else
			a = 0;
		r = sys(9, a, b, c);
		break;
	case 10: case 18:                           /* uptime, memfree */
		r = sys(nr, a, b, c);
		kind = FOLD_ERROR;
		break;
	case 11: {                                  /* read */
		uint32_t fd, buf = any_pointer(), n = any_length();
		int live = 0;
		switch (below(4)) {
		case 0: fd = eof_r; break;
		case 1: fd = broken_w; break;           /* the wrong direction */
		case 2:
			if (live_count > 0) {
				fd = live_r, live = 1;
				buf = (uint32_t)scratch + below(2 * PAGE);
				break;
			}
			fd = eof_r;
			break;
		default: fd = bad_fd(); break;
		}
		r = sys(11, fd, buf, n);
		if (live) {
			if (r > 0 && r <= live_count)
				live_count -= r;
			else if (r != 0 || n != 0)
				renew_live();           /* unsure what is left in it */
		}
		break;
	}
	case 12: {                                  /* write */
		uint32_t fd, buf = any_pointer(), n = any_length();
		int live = 0;
		switch (below(4)) {
		case 0: fd = broken_w; break;
		case 1: fd = eof_r; break;              /* the wrong direction */
		case 2:
			fd = live_w, live = 1;
			n = below(LIVE_CAPACITY - live_count + 1);
			break;
		default: fd = bad_fd(); break;
		}
		r = sys(12, fd, buf, n);
		if (live) {
			if (r >= 0 && (uint32_t)r == n)
				live_count += r;
			else if (r >= 0 || r != -E_FAULT)
				renew_live();
		}
		break;
	}
	case 13:                                    /* close */
		if (below(16) == 0) {
			r = sys(13, live_w, b, c);
			close(live_r);
			live_r = live_w = -1;
			renew_live();
		} else
			r = sys(13, bad_fd(), b, c);
		break;
	case 14: {                                  /* dup, and close the copy */
		uint32_t fd = below(3) ? below(NOFILE + 2) : bad_fd();
		r = sys(14, fd, b, c);
		if (r >= 0)
			close(r);
		break;
	}
	case 15: {                                  /* pipe, and close it */
		uint32_t fds = any_pointer();
		r = sys(15, fds, b, c);
		if (r == 0) {
			int *p = (int *)fds;
			close(p[0]), close(p[1]);
		}
		break;
	}
	case 16: {                                  /* sbrk, undone at once */
		/* huge increments: beyond the address space, 1 GiB (which may
		 * make the kernel allocate all memory before it fails), and
		 * negative ones far below the heap's start */
		static const uint32_t huge[] = { 0x7fffffffu, 0x40000000u, 0x80000000u,
						 0x80000001u, 0xc0000000u, 0x7ffff000u };
		static const uint32_t cheap[] = { 0x7fffffffu, 0x7ffff000u, 0x80000000u,
						  0x80000001u, 0xc0000000u, 0xfff00000u };
		int32_t inc;
		switch (below(4)) {
		case 0:
			/* a huge request may make the kernel fill all of memory
			 * before it fails: now and then only */
			if ((int)calls - last_huge >= HUGE_EVERY) {
				last_huge = calls;
				inc = (int32_t)huge[below(6)];
				break;
			}
			inc = (int32_t)cheap[below(6)];
			break;
		case 1: inc = -(int32_t)below(PAGE + 1); break;   /* within our page */
		case 2: inc = (int32_t)below(PAGE + 1); break;
		default: inc = below(8) ? (int32_t)below(64) : (int32_t)below(4 * PAGE); break;
		}
		r = sys(16, (uint32_t)inc, b, c);
		if (r >= 0 && inc != 0)
			sys(16, -(uint32_t)inc, 0, 0);
		break;
	}
	case 17: {                                  /* ps */
		static const uint32_t maxes[] = { 0, 1, 2, 64, 65, 0xffffffffu, 0x7fffffffu };
		uint32_t table = ps_pointer();
		r = sys(17, table, below(2) ? maxes[below(7)] : rnd(), c);
		kind = FOLD_ERROR;
		break;
	}
	default:
		r = sys(nr, a, b, c);
		break;
	}
checked:
	if (r < -E_MAX) {
		odd_results++;
		note_failure("system call %u returned %d, which is no -E_xxx", nr, r);
	}
done:
	calls++;
	if (r >= 0)
		by_result[0]++;
	else if (r >= -E_MAX)
		by_result[-r]++;
	else
		by_result[E_MAX + 1]++;
	fold(nr);
	fold(kind == FOLD_ERROR && r >= 0 ? 0 : (uint32_t)r);
}

/* ---- lab 7: faults (-f) ---- */

/*
 * A fault round is a series of episodes, each in a process of its own,
 * since a fault may rightly end its process. An episode registers
 * handlers (ours, or raw eips, with random masks, invalid bits too), makes
 * faulter domains with handlers of their own (faulter.h's policies),
 * raises faults at home and in them with registers from the seed, and in
 * our handler reads and writes the faulting registers with random edits
 * and bad pointers and ends with a random action. What it may not do, so
 * that an episode always ends: resume at an eip that could run code other
 * than the faulting site's (only the site itself, a skip past its
 * instruction, or unmapped user space, where the fetch faults again), or
 * write through a pointer into its own live memory. Its handler kills
 * after EPISODE_DELIVERIES deliveries.
 */
#define EPISODE_FAULTS     40     /* faults one episode raises at most */
#define EPISODE_DELIVERIES 96     /* deliveries our handler takes, then it kills */
#define EPISODE_FAULTERS   2      /* faulter domains one episode creates at most */
#define FUZZ_EDITS         4      /* fault_regs and bad calls per delivery, at most */
#define EFLAGS_TF   0x100u
#define EFLAGS_IF   0x200u
#define EFLAGS_IOPL 0x3000u
#define EFLAGS_NT   0x4000u
#define EFLAGS_VM   0x20000u
#define EFLAGS_AC   0x40000u
#define EFLAGS_KERNELS (EFLAGS_TF | EFLAGS_IOPL | EFLAGS_NT | EFLAGS_VM | EFLAGS_AC)
#define RAISED_VECTORS (FAULT_VECTOR_BIT(0) | FAULT_VECTOR_BIT(3) | FAULT_VECTOR_BIT(4) | \
			FAULT_VECTOR_BIT(6) | FAULT_VECTOR_BIT(13) | FAULT_VECTOR_BIT(14))
#define UNMAPPED_USER 0x90000000u  /* nothing of ours or faulter's is mapped from here ... */
#define UNMAPPED_SPAN 0x01000000u  /* ... for this long */

/* What an episode tells its round through a pipe, if it lives to. */
struct episode_tally {
	uint32_t checksum, raised, delivered;
};

static struct episode_tally this_episode;   /* the running episode's */
static uint32_t sane_eip;               /* where the fault being handled may resume; 0: nowhere known */
static int fcap = -1, faulters_made;
static uint32_t faulter_mask;           /* its own handler's, if set */
static int faulter_policy;

/* A trap mask: mostly valid ones, also invalid bits (#NM, #DF, NMI, 31). */
static uint32_t any_mask(void)
{
	switch (below(6)) {
	case 0: return 0;
	case 1: return rnd();
	case 2: return FAULT_VECTOR_BIT(below(32));
	case 3: return FAULT_VECTORS_HANDLED;
	default: return rnd() & FAULT_VECTORS_HANDLED;
	}
}

/* An eip no code of ours runs at: refused (the kernel, null, above user
 * space) or unmapped user space (accepted: the fetch faults). */
static uint32_t stray_eip(void)
{
	switch (below(5)) {
	case 0: return 0x00100000u + below(0x10000);
	case 1: return below(PAGE);
	case 2: return UABI_USER_TOP + below(0x1000000);
	case 3: return 0xffffffffu - below(16);
	default: return UNMAPPED_USER + (below(UNMAPPED_SPAN) & ~3u);
	}
}

static int user_address(uint32_t a)
{
	return a >= UABI_USER_BASE && a < UABI_USER_TOP;
}

/* dom_set_handler's answer for (eip, mask). */
static int set_handler_answer(uint32_t eip, uint32_t mask)
{
	if (mask & ~FAULT_VECTORS_HANDLED)
		return -E_INVAL;
	return mask && !user_address(eip) ? -E_FAULT : 0;
}

/* A page fault's address that no write of the site may hit: nothing
 * mapped writable of the faulting domain's (at home, or in faulter, whose
 * stacks lie elsewhere: only home's guard page is known). */
static uint32_t fault_address(int at_home)
{
	switch (below(6)) {
	case 0: return below(PAGE);                         /* null */
	case 1: return 0x00100000u + below(0x100000);       /* the kernel */
	case 2: return UABI_USER_BASE + below(256);         /* read-only text, both */
	case 3:
		if (at_home)                                /* the stack's guard page */
			return UABI_USER_TOP - (UABI_STACK_PAGES + 1) * PAGE + below(PAGE);
		return UABI_USER_TOP + below(PAGE);
	case 4: return UABI_USER_TOP + below(PAGE);
	default: return UNMAPPED_USER + below(UNMAPPED_SPAN);
	}
}

static uint32_t skip_of(unsigned vector)
{
	for (int kind = 0; kind < FAULTER_KINDS; kind++)
		if (faulter_vector[kind] == vector)
			return faulter_skip[kind];
	return 0;
}

/* A pointer fault_regs cannot use: null, the kernel, unmapped, the guard
 * page, straddling the end of user space. */
static uint32_t bad_regs_pointer(void)
{
	switch (below(5)) {
	case 0: return below(PAGE);
	case 1: return 0x00100000u + below(64);
	case 2: return UNMAPPED_USER + below(PAGE);
	case 3: return UABI_USER_TOP - (UABI_STACK_PAGES + 1) * PAGE + below(PAGE - 64);
	default: return UABI_USER_TOP - 8;
	}
}

/* Registers a handler may resume with, and whether SET must take them:
 * eip the site's own or stray, esp the faulting one or a bad one,
 * everything else random (eflags is masked, not refused). */
static int edit_regs(struct fault_regs *r)
{
	int accepted = 1;

	r->eax = rnd(), r->ecx = rnd(), r->edx = rnd(), r->ebx = rnd();
	r->esi = rnd(), r->edi = rnd(), r->ebp = rnd(), r->eflags = rnd();
	switch (below(4)) {
	case 0: r->eip = sane_eip; accepted = sane_eip != 0; break;
	case 1: accepted = user_address(r->eip); break;   /* the faulting eip: the fault again (a fetch fault at a stray eip has none to resume) */
	default:
		r->eip = stray_eip();
		accepted = user_address(r->eip);
	}
	switch (below(4)) {
	case 0: r->esp = 0x00100000u + below(0x100000); accepted = 0; break;
	case 1: r->esp = UNMAPPED_USER + below(UNMAPPED_SPAN); accepted = 0; break;
	case 2: r->esp = below(2) ? 0 : UABI_USER_TOP + 4 + 4 * below(16); accepted = 0; break;
	default: break;                         /* its own: valid */
	}
	return accepted;
}

/* One random fault_regs or bad call from our handler; failures noted. */
static void handler_meddle(unsigned vector, unsigned addr, unsigned error, int dom)
{
	struct fault_regs r;
	int e;

	switch (below(6)) {
	case 0:
		if ((e = fault_regs(FAULT_REGS_GET, (struct fault_regs *)bad_regs_pointer())) != -E_FAULT)
			note_failure("fault_regs(GET, a bad pointer) returned %d", e);
		break;
	case 1:
		if ((e = fault_regs(FAULT_REGS_SET, (struct fault_regs *)bad_regs_pointer())) != -E_FAULT)
			note_failure("fault_regs(SET, a bad pointer) returned %d", e);
		break;
	case 2:
		if ((e = fault_regs((int)(rnd() | 2), &r)) != -E_INVAL)
			note_failure("fault_regs with an unknown op returned %d", e);
		break;
	case 3:
		if ((e = fault_resume(below(2) ? FAULT_KILL + 1 + (int)below(8) : (int)rnd() | 0x100)) != -E_INVAL)
			note_failure("fault_resume with an unknown action returned %d", e);
		break;
	default:
		if ((e = fault_regs(FAULT_REGS_GET, &r)) < 0) {
			note_failure("fault_regs(GET) in a handler returned %d", e);
			break;
		}
		if (r.vector != vector || r.addr != addr || r.error != error || r.dom != dom)
			note_failure("fault_regs(GET) says vector %u addr 0x%x error 0x%x dom %d, the "
				     "handler was entered with %u 0x%x 0x%x %d", r.vector, r.addr, r.error,
				     r.dom, vector, addr, error, dom);
		fold(r.eip), fold(r.eax), fold(r.eflags);
		int accepted = edit_regs(&r);
		e = fault_regs(FAULT_REGS_SET, &r);
		if (e != (accepted ? 0 : -E_INVAL))
			note_failure("fault_regs(SET) with eip 0x%x esp 0x%x returned %d", r.eip, r.esp, e);
	}
}

/* The handler of an episode's home domain, for its own faults and its
 * faulters'. */
static int fuzz_on_fault(unsigned vector, unsigned addr, unsigned error, int dom)
{
	struct fault_regs r;

	this_episode.delivered++;
	fold(vector), fold(addr), fold(error);
	if (!(RAISED_VECTORS & FAULT_VECTOR_BIT(vector)))
		note_failure("a handler got vector %u, which nothing raised", vector);
	if (this_episode.delivered > EPISODE_DELIVERIES)
		return FAULT_KILL;
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	/* The fetch of a stray eip faults there (or a raw handler's, whose
	 * fault escalated here): no site is known to go on from. */
	sane_eip = vector == FAULTER_PF_VECTOR && addr == r.eip ? 0 : r.eip + skip_of(vector);
	for (int i = below(FUZZ_EDITS + 1); i > 0; i--)
		handler_meddle(vector, addr, error, dom);
	switch (below(40)) {
	case 0: return FAULT_PASS;
	case 1: return FAULT_KILL;
	case 2: case 3: case 4: case 5: return FAULT_RESUME;    /* as meddled with */
	default:                                /* on past the instruction */
		if (!sane_eip || fault_regs(FAULT_REGS_GET, &r) < 0)
			return FAULT_KILL;
		r.eip = sane_eip;
		r.eflags = rnd();
		if (fault_regs(FAULT_REGS_SET, &r) < 0)
			note_failure("fault_regs(SET) to resume at 0x%x refused", sane_eip);
		return FAULT_RESUME;
	}
}

static void episode_home_handler(void)
{
	uint32_t mask = any_mask(), eip = stray_eip();
	int e;

	switch (below(8)) {
	case 0:
		if ((e = dom_set_handler(eip, mask)) != set_handler_answer(eip, mask))
			note_failure("dom_set_handler(0x%x, 0x%x) returned %d", eip, mask, e);
		break;
	case 1:
		break;                          /* none */
	case 2: case 3:                         /* ours, for whatever */
		if ((e = fault_handler_set(fuzz_on_fault, mask)) != set_handler_answer(1 + UABI_USER_BASE, mask))
			note_failure("fault_handler_set(mask 0x%x) returned %d", mask, e);
		break;
	default:                                /* ours, for all we raise and more */
		mask = RAISED_VECTORS | (rnd() & FAULT_VECTORS_HANDLED);
		if ((e = fault_handler_set(fuzz_on_fault, mask)) != 0)
			note_failure("fault_handler_set(mask 0x%x) returned %d", mask, e);
	}
}

/* Make a faulter (now and then) or give it a new handler. */
static void episode_faulter_handler(void)
{
	if ((fcap < 0 || below(4) == 0) && faulters_made < EPISODE_FAULTERS) {
		fcap = dom_create("faulter", 0);
		faulters_made++;
		if (fcap < 0)
			note_failure("dom_create(faulter) returned %d", fcap);
		faulter_mask = 0;
	}
	if (fcap < 0)
		return;
	uint32_t how = below(FAULTER_POLICIES), mask = any_mask(), eip = stray_eip();
	int r0 = dom_r0(dom_call(fcap, FAULTER_HANDLER, how, mask, eip));
	int want = set_handler_answer(how == FAULTER_RAW ? eip : UABI_USER_BASE, mask);
	fold((uint32_t)r0);
	if (r0 == -E_DEAD)
		return;
	if (r0 != want)
		note_failure("faulter's dom_set_handler(policy %u, mask 0x%x, eip 0x%x) returned %d",
			     how, mask, eip, r0);
	if (r0 == 0)
		faulter_mask = mask, faulter_policy = (int)how;
}

static void episode_raise_at_home(void)
{
	uint32_t kind = below(FAULTER_KINDS), before = this_episode.delivered;

	this_episode.raised++;
	uint32_t changed = faultsite_raise(kind, rnd(), fault_address(1));
	fold(changed);
	if (this_episode.delivered == before)
		note_failure("a fault of kind %u at home went on without a handler", kind);
	if ((faultsite_eflags & EFLAGS_KERNELS) || !(faultsite_eflags & EFLAGS_IF))
		note_failure("resumed with eflags 0x%x: TF, IOPL, NT, VM or AC set, or IF clear",
			     faultsite_eflags);
}

static void episode_raise_in_faulter(void)
{
	uint32_t kind = below(FAULTER_KINDS), seed = rnd(), regs[FAULTER_NREGS];

	if (fcap < 0)
		return;
	this_episode.raised++;
	uint64_t r = dom_call(fcap, FAULTER_RAISE, kind, seed, fault_address(0));
	fold((uint32_t)dom_r0(r)), fold((uint32_t)dom_r1(r));
	if (dom_r0(r) < 0 && dom_r0(r) >= -E_MAX)
		return;                 /* it died (-E_DEAD), now or before */
	/* Its own handler takes the vector first; skipping, it changes nothing. */
	faulter_seeded_regs(seed, regs);
	int own = faulter_mask & FAULT_VECTOR_BIT(faulter_vector[kind]);
	if (own && (faulter_policy == FAULTER_SKIP || faulter_policy == FAULTER_BOGUS) &&
	    ((uint32_t)dom_r0(r) != regs[0] || dom_r1(r) != 0))
		note_failure("faulter skipped fault kind %u itself, but came back with eax 0x%x "
			     "(not 0x%x) and changed registers 0x%x", kind, dom_r0(r), regs[0], dom_r1(r));
}

/* One episode, in its own process: tells its tally through fd, then
 * exits 0, or 1 after a failure; or a fault kills it. */
static void __attribute__((noreturn)) episode(uint32_t seed, int fd)
{
	rng = seed;
	checksum = 2166136261u;
	failures = 0;
	first_failure[0] = 0;
	episode_home_handler();
	for (uint32_t n = 1 + below(EPISODE_FAULTS); n > 0; n--) {
		switch (below(8)) {
		case 0: episode_faulter_handler(); break;
		case 1: episode_home_handler(); break;
		case 2: case 3: case 4: episode_raise_at_home(); break;
		default: episode_raise_in_faulter(); break;
		}
		this_episode.checksum = checksum;
		if (write(fd, &this_episode, sizeof(this_episode)) != sizeof(this_episode))
			note_failure("write to the round's pipe failed");
	}
	if (failures)
		printf("fuzz: episode %u: FAILED: %s (%u problems)\n", seed, first_failure, failures);
	exit(failures ? 1 : 0);
}

/* A fault round: `count` episodes. Each one's last tally and how it ended
 * go into the checksum; it must end in exit 0 or be killed by a fault
 * one of its sites raised. */
static void __attribute__((noreturn)) fault_round_of(uint32_t seed, uint32_t count)
{
	uint32_t killed = 0, raised = 0, delivered = 0;
	uint32_t round_rng = seed;
	int fds[2];

	checksum = 2166136261u;
	printf("fuzz: seed=%u: %u fault episodes\n", seed, count);
	for (calls = 0; calls < count; calls++) {
		uint32_t episode_seed = xorshift32(&round_rng);
		struct episode_tally last = { 0 }, got;
		if (pipe(fds) < 0) {
			printf("fuzz: seed=%u: FAILED: pipe\n", seed);
			exit(1);
		}
		int pid = fork(), status = -1;
		if (pid == 0) {
			close(fds[0]);
			episode(episode_seed, fds[1]);
		}
		close(fds[1]);
		while (read(fds[0], &got, sizeof(got)) == sizeof(got))
			last = got;
		close(fds[0]);
		if (pid < 0 || wait(&status) != pid) {
			printf("fuzz: seed=%u: FAILED: fork or wait of episode %u\n", seed, calls);
			exit(1);
		}
		if (!(status == 0 || (WIFKILLED(status) &&
				      (RAISED_VECTORS & FAULT_VECTOR_BIT(WKILLCAUSE(status)))))) {
			printf("fuzz: seed=%u: FAILED: episode %u (seed %u) ended with status 0x%x\n",
			       seed, calls, episode_seed, status);
			exit(1);
		}
		fold(last.checksum), fold((uint32_t)status);
		killed += WIFKILLED(status);
		raised += last.raised, delivered += last.delivered;
	}
	printf("fuzz: seed=%u calls=%u checksum=0x%08x\n", seed, calls, checksum);
	printf("fuzz: seed=%u faults: episodes=%u killed=%u raised=%u delivered=%u\n", seed, count,
	       killed, raised, delivered);
	exit(0);
}

/* ---- a round ---- */

static struct procinfo table[64];

/* One round, in the calling process (a child of main's); exits 0 if it
 * passed. */
static void __attribute__((noreturn)) round_of(uint32_t seed, uint32_t count)
{
	static char tally[200];

	rng = seed;
	checksum = 2166136261u;
	calls = failures = 0;
	nosys_seen = odd_results = fork_count = 0;
	last_fork = -FORK_EVERY, last_sleep = -SLEEP_EVERY, last_huge = -HUGE_EVERY;
	create_count = adder_answers = 0, last_create = -CREATE_EVERY;
	memset(by_result, 0, sizeof by_result);
	first_failure[0] = 0;
	memset(scratch, 0, sizeof scratch);

	printf("fuzz: seed=%u: %u calls to make\n", seed, count);
	irq_waits = 0, last_irq_cap = -1;
	if (irqs)
		drop_root_authority();
	int e = setup_round();
	if (e < 0) {
		printf("fuzz: seed=%u: FAILED: setting up returned %d\n", seed, e);
		exit(1);
	}
	while (calls < count) {
		one_call();
		if (calls % 5000 == 0)
			renew_live();           /* a fresh pipe, and any drift gone */
		if (calls % PROGRESS_EVERY == 0 && calls < count)
			printf("fuzz: seed=%u: %u calls\n", seed, calls);
	}
	teardown_round();

	printf("fuzz: seed=%u calls=%u checksum=0x%08x\n", seed, calls, checksum);
	int n = snprintf(tally, sizeof tally, "fuzz: seed=%u results: ok=%d", seed, by_result[0]);
	for (int i = 1; i <= E_MAX && n < (int)sizeof tally - 16; i++)
		if (by_result[i])
			n += snprintf(tally + n, sizeof tally - n, " -%d=%d", i, by_result[i]);
	printf("%s forks=%d\n", tally, fork_count);
	if (domains)
		printf("fuzz: seed=%u domains: created=%d adder answers=%d\n", seed, create_count, adder_answers);
	if (irqs)
		printf("fuzz: seed=%u irqs: waits with deliveries=%d\n", seed, irq_waits);
	if (failures) {
		printf("fuzz: seed=%u: FAILED: %s (%u problems)\n", seed, first_failure, failures);
		exit(1);
	}
	exit(0);
}

/* Runs a round in a child, so that everything it made (page tables too)
 * must be freed when it is reaped. Returns 1 if it passed. */
static int round_in_child(uint32_t seed, uint32_t count)
{
	int free_before = memfree(), procs_before = ps(table, 64);
	int pid = fork();
	if (pid < 0) {
		printf("fuzz: seed=%u: FAILED: fork returned %d\n", seed, pid);
		return 0;
	}
	if (pid == 0 && faults)
		fault_round_of(seed, count);
	if (pid == 0)
		round_of(seed, count);
	int st = -1, w, mine = -1;
	while ((w = wait(&st)) > 0)     /* orphans too, when fuzz is pid 1 */
		if (w == pid)
			mine = st;
	int free_after = memfree(), procs_after = ps(table, 64);
	if (WIFKILLED(mine)) {
		printf("fuzz: seed=%u: FAILED: the round's process was killed (cause %d)\n", seed,
		       WKILLCAUSE(mine));
		return 0;
	}
	if (mine != 0)
		return 0;               /* it said why */
	if (free_after != free_before) {
		printf("fuzz: seed=%u: FAILED: memfree() was %d before the round and %d after it "
		       "was reaped\n", seed, free_before, free_after);
		return 0;
	}
	if (procs_after != procs_before) {
		printf("fuzz: seed=%u: FAILED: %d process table slots in use before the round, %d "
		       "after\n", seed, procs_before, procs_after);
		return 0;
	}
	printf("fuzz: seed=%u: OK (memfree %d and %d processes as before)\n", seed, free_after,
	       procs_after);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int seed, count;
	if (argc > 1 && !strcmp(argv[1], "-d")) {
		domains = 1;
		argv++, argc--;
	} else if (argc > 1 && !strcmp(argv[1], "-f")) {
		faults = 1;
		argv++, argc--;
	} else if (argc > 1 && !strcmp(argv[1], "-i")) {
		irqs = 1;
		argv++, argc--;
	}
	if (argc < 3 || parse_uint(argv[1], &seed) < 0 || parse_uint(argv[2], &count) < 0) {
		printf("usage: fuzz [-d|-f|-i] SEED COUNT [SEED...]\n");
		return 2;
	}
	static unsigned int seeds[16];
	int n = 0;
	seeds[n++] = seed;
	for (int i = 3; i < argc && n < 16; i++)
		if (parse_uint(argv[i], &seeds[n++]) < 0) {
			printf("usage: fuzz [-d|-f|-i] SEED COUNT [SEED...]\n");
			return 2;
		}
	text = (uint32_t)main;
	if (irqs && narrow_root_authority() < 0) {
		printf("fuzz: FAILED: cap_narrow of the root authority\n");
		return 1;
	}
	int passed = 0;
	for (int i = 0; i < n; i++)
		passed += round_in_child(seeds[i], count);
	return passed == n ? 0 : 1;
}
