/*
 * faulttests.c - lab 7's tests of exception-handler domains, run as
 * `init=faulttests PART N...` (grader/test_lab7_faults.py). The numbers
 * are the grader's, chosen at run time: seeds for register values, tags
 * the handlers put in %eax, addresses, ticks. Each part checks what it can
 * itself, prints what the grader recomputes, and ends with one verdict
 * line, "faulttests: PART: ok" or "faulttests: PART: FAILED: ...".
 * Children a part forks say FAILED themselves and exit 1.
 *
 * The other domains are faultsrvs (user/domains/faultsrv.c): a part
 * builds a chain home -> middle -> child with dom_create (each domain the
 * manager of the next) and chooses which vectors each one's handler takes
 * and what it does with a fault (faultsrv.h's modes). The home's own
 * handler here (home_on_fault) knows the same modes.
 *
 * Every part ends by checking that memfree() and the number of processes
 * are back where they were before it began (baseline_check), taken after
 * the home's handler was set (which maps its exception stack).
 * The checks (expect, fail, the baseline, main) are user/testdriver.h's,
 * shared with lab 6's domtests.
 */
#define TEST_DRIVER "faulttests"
#include "testdriver.h"
#include "domains/faultsrv.h"

#define EFLAGS_CF 0x00000001u
#define EFLAGS_RSVD 0x00000002u
#define EFLAGS_TF 0x00000100u
#define EFLAGS_IF 0x00000200u
#define EFLAGS_DF 0x00000400u
#define EFLAGS_IOPL3 0x00003000u
#define EFLAGS_NT 0x00004000u
#define EFLAGS_RF 0x00010000u
#define EFLAGS_VM 0x00020000u
#define EFLAGS_AC 0x00040000u
#define EFLAGS_VIF 0x00080000u
#define EFLAGS_VIP 0x00100000u
#define EFLAGS_ID 0x00200000u
/* CF PF AF ZF SF OF, and DF: what a handler may set (abi.h). */
#define EFLAGS_ARITH 0x000008d5u
#define EFLAGS_KEPT (EFLAGS_ARITH | EFLAGS_DF)
#define EFLAGS_NOT_THE_HANDLERS (EFLAGS_TF | EFLAGS_IOPL3 | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM | \
				 EFLAGS_AC | EFLAGS_VIF | EFLAGS_VIP | EFLAGS_ID)
#define PF_USER_READ_NOT_PRESENT 0x4u
#define PF_USER_WRITE_NOT_PRESENT 0x6u

/* ---- domains: faultsrvs ---- */

/* slot's faultsrv calls its own slot `inner` with op and a (FSRV_CALL). */
static uint64_t call_in(int cap, int inner, uint32_t op, uint32_t a)
{
	return dom_call(cap, FSRV_CALL, (uint32_t)inner, op, a);
}

static int id_of(int cap)
{
	int id = dom_r0(call(cap, FSRV_ID, 0, 0, 0));
	if (id < 0)
		fail("FSRV_ID", id);
	return id;
}

/* The id of a middle domain's child (its slot `inner` there). */
static int id_in(int middle, int inner)
{
	return dom_r0(call_in(middle, inner, FSRV_ID, 0));
}

static int home_id(void)
{
	struct cap_info self;
	expect("cap_info of slot 0", cap_info(HOME_SLOT, &self), 0);
	return self.object;
}

/* cap's faultsrv handles mask in mode with tag. */
static void handle(int cap, uint32_t mask, int mode, uint32_t tag)
{
	expect("FSRV_HANDLE", dom_r0(call(cap, FSRV_HANDLE, mask, (uint32_t)mode, tag)), 0);
}

/* A middle domain's child: created there, its slot there. */
static int create_in(int middle)
{
	int slot = dom_r0(call(middle, FSRV_CREATE, 0, 0, 0));
	if (slot < 0)
		fail("dom_create inside a faultsrv", slot);
	return slot;
}

/* A chain home -> middle -> child: the middle's handler takes the
 * faults in mask, in mode with tag (handle); child is its slot in the
 * middle, child_id its id. */
struct chain {
	int middle, child, child_id;
};

static struct chain chain_new(uint32_t mask, int mode, uint32_t tag)
{
	struct chain c;

	c.middle = create("faultsrv");
	handle(c.middle, mask, mode, tag);
	c.child = create_in(c.middle);
	c.child_id = id_in(c.middle, c.child);
	return c;
}

/* ---- the home domain's handler ---- */

static int home_mode;
static uint32_t home_tag;
static volatile uint32_t home_handled;
static struct fault_regs home_last;
static int home_pipe = -1;              /* a byte per fault, for a parent counting them */

static int home_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	home_handled++;
	if (home_pipe >= 0)
		write(home_pipe, "f", 1);
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	home_last = r;
	if (r.vector != vector || r.addr != addr || r.error != error || r.dom != dom)
		printf("faulttests: %s: FAILED: the handler's arguments (vector %u addr 0x%x error %u "
		       "dom %d) are not what fault_regs says (%u 0x%x %u %d)\n", part, vector, addr,
		       error, dom, r.vector, r.addr, r.error, r.dom), exit(1);
	switch (home_mode) {
	case FSRV_MODE_PASS:
		return FAULT_PASS;
	case FSRV_MODE_KILL:
		return FAULT_KILL;
	case FSRV_MODE_LOOP:
		return FAULT_RESUME;
	case FSRV_MODE_FAULT:
		fault_site_ud2(0);      /* a home has no manager: the process dies here */
		break;
	}
	if (vector != V_BP)
		r.eip += FAULT_SITE_LEN;
	r.eax = fsrv_skip_eax(home_tag, vector);
	return fault_regs_resume(&r);
}

static void home_handle(uint32_t mask, int mode, uint32_t tag)
{
	home_mode = mode;
	home_tag = tag;
	expect("fault_handler_set", fault_handler_set(home_on_fault, mask), 0);
}

/* How the parts with a home tag HTAG (their first number) begin: the
 * home's handler skips the faults in mask with that tag, then the
 * baseline is taken (setting the handler maps the exception stack, which
 * stays). Returns HTAG. */
static uint32_t begin_with_home_skipping(uint32_t mask)
{
	uint32_t ht = arg(0, 1);

	home_handle(mask, FSRV_MODE_SKIP, ht);
	baseline_take();
	return ht;
}

/* The home's handler took one more fault, of vector, from domain dom. */
static void expect_home_took(const char *what, uint32_t before, uint32_t vector, int dom)
{
	expect(what, (int)home_handled, (int)before + 1);
	expect(what, (int)home_last.vector, (int)vector);
	expect(what, home_last.dom, dom);
}

