/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tcx.h - the tcx hooks: a chain of programs at a device's ingress or
 * egress, no qdisc (Linux 6.6+), attached by BPF_PROG_ATTACH so that the
 * program stays after vnetctl exits.
 */
#ifndef VNET_TCX_H
#define VNET_TCX_H

#include <stdbool.h>
#include <linux/types.h>

#include "core/mode.h"

/*
 * tcx: whether the kernel has it (1/0), probed once by a query on the
 * loopback device's ingress.
 */
bool tcx_supported(void);
/*
 * @prog_fd first in @mode's tcx chain; with @replace_fd >= 0 in place of
 * that program, atomically (and only while it is there).
 */
int tcx_attach(int ifindex, enum vnet_mode mode, int prog_fd, int replace_fd);
/* Takes exactly @prog_fd's program off @mode's tcx chain (-ENOENT: not there). */
int tcx_detach(int ifindex, enum vnet_mode mode, int prog_fd);
/* The programs in @mode's tcx chain: up to *@cnt ids, *@cnt set to how many. */
int tcx_query(int ifindex, enum vnet_mode mode, __u32 *ids, __u32 *cnt);

#endif /* VNET_TCX_H */
