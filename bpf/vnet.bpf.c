// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnet.bpf.c - the ping reflector's hooks: XDP, TC ingress and TC egress
 * "loopback". Each runs the same core (reflect.h) and differs only in where
 * the reply goes and how the frame's length is known.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "reflect.h"

#define TC_ACT_OK	0

/* Set by vnetctl before load; the verifier prunes what is switched off. */
const volatile struct vnet_config vnet_cfg = {};

/* One slot, one copy per CPU: the hot path needs no atomics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vnet_stats);
} vnet_stats SEC(".maps");

static __always_inline struct vnet_stats *vnet_stats_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&vnet_stats, &key);
}

/*
 * Account one frame. The pass_* fields follow `pass` in the order of enum
 * vnet_verdict, so a reason indexes its counter directly; the bound keeps
 * the verifier (and any future reason) honest.
 */
_Static_assert(__builtin_offsetof(struct vnet_stats, pass_disabled) ==
	       __builtin_offsetof(struct vnet_stats, pass) +
	       VNET_PASS_DISABLED * sizeof(__u64),
	       "pass_* fields must follow enum vnet_verdict");

static __always_inline void vnet_count(struct vnet_stats *s, enum vnet_verdict v,
				       int family, __u64 len)
{
	s->rx_packets++;
	s->rx_bytes += len;
	if (v == VNET_REPLY) {
		if (family == 4)
			s->echo4++;
		else
			s->echo6++;
		s->tx_packets++;
		s->tx_bytes += len;
		return;
	}
	s->pass++;
	if (v > 0 && v < VNET_NR_PASS)
		(&s->pass)[v]++;
}

SEC("xdp")
int vnet_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct vnet_stats *s = vnet_stats_get();
	__u64 len = data_end - data;
	enum vnet_verdict v;
	int family = 0;

	if (!s)
		return XDP_PASS;
	v = vnet_reflect(ctx, VNET_HOOK_XDP, data, data_end, len, 0, &vnet_cfg,
			 &family);
	vnet_count(s, v, family, len);
	return v == VNET_REPLY ? XDP_TX : XDP_PASS;
}

/*
 * An skb can carry most of its bytes in pages: a packet socket with a TX
 * ring leaves only the Ethernet header linear. Make the headers the core
 * needs readable first, or no such frame would ever match.
 */
static __always_inline enum vnet_verdict vnet_reflect_skb(struct __sk_buff *skb,
							  int *family)
{
	__u32 want = skb->len < VNET_MAX_HDR_LEN ? skb->len : VNET_MAX_HDR_LEN;
	void *data, *data_end;

	if ((long)skb->data_end - (long)skb->data < want)
		bpf_skb_pull_data(skb, want);
	/*
	 * The pull moved the pointers: load them afresh, and keep clang from
	 * merging the two loads into one with a computed context offset,
	 * which the verifier rejects.
	 */
	asm volatile("" ::: "memory");
	data = (void *)(long)skb->data;
	asm volatile("" ::: "memory");
	data_end = (void *)(long)skb->data_end;
	return vnet_reflect(skb, VNET_HOOK_SKB, data, data_end, skb->len,
			    skb->vlan_present ? 1 : 0, &vnet_cfg, family);
}

static __always_inline int vnet_tc(struct __sk_buff *skb, __u64 redirect_flags)
{
	struct vnet_stats *s = vnet_stats_get();
	enum vnet_verdict v;
	int family = 0;

	if (!s)
		return TC_ACT_OK;
	v = vnet_reflect_skb(skb, &family);
	vnet_count(s, v, family, skb->len);
	if (v != VNET_REPLY)
		return TC_ACT_OK;
	return bpf_redirect(skb->ifindex, redirect_flags);
}

/* TC ingress: the reply leaves by the device it came in on. */
SEC("tc")
int vnet_tc_ingress(struct __sk_buff *skb)
{
	return vnet_tc(skb, 0);
}

/*
 * TC egress "loopback": a request the host itself sends out of the device
 * is answered back into that device's receive path, as if a host on the
 * other end had replied. Works on any netdev, no kernel module needed.
 */
SEC("tc")
int vnet_tc_loop(struct __sk_buff *skb)
{
	return vnet_tc(skb, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