/* cap's faultsrv's handler took `count` faults, the last of vector from dom. */
static void expect_stats(const char *what, int cap, uint32_t count, uint32_t vector, int dom)
{
	uint64_t r = call(cap, FSRV_STATS, 0, 0, 0);
	expect(what, dom_r0(r), (int)count);
	if (count)
		expect_u(what, dom_r1(r), fsrv_stats_r1(vector, dom));
}

/* ---- regs: the registers at the fault, in the handler and after ---- */

/*
 * ft_regs_int3(in, out) and ft_regs_pf(in, out): load every general
 * register from in[] (eax ebx ecx edx esi edi ebp), eflags from in[7] and
 * move %esp down by in[8] bytes, then fault (int3; a read at in[2], %ecx),
 * and store what the registers are after the resume into out[] (the same
 * order, eflags in out[7]). ft_esp_at_fault and ft_esp_after are %esp at
 * the faulting instruction and right after the resume. C cannot do this:
 * the compiler owns %ebp and %esp.
 */
enum { R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_EFLAGS, R_DROP, R_COUNT };
static const char *const reg_names[R_COUNT] = { "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "eflags", "-" };
void ft_regs_int3(const uint32_t in[R_COUNT], uint32_t out[R_COUNT]);
void ft_regs_pf(const uint32_t in[R_COUNT], uint32_t out[R_COUNT]);
extern char ft_int3_after[], ft_pf_site[], ft_pf_after[];
uint32_t ft_out, ft_saved_esp, ft_esp_at_fault, ft_esp_after;
#define FT_REGS_RUN(name, site, insn, after)                                        \
	".text\n"                                                                   \
	".globl " name "\n"                                                         \
	name ":\n"                                                                  \
	"	pushl %ebp\n	pushl %ebx\n	pushl %esi\n	pushl %edi\n"               \
	"	movl 20(%esp), %eax\n"          /* in */                            \
	"	movl 24(%esp), %ecx\n"          /* out */                           \
	"	movl %ecx, ft_out\n"                                                \
	"	movl %esp, ft_saved_esp\n"                                          \
	"	subl 32(%eax), %esp\n"          /* in[R_DROP] */                    \
	"	pushl 28(%eax)\n	popfl\n"  /* in[R_EFLAGS] */                  \
	"	movl 4(%eax), %ebx\n	movl 8(%eax), %ecx\n	movl 12(%eax), %edx\n" \
	"	movl 16(%eax), %esi\n	movl 20(%eax), %edi\n	movl 24(%eax), %ebp\n" \
	"	movl 0(%eax), %eax\n"                                               \
	"	movl %esp, ft_esp_at_fault\n"                                       \
	".globl " site "\n" site ":\n"                                              \
	"	" insn "\n"                                                         \
	".globl " after "\n" after ":\n"                                            \
	"	movl %esp, ft_esp_after\n"                                          \
	"	pushfl\n	pushl %ebp\n	pushl %edi\n	pushl %esi\n"             \
	"	pushl %edx\n	pushl %ecx\n	pushl %ebx\n	pushl %eax\n"           \
	"	cld\n"                                                              \
	"	movl %esp, %esi\n	movl ft_out, %edi\n	movl $8, %ecx\n	rep movsl\n" \
	"	movl ft_saved_esp, %esp\n"                                          \
	"	popl %edi\n	popl %esi\n	popl %ebx\n	popl %ebp\n"                 \
	"	ret\n"
asm(FT_REGS_RUN("ft_regs_int3", "ft_int3_site", "int3", "ft_int3_after"));
asm(FT_REGS_RUN("ft_regs_pf", "ft_pf_site", "movl (%ecx), %eax", "ft_pf_after"));

/* ft_raw_entry: where the kernel enters the handler in this part; it
 * keeps every register as the kernel set it (ft_entry: eax ecx edx ebx
 * esi edi ebp esp eflags) and goes on to fault_entry. */
enum { E_EAX, E_ECX, E_EDX, E_EBX, E_ESI, E_EDI, E_EBP, E_ESP, E_EFLAGS, E_COUNT };
static const char *const entry_names[E_COUNT] = { "eax", "ecx", "edx", "ebx", "esi", "edi", "ebp", "esp", "eflags" };
uint32_t ft_entry[E_COUNT];
void ft_raw_entry(void);
asm(".text\n"
    ".globl ft_raw_entry\n"
    "ft_raw_entry:\n"
    "	movl %eax, ft_entry+0\n	movl %ecx, ft_entry+4\n	movl %edx, ft_entry+8\n"
    "	movl %ebx, ft_entry+12\n	movl %esi, ft_entry+16\n	movl %edi, ft_entry+20\n"
    "	movl %ebp, ft_entry+24\n	movl %esp, ft_entry+28\n"
    "	pushfl\n	popl ft_entry+32\n"
    "	jmp fault_entry\n");

static struct fault_regs regs_seen;
static int regs_faults;
static uint32_t regs_set[R_COUNT];      /* what the #PF handler writes */

static int regs_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	regs_faults++;
	if (fault_regs(FAULT_REGS_GET, &r) < 0)
		return FAULT_KILL;
	regs_seen = r;
	if (vector != V_PF)
		return FAULT_RESUME;            /* unchanged: int3 traps, eip is past it */
	r.eax = regs_set[R_EAX], r.ebx = regs_set[R_EBX], r.ecx = regs_set[R_ECX];
	r.edx = regs_set[R_EDX], r.esi = regs_set[R_ESI], r.edi = regs_set[R_EDI];
	r.ebp = regs_set[R_EBP], r.eflags = regs_set[R_EFLAGS];
	r.eip += FAULT_SITE_LEN;
	return fault_regs_resume(&r);
}

/* Seven register values and eflags from seed x: arithmetic flags at
 * random, CF and DF always set; esp lower by up to 252 bytes. */
static void regs_draw(uint32_t *x, uint32_t v[R_COUNT])
{
	for (int i = R_EAX; i <= R_EBP; i++)
		v[i] = xorshift32(x);
	v[R_EFLAGS] = (xorshift32(x) & EFLAGS_ARITH) | EFLAGS_CF | EFLAGS_DF | EFLAGS_IF | EFLAGS_RSVD;
	v[R_DROP] = (xorshift32(x) % 64) * 4;
}

