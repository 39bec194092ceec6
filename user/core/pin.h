/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pin.h - the stats map pinned at /sys/fs/bpf/vnet/IFACE/vnet_stats, for
 * bpftool and scripts. vnetctl itself never needs it: it finds everything
 * from the kernel. So pinning is best effort, and skipped without bpffs.
 */
#ifndef VNET_PIN_H
#define VNET_PIN_H

#include <linux/types.h>

#define VNET_BPFFS	"/sys/fs/bpf"
#define VNET_PIN_ROOT	VNET_BPFFS "/vnet"
#define IFNAMSIZ_MAX	16	/* IFNAMSIZ, with its terminating NUL */

/*
 * Pins @map_fd for @ifname, mounting bpffs first if it is not mounted,
 * replacing whatever pin was there. Returns 0 when pinned, 1 when there
 * is no bpffs to pin in, or -errno (the path is in the note -v shows).
 */
int pin_stats_map(const char *ifname, int map_fd);

/*
 * Removes @ifname's pin directory if its vnet_stats is the map @map_id
 * (another netns's interface of the same name may own it; 0: whatever map
 * it pins). Returns 0 or -errno; no bpffs or no pin is 0.
 */
int unpin_stats_map(const char *ifname, __u32 map_id);

/*
 * The map pinned for @ifname: 0 and *@map_id (0: no pin), -ENOENT when no
 * bpffs is mounted (nothing is mounted for asking), or -errno.
 */
int pin_stats_get_id(const char *ifname, __u32 *map_id);

/*
 * Calls @fn for every pin there is (interface name, pinned map id), as
 * long as it returns 0. No bpffs or no pins is 0; else @fn's or -errno.
 */
int pin_for_each(int (*fn)(const char *ifname, __u32 map_id, void *ctx), void *ctx);

#endif /* VNET_PIN_H */
