// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_ethtool.c - ethtool -i / ethtool / ethtool -S for vnet devices.
 *
 * `ethtool -S` shows the far end path by path: how many echo requests the
 * built-in responder answered and why it consumed the rest (the same reasons,
 * in the same order, as the BPF reflector's pass_* counters), and what an
 * attached XDP program decided.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "vnet_drv.h"

/* Two totals first, for the quick look; then every counter as kept. */
enum {
	VNET_STAT_BUILTIN_REPLIES,
	VNET_STAT_CONSUMED,
	VNET_STAT_COUNTERS,
	VNET_NR_STATS = VNET_STAT_COUNTERS + VNET_NR_COUNTERS,
};

static const char vnet_stat_names[VNET_NR_STATS][ETH_GSTRING_LEN] = {
	[VNET_STAT_BUILTIN_REPLIES]		= "builtin_replies",
	[VNET_STAT_CONSUMED]			= "consumed",
#define C(counter) (VNET_STAT_COUNTERS + (counter))
	[C(VNET_TX_PACKETS)]			= "tx_packets",
	[C(VNET_TX_BYTES)]			= "tx_bytes",
	[C(VNET_RX_PACKETS)]			= "rx_packets",
	[C(VNET_RX_BYTES)]			= "rx_bytes",
	[C(VNET_LINK_DROPS)]			= "link_drops",
	[C(VNET_LINK_ERRORS)]			= "link_errors",
	[C(VNET_LINK_FLUSHED)]			= "link_flushed",
	[C(VNET_BUILTIN_ECHO4)]			= "builtin_echo4",
	[C(VNET_BUILTIN_ECHO6)]			= "builtin_echo6",
	[C(VNET_XDP_PACKETS)]			= "xdp_packets",
	[C(VNET_XDP_TX)]			= "xdp_tx",
	[C(VNET_XDP_PASS)]			= "xdp_pass",
	[C(VNET_XDP_DROP)]			= "xdp_drop",
	[C(VNET_XDP_ABORTED)]			= "xdp_aborted",
	[C(VNET_DELAYED)]			= "delayed",
	[C(VNET_DELAY_DROPS)]			= "delay_drops",
#define R(verdict) C(VNET_CONSUMED + (verdict) - 1)
	[R(VNET_RESP_NON_IP)]			= "consumed_non_ip",
	[R(VNET_RESP_VLAN_DEPTH)]		= "consumed_vlan_depth",
	[R(VNET_RESP_NOT_ECHO)]			= "consumed_not_echo",
	[R(VNET_RESP_IP_OPTIONS)]		= "consumed_ip_options",
	[R(VNET_RESP_IPV6_EXT)]			= "consumed_ipv6_ext",
	[R(VNET_RESP_FRAGMENT)]			= "consumed_fragment",
	[R(VNET_RESP_TRUNCATED)]		= "consumed_truncated",
	[R(VNET_RESP_MALFORMED)]		= "consumed_malformed",
	[R(VNET_RESP_MCAST_DST)]		= "consumed_mcast_dst",
	[R(VNET_RESP_BAD_SRC)]			= "consumed_bad_src",
	[R(VNET_RESP_OTHER_HOST)]		= "consumed_other_host",
	[R(VNET_RESP_TTL_ZERO)]			= "consumed_ttl_zero",
#undef R
#undef C
};

static void vnet_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VNET_DRV_NAME, sizeof(info->driver));
}

/* A link with nothing in the way: report it like veth does. */
static int vnet_get_link_ksettings(struct net_device *dev,
				   struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = SPEED_10000;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static int vnet_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return VNET_NR_STATS;
	default:
		return -EOPNOTSUPP;
	}
}

static void vnet_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, vnet_stat_names, sizeof(vnet_stat_names));
}

static void vnet_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *stats,
				   u64 *data)
{
	u64 *c = data + VNET_STAT_COUNTERS;
	int i;

	vnet_stats_fold(netdev_priv(dev), c);
	data[VNET_STAT_BUILTIN_REPLIES] = c[VNET_BUILTIN_ECHO4] + c[VNET_BUILTIN_ECHO6];
	data[VNET_STAT_CONSUMED] = 0;
	for (i = VNET_CONSUMED; i < VNET_NR_COUNTERS; i++)
		data[VNET_STAT_CONSUMED] += c[i];
}

const struct ethtool_ops vnet_ethtool_ops = {
	.get_drvinfo		= vnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= vnet_get_link_ksettings,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_sset_count		= vnet_get_sset_count,
	.get_strings		= vnet_get_strings,
	.get_ethtool_stats	= vnet_get_ethtool_stats,
};