static void expect_fault_regs(const char *what, const struct fault_regs *r, const uint32_t v[R_COUNT],
			      uint32_t esp, uint32_t eip, uint32_t eflags_mask)
{
	const uint32_t got[] = { r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp, r->eflags & eflags_mask };
	for (int i = R_EAX; i <= R_EFLAGS; i++) {
		uint32_t want = i == R_EFLAGS ? v[i] & eflags_mask : v[i];
		if (got[i] != want)
			printf("faulttests: regs: FAILED: %s: %%%s is 0x%08x, expected 0x%08x\n", what,
			       reg_names[i], got[i], want), exit(1);
	}
	if (r->esp != esp || r->eip != eip)
		printf("faulttests: regs: FAILED: %s: esp 0x%08x eip 0x%08x, expected esp 0x%08x eip "
		       "0x%08x\n", what, r->esp, r->eip, esp, eip), exit(1);
}

static void expect_after(const char *what, const uint32_t out[R_COUNT], const uint32_t v[R_COUNT])
{
	for (int i = R_EAX; i <= R_EFLAGS; i++)
		if (out[i] != v[i])
			printf("faulttests: regs: FAILED: %s: %%%s is 0x%08x after the resume, expected "
			       "0x%08x\n", what, reg_names[i], out[i], v[i]), exit(1);
	if (ft_esp_after != ft_esp_at_fault)
		printf("faulttests: regs: FAILED: %s: %%esp is 0x%08x after the resume, 0x%08x at the "
		       "fault\n", what, ft_esp_after, ft_esp_at_fault), exit(1);
}

static void expect_entry(uint32_t vector, uint32_t addr, uint32_t error, int dom)
{
	const uint32_t want[E_COUNT] = { vector, addr, error, (uint32_t)dom, 0, 0, 0, XSTACK_TOP,
					 EFLAGS_IF | EFLAGS_RSVD };
	for (int i = 0; i < E_COUNT; i++)
		if (ft_entry[i] != want[i])
			printf("faulttests: regs: FAILED: at the handler's entry %%%s is 0x%08x, expected "
			       "0x%08x (abi.h)\n", entry_names[i], ft_entry[i], want[i]), exit(1);
}

/* regs SEED PAGE: every register, esp and eflags (arithmetic flags and
 * DF) from SEED at an int3: the handler sees exactly them and, after a
 * resume with nothing changed, so does the program; then a read of the
 * unmapped address 0x70000000 + PAGE * 4096 + 4 * (SEED % 1024): the
 * handler sees it in addr and %ecx, sets every register and eflags to new
 * values and skips the read; the program sees exactly those. */
static void part_regs(void)
{
	uint32_t x = arg(0, 1), pf_addr = 0x70000000u + (arg(1, 0) % 4096) * PAGE + 4 * (arg(0, 1) % 1024);
	uint32_t v[R_COUNT], out[R_COUNT];
	int me = home_id();

	expect("fault_handler_set", fault_handler_set(regs_on_fault, BIT(V_BP) | BIT(V_PF)), 0);
	expect("dom_set_handler(ft_raw_entry)", dom_set_handler((uint32_t)ft_raw_entry, BIT(V_BP) | BIT(V_PF)), 0);
	baseline_take();
	regs_draw(&x, v);
	ft_regs_int3(v, out);
	expect("faults the handler took", regs_faults, 1);
	expect_entry(V_BP, 0, 0, me);
	expect_fault_regs("fault_regs at an int3", &regs_seen, v, ft_esp_at_fault, (uint32_t)ft_int3_after,
			  0xffffffffu);
	expect("fault_regs' vector, error, addr", (int)(regs_seen.vector | regs_seen.error | regs_seen.addr), V_BP);
	expect("fault_regs' dom", regs_seen.dom, me);
	expect_after("an int3 resumed unchanged", out, v);
	printf("faulttests: regs: int3 eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x "
	       "eflags=%08x\n", regs_seen.eax, regs_seen.ebx, regs_seen.ecx, regs_seen.edx, regs_seen.esi,
	       regs_seen.edi, regs_seen.ebp, regs_seen.eflags);

	regs_draw(&x, v);
	v[R_ECX] = pf_addr;
	regs_draw(&x, regs_set);
	ft_regs_pf(v, out);
	expect("faults the handler took", regs_faults, 2);
	expect_entry(V_PF, pf_addr, PF_USER_READ_NOT_PRESENT, me);
	/* RF may be set in a fault's saved eflags: the CPU's business, not compared */
	expect_fault_regs("fault_regs at a page fault", &regs_seen, v, ft_esp_at_fault, (uint32_t)ft_pf_site,
			  ~EFLAGS_RF);
	expect_u("fault_regs' addr at the page fault", regs_seen.addr, pf_addr);
	expect_u("fault_regs' error at the page fault", regs_seen.error, PF_USER_READ_NOT_PRESENT);
	expect_u("fault_regs' vector at the page fault", regs_seen.vector, V_PF);
	expect_after("the registers the handler set", out, regs_set);
	printf("faulttests: regs: pf addr=%08x set eax=%08x eflags=%08x\n", regs_seen.addr, out[R_EAX],
	       out[R_EFLAGS]);
	expect("fault_handler_set(0)", fault_handler_set(regs_on_fault, 0), 0);
	baseline_check();
}

/* ---- garbage: what a handler may not resume ---- */

extern char ft_garbage_site[];
static struct fault_regs garbage_first;
static int garbage_refusals, garbage_gps;
static uint32_t garbage_seed;

static void expect_unchanged(const char *what)
{
	struct fault_regs now;
	expect("fault_regs(GET)", fault_regs(FAULT_REGS_GET, &now), 0);
	if (memcmp(&now, &garbage_first, sizeof now) != 0)
		printf("faulttests: garbage: FAILED: after %s the faulting registers changed (eip "
		       "0x%08x esp 0x%08x eflags 0x%08x, were 0x%08x 0x%08x 0x%08x)\n", what, now.eip,
		       now.esp, now.eflags, garbage_first.eip, garbage_first.esp, garbage_first.eflags), exit(1);
}

/* SET with eip or esp replaced must be refused, the frame unchanged. */
static void expect_refused(const char *what, uint32_t eip, uint32_t esp)
{
	struct fault_regs r = garbage_first;
	r.eip = eip;
	r.esp = esp;
	r.eax = ~r.eax;
	int err = fault_regs(FAULT_REGS_SET, &r);
	if (err != -E_INVAL)
		printf("faulttests: garbage: FAILED: fault_regs(SET) with %s (eip 0x%08x esp 0x%08x) "
		       "returned %d, expected -E_INVAL\n", what, eip, esp, err), exit(1);
	expect_unchanged(what);
	garbage_refusals++;
}

