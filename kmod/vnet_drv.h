/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vnet_drv.h - the vnet driver's private header: its state, its counters and
 * what each of its files offers the others. (bpf/vnet.shared.h is another thing:
 * the layout the BPF program and vnetctl share; nothing here includes it.)
 *
 * vnet0 is the visible end of a virtual Ethernet link whose far end lives in
 * this driver. Frames the host transmits enter a per-CPU backlog (the link,
 * vnet_link.c); a per-CPU NAPI context drains it (vnet_rx.c) and plays the
 * far end on each frame: the attached XDP program (vnet_xdp.c) returns its
 * verdict, the built-in echo responder (vnet_respond.c) returns the reply or
 * nothing, and the poll alone hands what comes back to vnet0's receive path.
 *
 *   ndo_start_xmit --> backlog[cpu] --> vnet_poll --> vnet_xdp_run():  verdict
 *                                          |      --> vnet_respond(): reply / NULL
 *                                          |      --> vnet_delay_hold(): now / held
 *                      napi_gro_receive <--+ (XDP_TX frames and replies, and
 *                                              held ones once vnet_delay_due())
 *
 * Calls go one way: vnet_main.c's device ops -> vnet_link.c (and vnet_xdp.c
 * for ndo_bpf); vnet_link.c registers vnet_rx.c's poll; the poll -> the two
 * steps, which return to it and never call back. Everyone counts with
 * vnet_count() below; vnet_stats.c and vnet_ethtool.c read the counters.
 */
#ifndef VNET_DRV_H
#define VNET_DRV_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/rbtree.h>
#include <linux/u64_stats_sync.h>
#include <net/xdp.h>

#define VNET_DRV_NAME		"vnet"

/* Frames waiting on one CPU's side of the link; more are dropped. */
#define VNET_BACKLOG_LEN	256

/*
 * The XDP program sees a private linear copy of each frame in one page, with
 * the standard headroom for bpf_xdp_adjust_head() and the tail room build_skb()
 * needs for skb_shared_info. That caps the frame, and so the MTU, while a
 * program is attached: two VLAN tags' worth is kept so that a QinQ frame at
 * full MTU still fits.
 */
#define VNET_XDP_HEADROOM	(XDP_PACKET_HEADROOM + NET_IP_ALIGN)
#define VNET_XDP_MAX_FRAME	(PAGE_SIZE - VNET_XDP_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define VNET_XDP_MAX_MTU	(VNET_XDP_MAX_FRAME - ETH_HLEN - 2 * VLAN_HLEN)

/*
 * What the built-in responder decided about a frame: answered, or consumed
 * for exactly one reason. The reasons and their order are those of the BPF
 * reflector's pass_* counters (VNET_STATS_FIELDS in bpf/vnet.shared.h), so
 * `ethtool -S` and `vnetctl stats` can be read side by side, less three:
 * pass_disabled, pass_filtered and pass_rate_limited come from vnetctl's
 * settings, which the responder lacks (tests/61-kmod-build.t checks).
 */
enum vnet_resp_verdict {
	VNET_RESP_REPLY,
	VNET_RESP_NON_IP,	/* not IPv4/IPv6 (ARP, LLDP, ...) */
	VNET_RESP_VLAN_DEPTH,	/* more than two VLAN tags */
	VNET_RESP_NOT_ECHO,	/* other protocol, type or code */
	VNET_RESP_IP_OPTIONS,	/* IPv4 header with options */
	VNET_RESP_IPV6_EXT,	/* IPv6 extension header before ICMPv6 */
	VNET_RESP_FRAGMENT,	/* IPv4 or IPv6 fragment */
	VNET_RESP_TRUNCATED,	/* shorter than its headers or IP length */
	VNET_RESP_MALFORMED,	/* bad IP version, inconsistent lengths */
	VNET_RESP_MCAST_DST,	/* destination MAC or IP not unicast */
	VNET_RESP_BAD_SRC,	/* multicast/broadcast/zero source */
	VNET_RESP_OTHER_HOST,	/* to another host's unicast MAC */
	VNET_RESP_TTL_ZERO,	/* echo request with TTL / hop limit 0 */
	VNET_RESP_NR_VERDICTS,
};

/*
 * Per-CPU counters, indexed by this enum so that stats64, ethtool and the
 * fast path share one definition. Order is the `ethtool -S` order.
 *
 * Every frame that enters the link (TX_PACKETS) ends in exactly one of
 * BUILTIN_ECHO4/6, XDP_TX, XDP_DROP, XDP_ABORTED, a CONSUMED reason,
 * LINK_ERRORS or LINK_FLUSHED (XDP_PASS is a way station to the responder),
 * and RX_PACKETS = BUILTIN_ECHO4 + BUILTIN_ECHO6 + XDP_TX: the tests hold
 * the driver to that. With a delay (vnet_delay.c) an answer may still be
 * on the delay line, or end there in DELAY_DROPS or LINK_FLUSHED: then
 * RX_PACKETS is that sum less those, once the line is empty.
 */
