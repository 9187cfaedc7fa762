/*
 * caps.c - list the capability table of the domain this program runs in
 * (its home domain: exec keeps the caps a process had, so `caps` run from
 * a program shows what that program held), one line per non-empty slot,
 * read with cap_info:
 *
 *     caps: domain 4 (caps), 3 of 32 slots used
 *     SLOT TYPE RIGHTS BADGE TARGET NAME LIVE ORIGIN
 *     0 call -gv- 0x0 4 caps live root
 *     1 manage cgvm 0x0 5 testsrv live root
 *     2 call c--- 0x2a 5 testsrv live derived
 *
 * Columns are separated by one space. RIGHTS has one letter per right, in
 * this order, or '-': c call, g grant, v give (put caps into the domain it
 * names), m manage (destroy it). LIVE is "dead" for a cap whose domain has
 * died (its generation moved on); ORIGIN is "derived" for a cap made by
 * cap_grant (or fork), which revoking its source removes, else "root".
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

static void print_cap(int slot, struct cap_info *info)
{
	char rights[NRIGHTS + 1];

	rights_text(info->rights, rights);
	info->name[DOM_NAME_MAX - 1] = '\0';
	printf("%d %s %s 0x%x %d %s %s %s\n", slot, type_name(info->type), rights, info->badge,
	       info->object, info->name, info->live ? "live" : "dead",
	       info->derived ? "derived" : "root");
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
	printf("SLOT TYPE RIGHTS BADGE TARGET NAME LIVE ORIGIN\n");
	for (int slot = 0; slot < NCAP; slot++)
		if (table[slot].type != CAP_EMPTY)
			print_cap(slot, &table[slot]);
	return 0;
}