static int garbage_on_ud(void)
{
	struct fault_regs r;
	uint32_t s = garbage_seed, eip = garbage_first.eip, esp = garbage_first.esp;

	expect_u("the faulting eip", garbage_first.eip, (uint32_t)ft_garbage_site);
	expect_refused("eip 0", 0, esp);
	expect_refused("a kernel eip", 0xc0100000u + (s & 0xfff0u), esp);
	expect_refused("eip USER_TOP", USER_TOP, esp);
	expect_refused("eip below USER_BASE", USER_BASE - 1 - (s & 0xffu), esp);
	expect_refused("eip 0xffffffff", 0xffffffffu, esp);
	expect_refused("esp in the stack's guard page", eip, STACK_GUARD + 4 + 4 * (s % 1023));
	expect_refused("esp just above the guard page (the push lands in it)", eip, STACK_GUARD + PAGE);
	expect_refused("esp in the exception stack's guard page", eip, XSTACK_GUARD + 4 + 4 * (s % 1023));
	expect_refused("a kernel esp", eip, 0xc0001000u + (s & 0xff0u));
	expect_refused("esp 0", eip, 0);
	expect_refused("esp 0xfffffffc", eip, 0xfffffffcu);
	expect_refused("esp in read-only text", eip, USER_BASE + 0x100);
	expect_refused("esp in unmapped memory", eip, 0x70000000u + (s & 0xfff0u));
	expect_refused("esp USER_BASE (the push lands below it)", eip, USER_BASE);
	expect("fault_regs(GET) to a kernel address", fault_regs(FAULT_REGS_GET, (struct fault_regs *)0xc0000000u),
	       -E_FAULT);
	expect("fault_regs(SET) from a kernel address", fault_regs(FAULT_REGS_SET, (struct fault_regs *)0xc0000000u),
	       -E_FAULT);
	expect("fault_regs(GET) to 0", fault_regs(FAULT_REGS_GET, 0), -E_FAULT);
	expect("fault_regs with op 2", fault_regs(2, &r), -E_INVAL);
	expect("fault_resume(3) in a handler", fault_resume(3), -E_INVAL);
	expect("fault_resume(-1) in a handler", fault_resume(-1), -E_INVAL);
	expect_unchanged("the refused calls");
	/* And what it may: the lowest user address as eip (set back below)... */
	r = garbage_first;
	r.eip = USER_BASE;
	expect("fault_regs(SET) with eip USER_BASE, the lowest user address", fault_regs(FAULT_REGS_SET, &r), 0);
	expect("fault_regs(GET)", fault_regs(FAULT_REGS_GET, &r), 0);
	expect_u("eip after a SET of USER_BASE, as fault_regs(GET) shows it", r.eip, USER_BASE);
	/* ...and eflags masked, not refused. */
	r = garbage_first;
	r.eip += FAULT_SITE_LEN;
	r.eax = s;
	r.eflags = EFLAGS_NOT_THE_HANDLERS | (s & EFLAGS_ARITH) | EFLAGS_DF;      /* IF off, too */
	expect("fault_regs(SET) with IOPL 3, TF, NT, RF, VM, AC, VIF, VIP, ID set and IF clear",
	       fault_regs(FAULT_REGS_SET, &r), 0);
	expect("fault_regs(GET)", fault_regs(FAULT_REGS_GET, &r), 0);
	expect_u("eflags after the SET, as fault_regs(GET) shows them", r.eflags,
		 (s & EFLAGS_ARITH) | EFLAGS_DF | EFLAGS_IF | EFLAGS_RSVD);
	return FAULT_RESUME;
}

static int garbage_on_fault(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	struct fault_regs r;

	if (vector == V_GP) {                   /* cli or sti: skip it */
		garbage_gps++;
		expect("fault_regs(GET)", fault_regs(FAULT_REGS_GET, &r), 0);
		r.eip += 1;
		expect("fault_regs(SET)", fault_regs(FAULT_REGS_SET, &r), 0);
		return FAULT_RESUME;
	}
	expect("fault_regs(GET)", fault_regs(FAULT_REGS_GET, &garbage_first), 0);
	return garbage_on_ud();
}

/* garbage SEED: a handler's SETs with a kernel eip, eip 0, esp in a guard
 * page, in the kernel, in read-only or unmapped memory are refused
 * -E_INVAL with the frame unchanged; eip USER_BASE is taken; eflags with
 * IOPL 3, TF, NT and the rest set are masked: the program's pushf right
 * after the resume shows only the arithmetic flags and DF the handler
 * chose, and IF; a cli and a sti after it still fault; the null %fs and
 * %gs the program faulted with are the user's selectors again. */
static void __attribute__((noinline)) part_garbage(void)
{
	uint32_t s = arg(0, 1), eax, flags;

	garbage_seed = s;
	expect("fault_handler_set", fault_handler_set(garbage_on_fault, BIT(V_UD) | BIT(V_GP)), 0);
	baseline_take();
	uint16_t ds = READ_SEGMENT(ds);
	/* Null %fs and %gs at the fault: a resume installs the user's own
	 * selectors, whatever the faulting code had (abi.h). */
	asm volatile("movw %w0, %%fs\n\tmovw %w0, %%gs" : : "r"(0u));
	asm volatile(".globl ft_garbage_site\n"
		     "ft_garbage_site: ud2\n\t"
		     "pushfl\n\t"
		     "popl %1\n\t"
		     "cld\n\t"
		     "cli\n\t"
		     "sti"
		     : "=a"(eax), "=r"(flags) : "0"(0) : "memory", "cc");
	uint16_t fs = READ_SEGMENT(fs), gs = READ_SEGMENT(gs);
	asm volatile("movw %w0, %%fs\n\tmovw %w0, %%gs" : : "r"((uint32_t)ds));
	expect_u("%fs after the resume (null at the fault)", fs, ds);
	expect_u("%gs after the resume (null at the fault)", gs, ds);
	expect_u("%eax the handler set", eax, s);
	expect_u("eflags after the resume (pushf)", flags, (s & EFLAGS_ARITH) | EFLAGS_DF | EFLAGS_IF | EFLAGS_RSVD);
	expect("#GPs from the cli and the sti after the resume (IOPL must be 0)", garbage_gps, 2);
	printf("faulttests: garbage: %d refusals, eflags %08x after the resume\n", garbage_refusals, flags);
	expect("fault_handler_set(0)", fault_handler_set(garbage_on_fault, 0), 0);
	baseline_check();
}

/* ---- routing ---- */

/* mask HTAG MTAG: home handles #DE, the middle domain #UD, the child
 * nothing: the child's divide error passes the middle for the home, its
 * ud2 stops at the middle (also with the child called straight from home,
 * the middle on no level of the stack), its int3 finds no handler (one
 * line, the child dies, the middle's call returns -E_DEAD). */
