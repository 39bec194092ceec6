/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * delay.h - latency per prefix (PREFIX,delay=MS[/JITTER]): the echo reply
 * to an address of the prefix leaves MS milliseconds, plus or minus a
 * uniform draw of up to JITTER, after the request came.
 *
 * A program cannot hold a packet: XDP has no queue at all, so vnetctl
 * refuses delay= in the XDP modes (and in loopback mode, whose replies go
 * to the receive path, where no qdisc runs). In tc mode the reply gets an
 * earliest departure time (EDT) before it is redirected out of the device,
 * and the fq qdisc at the device's root (which vnetctl puts there) keeps
 * it until then, as it does for TCP's pacing.
 *
 * The stamp must be a delivery time in CLOCK_MONOTONIC, set with
 * bpf_skb_set_tstamp(BPF_SKB_TSTAMP_DELIVERY_MONO; BPF_SKB_CLOCK_MONOTONIC
 * from 6.11, the same value): a plain write of skb->tstamp at tc ingress
 * marks it a receive time (realtime), which bpf_redirect() to the egress
 * path clears. The helper refuses an skb whose protocol is not IPv4 or
 * IPv6 (a VLAN tag still in the frame): such a reply leaves at once and is
 * not counted in `delayed`.
 *
 * fq keeps each flow's packets in order. With jitter every delayed reply
 * gets a random flow hash, so that fq releases each at its own time and a
 * reply drawn short may overtake one drawn long, as under netem's jitter;
 * in one flow, a short one would wait behind the long one before it and
 * the spread would collapse to the maximum at any rate above 1/JITTER.
 */
#ifndef VNET_DELAY_H
#define VNET_DELAY_H

#include "vnet.shared.h"

/*
 * The reply's delay in microseconds: delay_us, or with jitter_us a uniform
 * draw in [delay_us - jitter_us, delay_us + jitter_us] (one draw of the
 * kernel's per-CPU generator, scaled by a multiply and a shift).
 */
static __always_inline __u32 vnet_delay_draw(const struct vnet_prefix_attr *attr)
{
	__u32 j = attr->jitter_us;

	if (!(attr->flags & VNET_ATTR_DELAY))
		return 0;
	if (!j)
		return attr->delay_us;
	return attr->delay_us - j +
	       (__u32)(((__u64)bpf_get_prandom_u32() * (2 * (__u64)j + 1)) >> 32);
}

/*
 * Stamp a tc reply with its departure time, @delay_us from now; with
 * @spread, a random flow hash for fq (above). 0, or the helper's -errno.
 */
static __always_inline long vnet_delay_stamp(struct __sk_buff *skb, __u32 delay_us, int spread)
{
	if (spread)
		bpf_set_hash(skb, bpf_get_prandom_u32());
	return bpf_skb_set_tstamp(skb, bpf_ktime_get_ns() + (__u64)delay_us * 1000,
				  BPF_SKB_TSTAMP_DELIVERY_MONO);
}

#endif /* VNET_DELAY_H */
