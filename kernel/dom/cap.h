/*
 * cap.h - capabilities (lab 6): a domain's table of what it may name.
 *
 * A capability is a typed, generation-checked reference to an object (in
 * lab 6 a domain) with rights and a badge. Capabilities made by cap_grant
 * hang in one derivation tree that spans every domain's table: each has a
 * parent (the cap it was granted from) and children (the caps granted from
 * it), so revoking a cap finds every copy of it and every copy of a copy,
 * wherever they are, without searching any table.
 *
 * Invariants:
 *   - an empty slot has type CAP_EMPTY and no links;
 *   - a child's rights are a subset of its parent's, and its badge is its
 *     parent's unless the parent had none;
 *   - a cap works only while gen is its object's generation (dom.h): a
 *     stale cap answers -E_DEAD, never reaches whatever reuses the slot.
 */
#ifndef DOM_CAP_H
#define DOM_CAP_H

#include <stdint.h>
#include "abi.h"

struct domain;

struct cap {
	uint8_t type;                 /* CAP_xxx (abi.h) */
	uint8_t rights;               /* CAP_RIGHT_xxx */
	uint16_t first, last;         /* the lines or ports it covers (lab 8; cap_info's) */
	uint32_t badge;               /* what a callee receives; 0: none */
	struct domain *dom;           /* the object: a domain (CAP_CALL, CAP_MANAGE); an IRQ
				       * line's owner (CAP_IRQ); the domain an IRQ-control or
				       * I/O-port cap came from (init's home) */
	uint32_t gen;                 /* the object's generation when this cap was made */
	struct cap *parent;           /* granted from; 0 for a root */
	struct cap *child;            /* the first cap granted from this one */
	struct cap *next, *prev;      /* siblings: the other children of parent */
};

/* Type sets for cap_lookup: bit (1 << CAP_xxx). No set holds CAP_EMPTY's
 * bit, so the one type test also refuses an empty slot. */
#define CAP_TYPE_BIT(t)     (1u << (t))
#define CAP_TYPES_DOMAIN    (CAP_TYPE_BIT(CAP_CALL) | CAP_TYPE_BIT(CAP_MANAGE))
#define CAP_TYPES_ANY       (~CAP_TYPE_BIT(CAP_EMPTY))
#define CAP_TYPES_RANGE     (CAP_TYPE_BIT(CAP_IRQ_CONTROL) | CAP_TYPE_BIT(CAP_IOPORT))
_Static_assert(!((CAP_TYPES_DOMAIN | CAP_TYPES_RANGE) & CAP_TYPE_BIT(CAP_EMPTY)),
	       "a type set must not hold CAP_EMPTY: cap_lookup's type test refuses empty slots");

/* Whether type (a CAP_xxx, below 32) is in the set types: its bit, tested
 * where it lies (one bt). */
static inline int cap_type_in(uint32_t types, unsigned int type)
{
	return (types >> type) & 1;
}

/* cap_lookup(d, slot, types, rights, &out), which every capability call
 * starts with, is in dom.h: it needs struct domain, and the call gate's
 * code takes it in from there. */
/* The same without the liveness check: for revoke, delete and cap_info,
 * which work on stale caps too (cleaning them up is why one revokes). */
int cap_lookup_any(struct domain *d, int slot, struct cap **out);
/* Copy d's cap src into the domain that d's cap `to` names (which needs
 * CAP_RIGHT_GIVE), with rights narrowed to rights and badge set if src has
 * none; the slot there, or -E_xxx. */
int cap_grant(struct domain *d, int src, int to, uint32_t rights, uint32_t badge);
/* Remove every cap derived from d's cap in slot, in every domain; the cap
 * itself stays. 0 or -E_BADCAP. */
int cap_revoke(struct domain *d, int slot);
/* Revoke, and empty the slot itself; slot 0 cannot be deleted (-E_PERM). */
int cap_delete(struct domain *d, int slot);

/* A copy of d's IRQ-control or I/O-port cap in slot, narrowed to the
 * lines or ports first..last (within its own: else -E_PERM; first above
 * last is -E_INVAL), in d's first empty slot: the slot, or -E_xxx. Needs
 * CAP_RIGHT_GRANT; the copy is derived, so revoking the source removes
 * it. */
int cap_narrow(struct domain *d, int slot, uint32_t first, uint32_t last);

/*
 * The hook cap_remove calls for a root CAP_IRQ cap (the one irq_get made)
 * before it goes: the IRQ layer (kernel/irq/, above this one) gives the
 * line back. A domain's death removes its caps, so it frees its lines
 * through here too. Interrupts off. 0 until the IRQ layer sets it.
 */
extern void (*cap_release_hook)(struct cap *c);

/* Given: put a root cap (no parent) into d's first empty slot at or
 * above first; the slot, or -E_NOSLOT. */
int cap_install(struct domain *d, int first, int type, uint32_t rights, struct domain *object);
/* Given: make d's slot a root cap covering first..last (lab 8's types). */
void cap_set_range(struct domain *d, int slot, uint32_t first, uint32_t last);
/* Given: a derived copy of parent in the empty slot c (fork's copies). */
void cap_derive(struct cap *c, struct cap *parent, uint32_t rights, uint32_t badge);
/* Given: delete the cap c is, with everything derived from it. */
void cap_remove(struct cap *c);
/* Given: slot of d described for cap_info. */
void cap_describe(struct domain *d, int slot, struct cap_info *info);

#endif