static void part_mask(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_DE)), mt = arg(1, 2);
	struct chain c = chain_new(BIT(V_UD), FSRV_MODE_SKIP, mt);
	uint32_t before = home_handled;
	uint64_t r = call_in(c.middle, c.child, FSRV_DIV, 1000);
	expect_u("the child's divide error, handled at home", (uint32_t)dom_r0(r), fsrv_skip_eax(ht, V_DE));
	expect_home_took("the home's handler", before, V_DE, c.child_id);
	expect_stats("the middle's handler after the divide error", c.middle, 0, 0, 0);
	r = call_in(c.middle, c.child, FSRV_UD, 7);
	expect_u("the child's ud2, handled by the middle", (uint32_t)dom_r0(r), fsrv_skip_eax(mt, V_UD));
	expect_stats("the middle's handler after the ud2", c.middle, 1, V_UD, c.child_id);
	expect("the home's handler after the ud2", (int)home_handled, (int)before + 1);
	/* The child called straight from home, through a copy of its cap the
	 * middle grants: the middle is on no level of this thread's stack,
	 * and as the child's manager it takes the ud2 all the same; then it
	 * can be called as before. */
	int home_in_middle = cap_grant(HOME_SLOT, c.middle, CAP_RIGHT_GIVE, 0);
	if (home_in_middle < 0)
		fail("cap_grant of the home's slot 0 into the middle", home_in_middle);
	int direct = dom_r0(call(c.middle, FSRV_GRANT, (uint32_t)c.child, (uint32_t)home_in_middle, CAP_RIGHT_CALL));
	if (direct < 0)
		fail("the middle granting its child's cap to the home", direct);
	r = dom_call(direct, FSRV_UD, 8, 0, 0);
	expect_u("the child's ud2, called straight from home, handled by its manager", (uint32_t)dom_r0(r),
		 fsrv_skip_eax(mt, V_UD));
	expect_stats("a call into the middle after its handler ran for a caller it did not call (it is on "
		     "the thread's stack no more than before)", c.middle, 2, V_UD, c.child_id);
	expect("the home's handler after the direct ud2", (int)home_handled, (int)before + 1);
	r = call_in(c.middle, c.child, FSRV_INT3, 7);
	expect("the child's int3, which nobody handles", dom_r0(r), -E_DEAD);
	expect("the home's handler after the int3", (int)home_handled, (int)before + 1);
	expect_stats("the middle's handler after the int3", c.middle, 2, V_UD, c.child_id);
	expect("cap_delete of the dead child's cap", cap_delete(direct), 0);
	printf("faulttests: mask: home %08x middle %08x child %d\n", fsrv_skip_eax(ht, V_DE),
	       fsrv_skip_eax(mt, V_UD), c.child_id);
	destroy(c.middle);
	baseline_check();
}

/* pass HTAG: the middle's handler says FAULT_PASS: the home (its manager)
 * gets the fault; then FAULT_KILL: the child dies with one line naming
 * the middle; a forked child whose home handler says kill dies with the
 * lab 4 line naming its handler. */
static void part_pass(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_DE) | BIT(V_UD));
	struct chain c = chain_new(BIT(V_UD), FSRV_MODE_PASS, 0);
	uint32_t before = home_handled;
	uint64_t r = call_in(c.middle, c.child, FSRV_UD, 1);
	expect_u("a ud2 the middle passed on, handled at home", (uint32_t)dom_r0(r), fsrv_skip_eax(ht, V_UD));
	expect_home_took("the home's handler", before, V_UD, c.child_id);
	expect_stats("the middle's handler", c.middle, 1, V_UD, c.child_id);
	handle(c.middle, BIT(V_UD), FSRV_MODE_KILL, 0);
	r = call_in(c.middle, c.child, FSRV_UD, 1);
	expect("a ud2 whose handler said kill", dom_r0(r), -E_DEAD);
	expect("the home's handler after the kill", (int)home_handled, (int)before + 1);
	expect_stats("the middle's handler after the kill", c.middle, 2, V_UD, c.child_id);
	r = call_in(c.middle, c.child, FSRV_ID, 0);
	expect("a call into the killed child", dom_r0(r), -E_DEAD);
	int pid = spawn();
	if (pid == 0) {
		home_mode = FSRV_MODE_KILL;
		fault_site_div(ht);
		printf("faulttests: pass: FAILED: the process lives on after its handler said kill\n");
		exit(1);
	}
	reap_killed(pid, "a process whose handler said kill", V_DE);
	printf("faulttests: pass: middle %d child %d\n", id_of(c.middle), c.child_id);
	destroy(c.middle);
	baseline_check();
}

/* escalate HTAG MTAG PAGE: the middle's handler takes the child's divide
 * error and faults itself (ud2): the middle is handling a fault already,
 * so its own fault goes to its manager, the home, which skips it; the
 * middle's handler then goes on and skips the child's. The same with a
 * read of 0x70000000 + PAGE * 4096 + 4 * (MTAG % 1024) in the child,
 * which the middle then passes on: nobody takes it, and the child's
 * one-line death names that address. A forked child whose home handler
 * faults dies with the lab 4 line (no manager above a home). */
static void part_escalate(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_UD)), mt = arg(1, 2);
	uint32_t pf_addr = 0x70000000u + (arg(2, 0) % 4096) * PAGE + 4 * (mt % 1024);
	struct chain c = chain_new(BIT(V_DE) | BIT(V_UD), FSRV_MODE_FAULT, mt);
	int middle_id = id_of(c.middle);
	uint32_t before = home_handled;
	uint64_t r = call_in(c.middle, c.child, FSRV_DIV, 99);
	expect_u("the child's divide error, skipped by the middle", (uint32_t)dom_r0(r), fsrv_skip_eax(mt, V_DE));
	expect_home_took("the home's handler (the middle's handler faulted)", before, V_UD, middle_id);
	expect_stats("the middle's handler", c.middle, 1, V_DE, c.child_id);
	r = call(c.middle, FSRV_LAST, 0, 0, 0);
	expect_u("%eax in the middle's handler after its own ud2 (the home's skip)", dom_r1(r),
		 fsrv_skip_eax(ht, V_UD));
	/* twice: the middle's handling mark went with its fault */
	r = call_in(c.middle, c.child, FSRV_DIV, 98);
	expect_u("the child's second divide error", (uint32_t)dom_r0(r), fsrv_skip_eax(mt, V_DE));
	expect("the home's handler after the second", (int)home_handled, (int)before + 2);
	/* A page fault whose handler faults too (a ud2, the home skips it)
	 * and then passes it on to nobody (the home takes no page faults):
	 * the child dies with one line, which names the page fault's
	 * address, not the ud2's (none). */
	handle(c.middle, BIT(V_PF), FSRV_MODE_FAULT_PASS, mt);
	r = call_in(c.middle, c.child, FSRV_READ, pf_addr);
	expect("a page fault its handler passed on to nobody", dom_r0(r), -E_DEAD);
	expect_home_took("the home's handler (the middle's handler's ud2)", before + 2, V_UD, middle_id);
	expect_u("%eax in the middle's handler after its ud2", dom_r1(call(c.middle, FSRV_LAST, 0, 0, 0)),
		 fsrv_skip_eax(ht, V_UD));
	int pid = spawn();
	if (pid == 0) {
		home_mode = FSRV_MODE_FAULT;
		fault_site_ud2(0);
		printf("faulttests: escalate: FAILED: the process lives on after its home's handler faulted\n");
		exit(1);
	}
	reap_killed(pid, "a process whose home handler faulted", V_UD);
	printf("faulttests: escalate: middle %d child %d\n", middle_id, c.child_id);
	destroy(c.middle);
	baseline_check();
}

