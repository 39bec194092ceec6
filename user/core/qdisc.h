/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * qdisc.h - what delay= needs of an interface (bpf/delay.h): tc mode, and
 * the fq qdisc at the root, which holds each stamped reply until its
 * departure time. vnetctl puts fq there itself where the root is the
 * kernel's default, at handle 7e7: (VNET_FQ_HANDLE), and that handle is
 * its only record of having done so: detach, and the repair of an
 * interrupted attach (reconcile.c), delete a root fq at 7e7: and nothing
 * else. An fq the administrator put there is used as it is.
 */
#ifndef VNET_QDISC_H
#define VNET_QDISC_H

#include <stdbool.h>

#include "core/find.h"
#include "core/mode.h"
#include "core/prefix.h"
#include "lib/util.h"

#define VNET_FQ_HANDLE		(VNET_TC_HANDLE << 16)	/* 7e7: */
/*
 * fq's limits for the fq vnetctl makes: its defaults (10,000 packets, 100
 * per flow) would drop replies at 10k requests/s and 1 s of delay, or at
 * 100 in flight in one flow without jitter. 65,536 of each: 6.5 s at 10k/s.
 */
#define VNET_FQ_LIMIT		65536

/* Whether any prefix of @l has a delay= (VNET_ATTR_DELAY). */
bool delay_wanted(const struct prefix_list *l);

/*
 * delay= in @mode on @ifname: 0, or one line on stderr and -EINVAL where
 * the mode cannot hold a reply back (XDP, loopback).
 */
int delay_mode_check(const char *ifname, enum vnet_mode mode, const struct prefix_list *l);

/*
 * An fq qdisc at @ifindex's root: there already (0), or made at
 * VNET_FQ_HANDLE where the root is a default qdisc (0, *@made set). Else
 * one line on stderr (the kernel has no sch_fq; another root qdisc is
 * there) and -errno.
 */
int qdisc_fq_ensure(const char *ifname, int ifindex, bool *made);

/* Delete the root fq at VNET_FQ_HANDLE: 1 deleted, 0 none of ours, -errno. */
int qdisc_fq_release(int ifindex);

/*
 * respond add of @args to the attachment @att: refused (one line, -EINVAL)
 * where @att's mode cannot delay; in tc mode, qdisc_fq_ensure().
 */
int delay_prepare(const char *ifname, const struct vnet_att *att, const struct prefix_list *args);

/*
 * reconcile.c: an fq of ours on an interface without a vnet tc filter is
 * what an attach killed after making it, or a detach killed before
 * deleting it, leaves: delete it.
 */
void qdisc_fq_reconcile(const char *ifname, int ifindex, const struct vnet_found *found);

#endif /* VNET_QDISC_H */
