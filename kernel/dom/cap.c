/*
 * cap.c - capability tables: lookup, grant, revoke and delete (cap.h).
 *
 * The derivation tree is kept with four links per cap (parent, first child,
 * next and previous sibling), so granting is O(1), and revoking walks the
 * subtree once, iteratively: no recursion on the kernel stack, however
 * deep a chain of copies of copies is, and time bounded by the number of
 * caps removed (at most NDOM * NCAP).
 */
#include "dom/cap.h"
#include "dom/dom.h"
#include "string.h"
#include "lab.h"

/* The type a copy with rights has: a management cap stays one only if the
 * copy keeps the right to manage. */
static LAB_GIVEN uint8_t cap_copy_type(const struct cap *src, uint32_t rights)
{
	if (src->type == CAP_MANAGE && !(rights & CAP_RIGHT_MANAGE))
		return CAP_CALL;
	return src->type;
}

/* The first empty slot of d at or above first, or -1. */
static int cap_free_slot(const struct domain *d, int first)
{
	for (int slot = first; slot < NCAP; slot++)
		if (d->caps[slot].type == CAP_EMPTY)
			return slot;
	return -1;
}

int cap_lookup_any(struct domain *d, int slot, struct cap **out)
{
	if ((uint32_t)slot >= NCAP || d->caps[slot].type == CAP_EMPTY)
		return -E_BADCAP;
	*out = &d->caps[slot];
	return 0;
}

void cap_derive(struct cap *c, struct cap *parent, uint32_t rights, uint32_t badge)
{
	c->type = cap_copy_type(parent, rights);
	c->rights = (uint8_t)rights;
	c->badge = parent->badge ? parent->badge : badge;
	c->first = parent->first;
	c->last = parent->last;
	c->dom = parent->dom;
	c->gen = parent->gen;
	c->parent = parent;
	c->child = 0;
	c->prev = 0;
	c->next = parent->child;        /* first of parent's children */
	if (parent->child)
		parent->child->prev = c;
	parent->child = c;
}

/* Take c, which has no children, out of its parent's list and empty it. */
#if LAB_SOLUTION(6)
static void cap_clear(struct cap *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->parent)
		c->parent->child = c->next;
	if (c->next)
		c->next->prev = c->prev;
	memset(c, 0, sizeof(*c));
}
#else
static void cap_clear(struct cap *c)
{
	/* Silent for a cap in no tree (every process's self cap, before lab
	 * 6), so that exits in labs 1-5 print nothing. */
	if (c->parent || c->child || c->next || c->prev)
		LAB_STUB_ONCE(printf("cap_clear: not implemented (lab 6)\n"));
}
#endif

/* Remove every descendant of root, leaves first: go down first children
 * until a leaf, clear it, go on from its parent. Each cap is gone down to
 * once and cleared once, so the walk is linear in the caps removed. */
#if LAB_SOLUTION(6)
static void cap_revoke_tree(struct cap *root)
{
	struct cap *c = root;

	for (;;) {
		if (c->child) {
			c = c->child;
		} else if (c == root) {
			return;
		} else {
			struct cap *parent = c->parent;
			cap_clear(c);
			c = parent;
		}
	}
}
#else
static void cap_revoke_tree(struct cap *root)
{
	if (root->child)        /* silent when there is nothing to revoke */
		LAB_STUB_ONCE(printf("cap_revoke_tree: not implemented (lab 6)\n"));
}
#endif

/* Copy src into the domain `to` names (cap.h). Rights only narrow: asking
 * for one src lacks is -E_PERM. A badge is set only on an unbadged cap:
 * asking to change one is -E_PERM (0 keeps it). */
#if LAB_SOLUTION(6)
int cap_grant(struct domain *d, int src, int to, uint32_t rights, uint32_t badge)
{
	struct cap *from, *dest;
	int err = cap_lookup(d, src, CAP_TYPES_ANY, CAP_RIGHT_GRANT, &from);

	if (err == 0)
		err = cap_lookup(d, to, CAP_TYPES_DOMAIN, CAP_RIGHT_GIVE, &dest);
	if (err < 0)
		return err;
	if ((rights & ~(uint32_t)from->rights) || (badge && from->badge && badge != from->badge))
		return -E_PERM;
	int slot = cap_free_slot(dest->dom, 1);
	if (slot < 0)
		return -E_NOSLOT;
	cap_derive(&dest->dom->caps[slot], from, rights, badge);
	return slot;
}
#else
int cap_grant(struct domain *d, int src, int to, uint32_t rights, uint32_t badge)
{
	LAB_STUB_ONCE(printf("cap_grant: not implemented (lab 6)\n"));
	return -E_NOSYS;
}
#endif

int cap_revoke(struct domain *d, int slot)
{
	struct cap *c;
	int err = cap_lookup_any(d, slot, &c);

	if (err == 0)
		cap_revoke_tree(c);
	return err;
}

void (*cap_release_hook)(struct cap *c);

void cap_remove(struct cap *c)
{
	if (c->type == CAP_IRQ && !c->parent && cap_release_hook)
		cap_release_hook(c);
	cap_revoke_tree(c);
	cap_clear(c);
}

int cap_delete(struct domain *d, int slot)
{
	struct cap *c;
	int err = cap_lookup_any(d, slot, &c);

	if (err < 0)
		return err;
	if (slot == 0)
		return -E_PERM;         /* the self cap lives as long as the domain */
	cap_remove(c);
	return 0;
}

int cap_install(struct domain *d, int first, int type, uint32_t rights, struct domain *object)
{
	int slot = cap_free_slot(d, first);

	if (slot < 0)
		return -E_NOSLOT;
	struct cap *c = &d->caps[slot];
	memset(c, 0, sizeof(*c));
	c->type = (uint8_t)type;
	c->rights = (uint8_t)rights;
	c->dom = object;
	c->gen = object->gen;
	return slot;
}

void cap_set_range(struct domain *d, int slot, uint32_t first, uint32_t last)
{
	d->caps[slot].first = (uint16_t)first;
	d->caps[slot].last = (uint16_t)last;
}

int cap_narrow(struct domain *d, int slot, uint32_t first, uint32_t last)
{
	struct cap *from;

	if (first > last)
		return -E_INVAL;        /* before any cap: lab 4's test of the last call */
	int err = cap_lookup(d, slot, CAP_TYPES_RANGE, CAP_RIGHT_GRANT, &from);
	if (err < 0)
		return err;
	if (first < from->first || last > from->last)
		return -E_PERM;         /* a copy only narrows */
	int to = cap_free_slot(d, 1);
	if (to < 0)
		return -E_NOSLOT;
	cap_derive(&d->caps[to], from, from->rights, 0);
	cap_set_range(d, to, first, last);
	return to;
}

void cap_describe(struct domain *d, int slot, struct cap_info *info)
{
	const struct cap *c = &d->caps[slot];

	memset(info, 0, sizeof(*info));
	info->type = c->type;
	if (c->type == CAP_EMPTY)
		return;
	info->rights = c->rights;
	info->badge = c->badge;
	info->object = dom_id(c->dom);
	info->generation = c->gen;
	info->live = cap_live(c);
	info->derived = c->parent != 0;
	info->first = c->first;
	info->last = c->last;
	strlcpy(info->name, c->dom->name, sizeof(info->name));
}