/* nested HTAG: the middle's handler, taking the child's divide
 * error, calls another child, which faults too: that fault passes the
 * middle (handling already) and reaches the home: five levels, two faults
 * outstanding. Outside a handler (at home, in a domain, and in a
 * handler's callee) fault_regs and fault_resume are -E_INVAL. */
static void part_nested(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_DE));
	int middle = create("faultsrv");
	int child = create_in(middle), other = create_in(middle);
	int other_id = id_in(middle, other);
	handle(middle, BIT(V_DE), FSRV_MODE_NESTED, (uint32_t)other);
	uint32_t before = home_handled;
	for (int round = 0; round < 2; round++) {
		uint64_t r = call_in(middle, child, FSRV_DIV, 5);
		expect_u("the child's divide error, skipped by the middle", (uint32_t)dom_r0(r),
			 fsrv_skip_eax((uint32_t)other, V_DE));
		expect_home_took("the home's handler (the other child's fault)", before + round, V_DE, other_id);
		r = call(middle, FSRV_LAST, 0, 0, 0);
		expect_u("what the other child's call gave the middle's handler", dom_r1(r),
			 fsrv_skip_eax(ht, V_DE));
	}
	struct fault_regs regs;
	expect("fault_resume(FAULT_RESUME) at home, in no handler", fault_resume(FAULT_RESUME), -E_INVAL);
	expect("fault_resume(FAULT_KILL) at home, in no handler", fault_resume(FAULT_KILL), -E_INVAL);
	expect("fault_regs(GET) at home, in no handler", fault_regs(FAULT_REGS_GET, &regs), -E_INVAL);
	uint64_t res = call_in(middle, other, FSRV_REGS, 0);
	expect("fault_regs(GET) in a domain, in no handler", dom_r0(res), -E_INVAL);
	expect("fault_resume in a domain, in no handler", (int)dom_r1(res), -E_INVAL);
	handle(middle, BIT(V_DE), FSRV_MODE_CALLREGS, (uint32_t)other);
	uint64_t r = call_in(middle, child, FSRV_DIV, 5);
	expect_u("the child's divide error, skipped by the middle", (uint32_t)dom_r0(r),
		 fsrv_skip_eax((uint32_t)other, V_DE));
	r = call(middle, FSRV_LAST, 0, 0, 0);
	expect_u("fault_regs and fault_resume in a callee of a handler (r0 ^ r1 << 8)", dom_r1(r),
		 (uint32_t)-E_INVAL ^ (uint32_t)-E_INVAL << 8);
	printf("faulttests: nested: %08x\n", fsrv_skip_eax(ht, V_DE));
	destroy(middle);
	baseline_check();
}

/* ---- loops ---- */

static volatile uint32_t loop_divisor;
static int loop_fixes;

static int fix_divisor(unsigned int vector, unsigned int addr, unsigned int error, int dom)
{
	loop_fixes++;
	loop_divisor = 3;
	return FAULT_RESUME;
}

/* loop TAG: a handler that fixes nothing: "fault loop", its domain dies
 * (the middle: destroyed, its caller gets -E_DEAD; a forked child's home:
 * killed), and nothing else; faults from the same eip that make progress
 * are not a loop. */
static void part_loop(void)
{
	uint32_t tag = arg(0, 1);
	int fds[2];

	/* Progress: the same eip again and again, one register different each time. */
	expect("fault_handler_set", fault_handler_set(fix_divisor, BIT(V_DE)), 0);
	baseline_take();
	uint32_t sum = 0;
	for (uint32_t i = 0; i < 3 * FAULT_LOOP_LIMIT; i++) {
		uint32_t q;
		loop_divisor = 0;
		asm volatile("xorl %%edx, %%edx\n\tdivl %2" : "=a"(q) : "a"(tag + i), "m"(loop_divisor), "b"(i)
			     : "edx", "memory");
		sum += q;
	}
	expect("faults fixed by writing the divisor", loop_fixes, 3 * FAULT_LOOP_LIMIT);
	home_handle(BIT(V_UD), FSRV_MODE_SKIP, tag);
	for (uint32_t i = 0; i < 3 * FAULT_LOOP_LIMIT; i++)
		expect_u("a ud2 skipped", fault_site_ud2(i), fsrv_skip_eax(tag, V_UD));
	/* A middle domain's handler loops on its child's fault. */
	int middle = create("faultsrv"), bystander = create("faultsrv");
	handle(middle, BIT(V_DE), FSRV_MODE_LOOP, 0);
	handle(bystander, BIT(V_DE), FSRV_MODE_SKIP, tag);
	int child = create_in(middle);
	uint64_t r = call_in(middle, child, FSRV_DIV, tag);
	expect("a call whose callee's handler loops", dom_r0(r), -E_DEAD);
	expect("a call into the looping handler's domain afterwards", dom_r0(call(middle, FSRV_ID, 0, 0, 0)), -E_DEAD);
	expect_u("another domain's handler afterwards", (uint32_t)dom_r0(call(bystander, FSRV_DIV, 1, 0, 0)),
		 fsrv_skip_eax(tag, V_DE));
	forget(middle);
	destroy(bystander);
	/* The home's handler loops: the process dies. */
	expect("pipe", pipe(fds), 0);
	int pid = spawn();
	if (pid == 0) {
		close(fds[0]);
		home_pipe = fds[1];
		home_handle(BIT(V_DE), FSRV_MODE_LOOP, 0);
		fault_site_div(tag);
		printf("faulttests: loop: FAILED: a process whose handler loops lives on\n");
		exit(1);
	}
	close(fds[1]);
	int deliveries = 0;
	char c;
	while (read(fds[0], &c, 1) == 1)
		deliveries++;
	close(fds[0]);
	reap_killed(pid, "a process whose handler loops", V_DE);
	/* The first fault from a state counts 1: the FAULT_LOOP_LIMIT-th in
	 * a row is not delivered, so the handler ran one time less. */
	if (deliveries != FAULT_LOOP_LIMIT - 1)
		printf("faulttests: loop: FAILED: the looping handler ran %d times, not %d "
		       "(the %dth identical fault in a row is the loop, FAULT_LOOP_LIMIT)\n",
		       deliveries, FAULT_LOOP_LIMIT - 1, FAULT_LOOP_LIMIT), exit(1);
	printf("faulttests: loop: sum %u, the loop caught after %d deliveries\n", sum, deliveries);
	baseline_check();
}

