/*
 * caps.c - list the capability table of the domain this program runs in
 * (its home domain: exec keeps the caps a process had, so `caps` run from
 * a program shows what that program held), one line per non-empty slot,
 * read with cap_info:
 *
 *     caps: domain 4 (caps), 3 of 32 slots used
 *     SLOT TYPE RIGHTS BADGE TARGET NAME LIVE ORIGIN [RANGE]
 *     0 call -gv- 0x0 4 caps live root
 *     1 manage cgvm 0x0 5 testsrv live root
 *     2 call c--- 0x2a 5 testsrv live derived
 *
 * Columns are separated by one space. RIGHTS has one letter per right, in
 * this order, or '-': c call, g grant, v give (put caps into the domain it
 * names), m manage (destroy it). LIVE is "dead" for a cap whose domain has
 * died (its generation moved on); ORIGIN is "derived" for a cap made by
 * cap_grant (or fork), which revoking its source removes, else "root".
 * Lab 8's caps add a last column, RANGE, what cap_info's first and last
 * say they cover: "lines 0-16" for IRQ control, "line 8" for an IRQ cap
 * (its line), "ports 0x70-0x71" for I/O ports; other caps have none:
 *     30 ioport -g-- 0x0 1 init live root ports 0x0-0xffff
 *     31 irqctl -g-- 0x0 1 init live root lines 0-16
 *
 * `caps PROG...` first creates a domain from each program (dom_create), so
 * that its management cap shows in the table.
 */
#include "ulib.h"

static const char *const type_names[CAP_NUM_TYPES] = {
	[CAP_EMPTY] = "empty",
	[CAP_CALL] = "call",
	[CAP_MANAGE] = "manage",
	[CAP_IRQ_CONTROL] = "irqctl",
	[CAP_IRQ] = "irq",
	[CAP_IOPORT] = "ioport",
};

/* One letter per right, in the order of the header comment. */
static const struct {
	unsigned int right;
	char letter;
} right_letters[] = {
	{ CAP_RIGHT_CALL, 'c' },
	{ CAP_RIGHT_GRANT, 'g' },
	{ CAP_RIGHT_GIVE, 'v' },
	{ CAP_RIGHT_MANAGE, 'm' },
};
#define NRIGHTS (sizeof(right_letters) / sizeof(right_letters[0]))
#define RANGE_TEXT_MAX 32       /* " ports 0xffff-0xffff" and its NUL, with room */

static const char *type_name(int type)
{
	return type >= 0 && type < CAP_NUM_TYPES ? type_names[type] : "unknown";
}

/* rights as letters into out (NRIGHTS + 1 bytes). */
static void rights_text(unsigned int rights, char *out)
{
	for (unsigned i = 0; i < NRIGHTS; i++)
		out[i] = rights & right_letters[i].right ? right_letters[i].letter : '-';
	out[NRIGHTS] = '\0';
}

/* The RANGE column (see the top), with its space; "" for a cap with none. */
static void range_text(const struct cap_info *info, char *out, size_t size)
{
	switch (info->type) {
	case CAP_IRQ_CONTROL:
		snprintf(out, size, " lines %u-%u", info->first, info->last);
		break;
	case CAP_IRQ:
		snprintf(out, size, " line %u", info->first);
		break;
	case CAP_IOPORT:
		snprintf(out, size, " ports 0x%x-0x%x", info->first, info->last);
		break;
	default:
		out[0] = '\0';
	}
}

static void print_cap(int slot, struct cap_info *info)
{
	char rights[NRIGHTS + 1], range[RANGE_TEXT_MAX];

	rights_text(info->rights, rights);
	range_text(info, range, sizeof range);
	info->name[DOM_NAME_MAX - 1] = '\0';
	printf("%d %s %s 0x%x %d %s %s %s%s\n", slot, type_name(info->type), rights, info->badge,
	       info->object, info->name, info->live ? "live" : "dead",
	       info->derived ? "derived" : "root", range);
}

int main(int argc, char *argv[])
{
	struct cap_info table[NCAP], self;
	int used = 0;

	for (int i = 1; i < argc; i++) {
		int slot = dom_create(argv[i], 0);
		if (slot < 0)
			die("dom_create %s: %s", argv[i], strerror(slot));
		printf("caps: created %s: its management cap is in slot %d\n", argv[i], slot);
	}
	for (int slot = 0; slot < NCAP; slot++) {
		int err = cap_info(slot, &table[slot]);
		if (err < 0)
			die("cap_info %d: %s", slot, strerror(err));
		used += table[slot].type != CAP_EMPTY;
	}
	self = table[0];                /* slot 0 names the domain itself */
	self.name[DOM_NAME_MAX - 1] = '\0';
	printf("caps: domain %d (%s), %d of %d slots used\n", self.object, self.name, used, NCAP);
	printf("SLOT TYPE RIGHTS BADGE TARGET NAME LIVE ORIGIN [RANGE]\n");
	for (int slot = 0; slot < NCAP; slot++)
		if (table[slot].type != CAP_EMPTY)
			print_cap(slot, &table[slot]);
	return 0;
}
