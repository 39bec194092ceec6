// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_stats.c - reading the per-CPU counters: the totals behind
 * ndo_get_stats64 (`ip -s link`) and `ethtool -S`.
 *
 * Writers (vnet_count() in xmit and NAPI) touch only their own CPU's slot with
 * BH disabled; readers take a consistent snapshot of each slot under its
 * u64_stats_sync, which costs nothing on 64-bit and keeps 32-bit hosts from
 * reading torn values.
 */
#include <linux/netdevice.h>

#include "vnet_drv.h"

/* @sum: VNET_NR_COUNTERS totals over all CPUs. */
void vnet_stats_fold(struct vnet_priv *priv, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, VNET_NR_COUNTERS * sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct vnet_pcpu_stats *s = per_cpu_ptr(priv->stats, cpu);
		u64 snap[VNET_NR_COUNTERS];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < VNET_NR_COUNTERS; i++)
				snap[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (i = 0; i < VNET_NR_COUNTERS; i++)
			sum[i] += snap[i];
	}
}

/*
 * The host's view of the link: what it sent into it, what came back, and
 * what the link lost. What the far end did with each frame (answered,
 * consumed, dropped by XDP) is the far end's business: `ethtool -S`.
 */
void vnet_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *tot)
{
	u64 sum[VNET_NR_COUNTERS];

	vnet_stats_fold(netdev_priv(dev), sum);
	tot->tx_packets = sum[VNET_TX_PACKETS];
	tot->tx_bytes = sum[VNET_TX_BYTES];
	tot->tx_dropped = sum[VNET_LINK_DROPS] + sum[VNET_LINK_FLUSHED] + sum[VNET_DELAY_DROPS];
	tot->tx_errors = sum[VNET_LINK_ERRORS];
	tot->rx_packets = sum[VNET_RX_PACKETS];
	tot->rx_bytes = sum[VNET_RX_BYTES];
}