/* ---- death ---- */

/* destroyed TICKS: a forked child's thread faults in a child domain whose
 * handler (the middle) sleeps; the parent destroys the faulting domain
 * (the middle's call returns -E_DEAD, and the middle handles the next
 * fault on that thread), then the handler's domain itself (the thread's
 * dom_call returns -E_DEAD at once). */
static void part_destroyed(void)
{
	uint32_t ticks = arg(0, 400);

	baseline_take();
	int middle = create("faultsrv");
	handle(middle, BIT(V_DE), FSRV_MODE_SLEEP, ticks);
	int child = create_in(middle);
	int pid = spawn();
	if (pid == 0) {
		int t0 = uptime();
		uint64_t r = call_in(middle, child, FSRV_DIV, 1);
		int took = uptime() - t0;
		expect("a call whose faulting callee was destroyed while its handler slept", dom_r0(r), -E_DEAD);
		if ((uint32_t)took >= ticks / 2)
			fail("the call returned only after the handler's sleep", took);
		handle(middle, BIT(V_DE), FSRV_MODE_SKIP, 77);
		int again = create_in(middle);
		expect_u("the middle's handler on the next fault", (uint32_t)dom_r0(call_in(middle, again, FSRV_DIV, 1)),
			 fsrv_skip_eax(77, V_DE));
		handle(middle, BIT(V_DE), FSRV_MODE_SLEEP, ticks);
		t0 = uptime();
		r = call_in(middle, again, FSRV_DIV, 1);
		took = uptime() - t0;
		expect("a call whose handler's domain was destroyed while it slept", dom_r0(r), -E_DEAD);
		if ((uint32_t)took >= ticks / 2)
			fail("the call returned only after the handler's sleep", took);
		exit(0);
	}
	sleep(5);       /* the child is asleep in the middle's handler */
	expect("the middle destroys the faulting child", dom_r0(call(middle, FSRV_DESTROY, (uint32_t)child, 0, 0)), 0);
	sleep(10);      /* and asleep there again */
	expect("dom_destroy of the handler's domain", dom_destroy(middle), 0);
	reap_ok(pid);
	forget(middle);
	printf("faulttests: destroyed: unwound twice\n");
	baseline_check();
}

/* xstack HTAG: a forked child's thread never entered its parent's home,
 * so the parent's handler has no exception stack for it: a fault in a
 * domain the parent manages, on the child's thread, finds no handler (one
 * line, the domain dies); the same fault on the parent's thread is the
 * parent's handler's. */
static void part_xstack(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_DE));
	int d = create("faultsrv");
	int pid = spawn();
	if (pid == 0) {
		expect("a divide error on a thread with no exception stack in the handler's domain",
		       dom_r0(call(d, FSRV_DIV, 1, 0, 0)), -E_DEAD);
		expect("the child's own handler was not asked", (int)home_handled, 0);
		exit(0);
	}
	reap_ok(pid);
	forget(d);
	d = create("faultsrv");
	int d_id = id_of(d);
	expect_u("the same on the parent's thread", (uint32_t)dom_r0(call(d, FSRV_DIV, 1, 0, 0)), fsrv_skip_eax(ht, V_DE));
	expect_home_took("the parent's handler", 0, V_DE, d_id);
	printf("faulttests: xstack: %08x\n", fsrv_skip_eax(ht, V_DE));
	destroy(d);
	baseline_check();
}

/* depth HTAG: a chain of faultsrvs, each the next one's manager; a ud2
 * at level 7 (six calls below the first) reaches the home's handler at
 * level 8, the last one; a ud2 at level 8 finds the invocation stack full:
 * no handler (one line, that domain dies). */
static void part_depth(void)
{
	uint32_t ht = begin_with_home_skipping(BIT(V_UD));
	int first = create("faultsrv");
	expect("FSRV_GROW", dom_r0(call(first, FSRV_GROW, INV_MAX_CALLS - 1, 0, 0)), INV_MAX_CALLS - 1);
	uint64_t r = call(first, FSRV_DEPTH, INV_MAX_CALLS - 2, 0, 0);
	expect("a ud2 at level 7: the depth reached", dom_r0(r), INV_MAX_CALLS - 2);
	expect_u("a ud2 at level 7, handled at home", dom_r1(r), fsrv_skip_eax(ht, V_UD));
	r = call(first, FSRV_DEPTH, INV_MAX_CALLS - 1, 0, 0);
	expect("a ud2 at level 8 (no room for a fault frame)", dom_r0(r), -E_DEAD);
	expect("the home's handler", (int)home_handled, 1);
	r = call(first, FSRV_DEPTH, INV_MAX_CALLS - 2, 0, 0);
	expect("a ud2 at level 7 again: the depth reached", dom_r0(r), INV_MAX_CALLS - 2);
	expect_u("a ud2 at level 7 again", dom_r1(r), fsrv_skip_eax(ht, V_UD));
	printf("faulttests: depth: %08x\n", fsrv_skip_eax(ht, V_UD));
	destroy(first);
	baseline_check();
}

/* nohandler: a handler for other vectors, or one removed, is no handler:
 * the lab 4 line (a forked child at home) and the lab 6 line (a domain),
 * exactly as without lab 7. */
static void part_nohandler(void)
{
	home_handle(0, FSRV_MODE_SKIP, 0);
	baseline_take();
	int pid = spawn();
	if (pid == 0) {
		home_handle(BIT(V_UD) | BIT(V_PF), FSRV_MODE_SKIP, 0);
		fault_site_div(1);
		exit(1);
	}
	reap_killed(pid, "a divide error with a handler for #UD and #PF only", V_DE);
	pid = spawn();
	if (pid == 0) {
		home_handle(BIT(V_UD), FSRV_MODE_SKIP, 0);
		home_handle(0, FSRV_MODE_SKIP, 0);
		fault_site_ud2(1);
		exit(1);
	}
	reap_killed(pid, "a ud2 after the handler was removed", V_UD);
	int d = create("faultsrv");
	handle(d, BIT(V_UD), FSRV_MODE_SKIP, 0);
	expect_dead_then_forget("a domain's divide error with handlers for #UD only", d, FSRV_DIV, 1);
	printf("faulttests: nohandler: 3 faults\n");
	baseline_check();
}