enum vnet_counter {
	/* The host side of the link, as `ip -s link` shows it. */
	VNET_TX_PACKETS,	/* frames that entered the link */
	VNET_TX_BYTES,
	VNET_RX_PACKETS,	/* frames the far end sent back */
	VNET_RX_BYTES,
	VNET_LINK_DROPS,	/* backlog full: never entered the link */
	VNET_LINK_ERRORS,	/* lost at the far end: no memory, too big for XDP */
	VNET_LINK_FLUSHED,	/* still on the link when the device went down */
	/* The far end, path by path. */
	VNET_BUILTIN_ECHO4,	/* answered by the built-in responder */
	VNET_BUILTIN_ECHO6,
	VNET_XDP_PACKETS,	/* frames the XDP program ran on */
	VNET_XDP_TX,
	VNET_XDP_PASS,
	VNET_XDP_DROP,
	VNET_XDP_ABORTED,	/* XDP_ABORTED and actions this driver lacks */
	/* The delay line (vnet_delay.c): answers held back, or dropped there. */
	VNET_DELAYED,
	VNET_DELAY_DROPS,	/* the line full: VNET_DELAY_MAX_LEN held already */
	/* Consumed by the responder, one counter per vnet_resp_verdict reason. */
	VNET_CONSUMED,
	VNET_NR_COUNTERS = VNET_CONSUMED + VNET_RESP_NR_VERDICTS - 1,
};

struct vnet_pcpu_stats {
	u64_stats_t		c[VNET_NR_COUNTERS];
	struct u64_stats_sync	syncp;
};

/* Answers one CPU's delay line holds at most; more are dropped. */
#define VNET_DELAY_MAX_LEN	65536

/*
 * One CPU's half of the link: its backlog and the NAPI context draining it,
 * and its delay line (vnet_delay.c): held answers by due time, and the
 * timer for the earliest.
 */
struct vnet_far_end {
	struct napi_struct	napi;
	struct ptr_ring		backlog;
	struct xdp_rxq_info	xdp_rxq;
	struct rb_root_cached	delayq;
	unsigned int		delay_len;
	struct hrtimer		delay_timer;
};

struct vnet_priv {
	struct vnet_far_end __percpu	*far;
	struct vnet_pcpu_stats __percpu	*stats;
	struct bpf_prog __rcu		*xdp_prog;
};

/* Callers run with BH disabled (xmit, NAPI), so this CPU's slot is theirs. */
static inline void vnet_count(struct vnet_priv *priv, enum vnet_counter c, u64 n)
{
	struct vnet_pcpu_stats *s = this_cpu_ptr(priv->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[c], n);
	u64_stats_update_end(&s->syncp);
}

/* A frame of @len bytes on one direction of the link: packets then bytes. */
static inline void vnet_count_frame(struct vnet_priv *priv, enum vnet_counter packets,
				    unsigned int len)
{
	struct vnet_pcpu_stats *s = this_cpu_ptr(priv->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->c[packets]);
	u64_stats_add(&s->c[packets + 1], len);
	u64_stats_update_end(&s->syncp);
}

/* @skb lost at the far end (no memory, too big, not writable): counted, freed. */
static inline void vnet_link_error(struct vnet_priv *priv, struct sk_buff *skb)
{
	vnet_count(priv, VNET_LINK_ERRORS, 1);
	kfree_skb(skb);
}

/* vnet_link.c: the link's per-CPU backlogs and NAPI contexts, and xmit. */
int vnet_link_init(struct net_device *dev);
void vnet_link_uninit(struct net_device *dev);
void vnet_link_open(struct net_device *dev);
void vnet_link_stop(struct net_device *dev);
netdev_tx_t vnet_start_xmit(struct sk_buff *skb, struct net_device *dev);

/* vnet_rx.c: the NAPI poll, the one place frames reach vnet0's receive path. */
int vnet_poll(struct napi_struct *napi, int budget);

/* vnet_xdp.c */
u32 vnet_xdp_run(struct vnet_far_end *fe, struct bpf_prog *prog, struct sk_buff **pskb);
int vnet_bpf(struct net_device *dev, struct netdev_bpf *bpf);
void vnet_xdp_release(struct net_device *dev);

/* vnet_respond.c */
struct sk_buff *vnet_respond(struct vnet_priv *priv, const u8 *own, struct sk_buff *skb);

/* vnet_delay.c: the delay line; only the poll (and stop) touch it. */
void vnet_delay_init(struct vnet_far_end *fe);
struct sk_buff *vnet_delay_hold(struct vnet_far_end *fe, struct vnet_priv *priv,
				struct sk_buff *skb);
struct sk_buff *vnet_delay_due(struct vnet_far_end *fe, u64 now);
void vnet_delay_arm(struct vnet_far_end *fe);
u64 vnet_delay_flush(struct vnet_far_end *fe);

/* vnet_stats.c */
void vnet_stats_fold(struct vnet_priv *priv, u64 *sum);
void vnet_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *tot);

/* vnet_ethtool.c */
extern const struct ethtool_ops vnet_ethtool_ops;

#endif /* VNET_DRV_H */
