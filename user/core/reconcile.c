// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * reconcile.c - bring the kernel's state back to one a completed command
 * leaves (reconcile.h). Every change vnetctl makes is ordered so that a
 * death at any instant leaves either the old or the new complete state, or
 * one of the few states below, which this recognises from the kernel alone
 * (nothing is recorded anywhere else) and completes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include <bpf/bpf.h>

#include "core/find.h"
#include "core/hook.h"
#include "core/lock.h"
#include "core/pin.h"
#include "core/qdisc.h"
#include "core/reconcile.h"
#include "core/tries.h"
#include "lib/log.h"

/* An attach --force cut short: keep the newest program, as that attach would have. */
static void reconcile_extra_atts(const char *ifname, struct vnet_found *found)
{
	const struct vnet_att *keep = &found->att[0];
	bool released, any_clsact_left;
	int err;

	for (unsigned int i = 1; i < found->n; i++)
		if (found->att[i].prog_id > keep->prog_id)
			keep = &found->att[i];
	any_clsact_left = !mode_is_xdp(keep->mode) && keep->via == VNET_VIA_DIRECT;
	for (unsigned int i = 0; i < found->n; i++) {
		const struct vnet_att *att = &found->att[i];

		if (att == keep)
			continue;
		err = hook_att_remove_release(att, !any_clsact_left, &released);
		if (err)
			log_warn("%s: cannot remove %s (%s mode, prog id %u) left by an interrupted attach: %s",
				 ifname, att->prog_name, mode_name(att->mode), att->prog_id,
				 strerror(-err));
		else
			log_warn("%s: repaired: removed %s (%s mode, prog id %u) left by an interrupted attach --force; %s mode (prog id %u) stays",
				 ifname, att->prog_name, mode_name(att->mode), att->prog_id,
				 mode_name(keep->mode), keep->prog_id);
	}
}

static int reconcile_map_in_use(__u32 map_id);

/*
 * An attached program whose pin a death took away (detach unpins first,
 * attach pins last) is pinned again, where bpffs is mounted already and
 * nothing in use is pinned under its name.
 */
static void reconcile_att_pin(const char *ifname, const struct vnet_att *att)
{
	__u32 pinned;
	int err;

	if (pin_stats_get_id(ifname, &pinned) || pinned == att->map_id)
		return;
	/*
	 * A map pinned here and still in use may be a replaced program's on
	 * its way out: the kernel frees a removed tc filter's program only
	 * after an RCU grace period. Wait that out (bounded), then leave a
	 * pin someone else's attachment uses.
	 */
	for (int i = 0; pinned && i < 20 && reconcile_map_in_use(pinned) == 1; i++)
		usleep(5000);
	if (pinned && reconcile_map_in_use(pinned) != 0)
		return;
	err = pin_stats_map(ifname, att->map_fd);
	if (!err)
		log_warn("%s: repaired: pinned the stats map %u at %s/%s/%s (an interrupted attach or detach left it unpinned)",
			 ifname, att->map_id, VNET_PIN_ROOT, ifname, VNET_STATS_MAP);
}

static void reconcile_iface(const char *ifname, int ifindex)
{
	struct vnet_found found;
	__u32 was, n;
	int err;

	err = vnet_find(ifindex, &found);
	if (!err)
		qdisc_fq_reconcile(ifname, ifindex, &found);
	if (err || !found.n)
		goto out;
	if (found.n > 1) {
		reconcile_extra_atts(ifname, &found);
		vnet_found_release(&found);
		if (vnet_find(ifindex, &found))
			goto out;
	}
	for (unsigned int i = 0; i < found.n; i++) {
		reconcile_att_pin(ifname, &found.att[i]);
		if (!tries_present(&found.att[i].tries))
			continue;
		err = tries_check(&found.att[i].tries, &was, &n);
		if (err < 0)
			log_warn("%s: cannot check the prefix count: %s", ifname, strerror(-err));
		else if (err)
			log_warn("%s: repaired: the prefix count said %u, the prefix maps hold %u (an interrupted respond or attach)",
				 ifname, was, n);
	}
out:
	vnet_found_release(&found);
}

/* Whether some loaded program uses map @map_id. 1, 0 or -errno. */
static int reconcile_map_in_use(__u32 map_id)
{
	__u32 id = 0, guard = 0;
	int err;

	/* Bounded: program ids only grow, and each is visited once. */
	while (!(err = bpf_prog_get_next_id(id, &id)) && ++guard < 1000000) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info), ids[64], nr;
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.nr_map_ids) {
			close(fd);
			continue;
		}
		nr = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = nr;
		info.map_ids = (__u64)(unsigned long)ids;
		len = sizeof(info);
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err)
			continue;
		for (__u32 i = 0; i < nr; i++)
			if (ids[i] == map_id)
				return 1;
	}
	return err == -ENOENT ? 0 : err;
}

static int reconcile_pin(const char *ifname, __u32 map_id, void *ctx)
{
	int err;

	(void)ctx;
	/* A pin keeps its map alive after the program is gone: that is a leftover. */
	err = reconcile_map_in_use(map_id);
	if (err < 0) {
		log_warn("cannot tell whether the pinned map %u is in use: %s", map_id,
			 strerror(-err));
		return 0;
	}
	if (err)
		return 0;
	err = unpin_stats_map(ifname, map_id);
	if (err)
		log_warn("%s: cannot remove the stale pin %s/%s: %s", ifname, VNET_PIN_ROOT,
			 ifname, strerror(-err));
	else
		log_warn("%s: repaired: removed the pin %s/%s/%s of map %u, which no program uses any more (an interrupted detach, or a deleted device)",
			 ifname, VNET_PIN_ROOT, ifname, VNET_STATS_MAP, map_id);
	return 0;
}

void reconcile_all(const char *ifname)
{
	struct if_nameindex *ifs;
	unsigned int ifindex;

	if (ifname) {
		ifindex = if_nametoindex(ifname);
		if (ifindex)
			reconcile_iface(ifname, (int)ifindex);
	} else {
		ifs = if_nameindex();
		for (struct if_nameindex *ifn = ifs; ifs && ifn->if_index; ifn++)
			reconcile_iface(ifn->if_name, (int)ifn->if_index);
		if (ifs)
			if_freenameindex(ifs);
	}
	pin_for_each(reconcile_pin, NULL);
}

int reconcile_lock_find(const char *ifname, struct vnet_found *found)
{
	int lock = vnet_lock();

	if (lock < 0)
		return -1;
	reconcile_all(ifname);
	if (vnet_find_attached(ifname, found)) {
		vnet_unlock(lock);
		return -1;
	}
	return lock;
}