/* ---- a domain that handles its own faults ---- */

/* selfheal N SEED: safediv (user/domains/safediv.c) divides N times, by
 * zero one time in eight, and answers: its own handler saturates each
 * divide error. Called twice (the second time with SEED + 1), with no
 * handler at home: only safediv's own can answer. */
static void part_selfheal(void)
{
	uint32_t n = arg(0, 100), seed = arg(1, 1);

	baseline_take();
	int d = create("safediv");
	for (uint32_t round = 0; round < 2; round++) {
		uint64_t r = dom_call(d, n, seed + round, 0, 0);
		struct cap_info i;
		expect("cap_info of safediv's cap", cap_info(d, &i), 0);
		if (!i.live)
			fail("safediv died: a divide error was not answered (a kill line above ending \"said kill\": "
			     "its handler refused it; one without: no handler took it, e.g. DOM_HANDLING left "
			     "set by the resume of the one before)", dom_r0(r));
		printf("faulttests: selfheal: seed %u: sum %08x, %u divide errors\n", seed + round,
		       (uint32_t)dom_r0(r), dom_r1(r));
	}
	destroy(d);
	baseline_check();
}

/* ---- given code: registration, calls outside a handler, dom_map ---- */

/* refuse: dom_set_handler refuses a kernel or null eip (-E_FAULT) and a
 * vector it does not hand out (-E_INVAL); fault_regs outside a handler is
 * -E_INVAL. (fault_resume outside one is the student's: part nested.) */
static void part_refuse(void)
{
	struct fault_regs r;
	const uint32_t bad_vectors[] = { 2, 7, 8, 9, 10, 15, 18, 20, 31 };
	const uint32_t bad_eips[] = { 0, USER_BASE - 1, USER_TOP, 0xc0100000u, 0xffffffffu };

	/* first: this maps the home's exception stack, which stays */
	expect("dom_set_handler(FAULT_VECTORS_HANDLED)", fault_handler_set(home_on_fault, FAULT_VECTORS_HANDLED), 0);
	baseline_take();
	for (unsigned i = 0; i < sizeof bad_eips / sizeof bad_eips[0]; i++)
		expect("dom_set_handler with an eip outside user space", dom_set_handler(bad_eips[i], BIT(V_DE)), -E_FAULT);
	for (unsigned i = 0; i < sizeof bad_vectors / sizeof bad_vectors[0]; i++)
		expect("dom_set_handler with a vector outside FAULT_VECTORS_HANDLED",
		       dom_set_handler((uint32_t)home_on_fault, BIT(V_DE) | BIT(bad_vectors[i])), -E_INVAL);
	expect("dom_set_handler(kernel eip, 0): removing needs no eip", dom_set_handler(0xc0100000u, 0), 0);
	for (int i = 0; i < 2; i++) {
		expect("fault_regs(GET) at home, in no handler", fault_regs(FAULT_REGS_GET, &r), -E_INVAL);
		expect("fault_regs(SET) at home, in no handler", fault_regs(FAULT_REGS_SET, &r), -E_INVAL);
	}
	printf("faulttests: refuse: ok so far\n");
	baseline_check();
}

/* map PAGE VALUE: dom_map's refusals (not page-aligned, outside the image
 * area, mapped already, bad flags, a call cap, the self cap, a bad slot,
 * a dead domain); a page it maps is zeroed, writable only with
 * DOM_MAP_WRITE: a write to a read-only one kills the domain (one line). */
static void part_map(void)
{
	uint32_t va = 0x60000000u + (arg(0, 0) % 1024) * PAGE, value = arg(1, 1);

	baseline_take();
	int d = create("faultsrv");
	int call_cap = cap_grant(d, HOME_SLOT, CAP_RIGHT_CALL, 0);
	if (call_cap < 0)
		fail("cap_grant", call_cap);
	expect("dom_map of an address that is not page-aligned", dom_map(d, va + 16, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map below USER_BASE", dom_map(d, USER_BASE - PAGE, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map in the domain's stacks", dom_map(d, USER_TOP - PAGE, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map at USER_TOP", dom_map(d, USER_TOP, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map of the domain's image", dom_map(d, USER_BASE, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map with flags 2", dom_map(d, va, 2), -E_INVAL);
	expect("dom_map with flags 0x80000000", dom_map(d, va, (int)0x80000000u), -E_INVAL);
	expect("dom_map through a call cap", dom_map(call_cap, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through the self cap", dom_map(HOME_SLOT, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through slot -1", dom_map(-1, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map through slot NCAP", dom_map(NCAP, va, DOM_MAP_WRITE), -E_BADCAP);
	expect("dom_map", dom_map(d, va, DOM_MAP_WRITE), 0);
	expect("dom_map of a page mapped already", dom_map(d, va, DOM_MAP_WRITE), -E_INVAL);
	expect("dom_map read-only", dom_map(d, va + PAGE, 0), 0);
	expect_u("a mapped page is zeroed", (uint32_t)dom_r0(call(d, FSRV_READ, va + 4 * (value % 1024), 0, 0)), 0);
	expect_u("a write to the writable page, read back", (uint32_t)dom_r0(call(d, FSRV_WRITE, va + 8, value, 0)),
		 value);
	expect_u("the read-only page reads", (uint32_t)dom_r0(call(d, FSRV_READ, va + PAGE, 0, 0)), 0);
	expect("a write to the read-only page", dom_r0(call(d, FSRV_WRITE, va + PAGE + 4, value, 0)), -E_DEAD);
	expect("dom_map into a dead domain", dom_map(d, va + 2 * PAGE, DOM_MAP_WRITE), -E_DEAD);
	expect("cap_delete", cap_delete(call_cap), 0);
	forget(d);
	printf("faulttests: map: %08x\n", va);
	baseline_check();
}

static const struct test_part parts[] = {
	{ "regs", part_regs },
	{ "garbage", part_garbage },
	{ "mask", part_mask },
	{ "pass", part_pass },
	{ "escalate", part_escalate },
	{ "nested", part_nested },
	{ "loop", part_loop },
	{ "destroyed", part_destroyed },
	{ "xstack", part_xstack },
	{ "depth", part_depth },
	{ "nohandler", part_nohandler },
	{ "selfheal", part_selfheal },
	{ "refuse", part_refuse },
	{ "map", part_map },
};

int main(int argc, char **argv)
{
	return test_driver_main(argc, argv, parts, sizeof parts / sizeof parts[0]);
}
