/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tries.h - a running (or about to run) program's --respond prefixes: the
 * two LPM tries vnet_prefix4/vnet_prefix6 and the count in vnet_state
 * that switches the filter, ARP and ND on.
 *
 * The one rule every change follows (bpf/vnet.h): the count, the switch
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

#include "prefix.h"

struct vnet_tries {
	int prefix4_fd;		/* -1 if the program has none */
	int prefix6_fd;
	int state_fd;
};

#define VNET_TRIES_NONE ((struct vnet_tries){ -1, -1, -1 })

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

#endif /* VNET_TRIES_H */
