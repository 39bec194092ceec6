/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tries.h - a running (or about to run) program's --respond prefixes: the
 * two LPM tries vnet_prefix4/vnet_prefix6 and the count in vnet_state
 * that switches the filter, ARP and ND on.
 *
 * The one rule every change follows (bpf/vnet.shared.h): the count, the switch
 * that turns filtering on, is never 0 while the tries hold a prefix. It is
 * set before the first prefix goes in and cleared only after the last one
 * is gone, so at every instant, even after a kill -9 between two map
 * updates, the program answers inside exactly the prefixes the tries hold
 * (what `respond list` shows), never outside them. Changes are serialised
 * between vnetctl processes by lock.h; every command first repairs what
 * an interrupted one left (tries_check()), and every change ends with the
 * count equal to what the tries hold.
 */
#ifndef VNET_TRIES_H
#define VNET_TRIES_H

#include <stdbool.h>

#include "core/prefix.h"

struct vnet_tries {
	int prefix4_fd;		/* -1 if the program has none */
	int prefix6_fd;
	int state_fd;
	int claims_fd;		/* vnet_claims (stepping aside); -1 if none */
};

#define VNET_TRIES_NONE ((struct vnet_tries){ -1, -1, -1, -1 })

/* Whether the program has all three maps. */
bool tries_present(const struct vnet_tries *t);
void tries_close(struct vnet_tries *t);

/* Every prefix in both tries, sorted. 0 or -errno. */
int tries_read(const struct vnet_tries *t, struct prefix_list *out);
/* vnet_state.nr_prefixes. 0 or -errno. */
int tries_get_count(const struct vnet_tries *t, __u32 *count);

/*
 * Inserts every prefix of @add that is not there yet, then raises the
 * count. @have is what the tries hold now (from tries_read()). Fails with
 * -ENOSPC before changing anything if a family would exceed
 * VNET_MAX_PREFIXES (*@full_family says which). 0 or -errno.
 */
int tries_add(const struct vnet_tries *t, const struct prefix_list *have,
	      const struct prefix_list *add, int *full_family);

/*
 * Lowers the count to what will remain, then deletes every prefix of @del
 * (all of which must be in @have). 0 or -errno.
 */
int tries_del(const struct vnet_tries *t, const struct prefix_list *have,
	      const struct prefix_list *del);

/*
 * Sets the count from the tries' contents, raising it only after reading
 * them: the last step of every change, and the repair after a failed one.
 * 0 or -errno.
 */
int tries_sync_count(const struct vnet_tries *t);

/*
 * The repair before a command's own work: if the count disagrees with
 * what the tries hold (a vnetctl killed between two updates), set it from
 * them. Returns 1 if repaired (*@was: the count found, *@n: the prefixes),
 * 0 if consistent, or -errno.
 */
int tries_check(const struct vnet_tries *t, __u32 *was, __u32 *n);

/* One claim of an address of the prefixes by another MAC (bpf/subnet.h). */
struct tries_claim {
	int family;
	__u8 addr[16];
	__u8 mac[6];
	__u64 age_ms;		/* since it was last seen */
};

/*
 * The claims no older than @max_age_s seconds (the program's claim_age),
 * youngest first, into *@out (malloc'd, *@n of them; free() it). 0 or
 * -errno; none (0) without the map.
 */
int tries_read_claims(const struct vnet_tries *t, __u32 max_age_s, struct tries_claim **out,
		      size_t *n);

#endif /* VNET_TRIES_H */
