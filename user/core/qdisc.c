// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * qdisc.c - tc mode and the fq qdisc for delay= (qdisc.h).
 */
#include <errno.h>
#include <string.h>

#include "core/qdisc.h"
#include "lib/log.h"
#include "lib/netlink.h"

bool delay_wanted(const struct prefix_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i].attr.flags & VNET_ATTR_DELAY)
			return true;
	return false;
}

int delay_mode_check(const char *ifname, enum vnet_mode mode, const struct prefix_list *l)
{
	if (mode_can_delay(mode) || mode == VNET_MODE_AUTO || !delay_wanted(l))
		return 0;
	log_err("%s: delay= needs --mode tc: %s", ifname,
		mode == VNET_MODE_LOOPBACK ?
		"loopback replies go to the receive path, where no qdisc can hold them" :
		"XDP cannot hold a reply back (tc stamps it with a departure time fq honours)");
	return -EINVAL;
}

int qdisc_fq_ensure(const char *ifname, int ifindex, bool *made)
{
	struct nl_batch b = NL_BATCH_INIT;
	struct nl_qdisc q;
	int err;

	*made = false;
	err = nl_root_qdisc(ifindex, &q);
	if (err) {
		log_err_sys(err, "%s: cannot read the root qdisc", ifname);
		return err;
	}
	/* Ours, or the administrator's: either honours the departure times. */
	if (!strcmp(q.kind, "fq"))
		return 0;
	if (q.handle) {
		log_err("%s: delay= needs the fq qdisc at the root, which holds each reply until its departure time; the root is %s %x: (not the kernel's default: vnetctl leaves it alone)",
			ifname, q.kind, q.handle >> 16);
		return -EBUSY;
	}
	nlb_fq_add(&b, ifindex, VNET_FQ_HANDLE, VNET_FQ_LIMIT, VNET_FQ_LIMIT);
	err = nlb_send(&b) ?: b.err[0];
	if (err == -ENOENT) {
		log_err("%s: delay= needs the fq qdisc (sch_fq), which this kernel does not have (CONFIG_NET_SCH_FQ; modprobe sch_fq)",
			ifname);
		return err;
	}
	if (err == -EEXIST) {
		log_err("%s: delay=: a root qdisc appeared meanwhile; nothing changed", ifname);
		return err;
	}
	if (err) {
		log_err_sys(err, "%s: cannot put the fq qdisc delay= needs at the root", ifname);
		return err;
	}
	log_note("%s: fq qdisc %x: at the root for delay= (replaced the default %s; detach removes it)",
		 ifname, VNET_FQ_HANDLE >> 16, q.kind[0] ? q.kind : "qdisc");
	*made = true;
	return 0;
}

int delay_prepare(const char *ifname, const struct vnet_att *att, const struct prefix_list *args)
{
	bool made;

	if (!delay_wanted(args))
		return 0;
	if (!mode_can_delay(att->mode)) {
		log_err("%s: delay= needs tc mode; vnet is attached in %s mode (attach --force --mode tc)",
			ifname, mode_name(att->mode));
		return -EINVAL;
	}
	return qdisc_fq_ensure(ifname, att->ifindex, &made);
}

int qdisc_fq_release(int ifindex)
{
	struct nl_batch b = NL_BATCH_INIT;
	struct nl_qdisc q;
	int err;

	err = nl_root_qdisc(ifindex, &q);
	if (err)
		return err;
	if (strcmp(q.kind, "fq") || q.handle != VNET_FQ_HANDLE)
		return 0;
	/* The kernel deletes it only while the root is still at our handle. */
	nlb_root_del(&b, ifindex, VNET_FQ_HANDLE, "fq");
	err = nlb_send(&b) ?: b.err[0];
	if (err == -ENOENT || err == -EINVAL)
		return 0;	/* gone, or replaced meanwhile: not ours any more */
	return err ? err : 1;
}

void qdisc_fq_reconcile(const char *ifname, int ifindex, const struct vnet_found *found)
{
	struct nl_qdisc q;
	int err;

	for (unsigned int i = 0; i < found->n; i++)
		if (mode_can_delay(found->att[i].mode))
			return;
	/* Quiet unless there is one of ours: this looks at every interface. */
	if (nl_root_qdisc(ifindex, &q) || strcmp(q.kind, "fq") || q.handle != VNET_FQ_HANDLE)
		return;
	err = qdisc_fq_release(ifindex);
	if (err < 0)
		log_warn("%s: cannot delete the fq qdisc %x: vnetctl left: %s", ifname,
			 VNET_FQ_HANDLE >> 16, strerror(-err));
	else if (err)
		log_warn("%s: repaired: deleted the fq qdisc %x: that an interrupted attach or detach left without a vnet tc filter",
			 ifname, VNET_FQ_HANDLE >> 16);
}
