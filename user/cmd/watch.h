/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * watch.h - `vnetctl stats --watch`: the counters' rates, redrawn.
 */
#ifndef VNET_WATCH_H
#define VNET_WATCH_H

#include <stdbool.h>

#include "core/find.h"

/* Every @interval seconds, @count times (0: until interrupted). The exit code. */
int stats_watch(const char *ifname, const struct vnet_att *att, double interval,
		long count, bool json);

#endif /* VNET_WATCH_H */
