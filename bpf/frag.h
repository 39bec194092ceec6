/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * frag.h - fragmented echo requests (ping -s 3000 at MTU 1500), reflected
 * fragment by fragment as they come, so the client reassembles the reply.
 *
 * reflect.h calls in here at step 9, where every fragment used to be
 * handed on: nothing here runs for an unfragmented frame, and the two
 * entry points are subprograms of their own (__noinline), so the echo
 * path's code and registers stay as they were.
 *
 * The first fragment (offset 0, more fragments) of an ICMP(v6) echo
 * request holds the ICMP header: it is answered as an echo request is,
 * the type word and the checksum rewritten. The checksum covers the whole
 * reassembled message, but RFC 1624 eqn. 3 only needs the word that
 * changes, so the update is right for the whole reply. The one case the
 * equation gets wrong (vnet_icmp_fix_zero(): an all-zero message) cannot
 * be decided from the first fragment; where the updated IPv4 checksum
 * comes out 0x0000 the request is handed on (the stack answers it).
 *
 * A later fragment is reflected only while vnet_frags holds its datagram,
 * keyed by (source, destination, identification, protocol) for IPv4 and
 * (source, destination, identification) for IPv6: put there by a first
 * fragment that was answered, aged out after VNET_FRAG_AGE_NS, evicted
 * earlier by the LRU under pressure. Its MACs and addresses are swapped
 * and nothing else changes but for cfg.ttl (the IPv4 header checksum is
 * unchanged by the swap; the IPv6 fragment header stays). A later
 * fragment that starts inside the first fragment's bytes (an overlap) or
 * arrives before its first fragment is handed on: the stack drops it when
 * reassembly times out, and the client's next request is answered.
 */
#ifndef VNET_FRAG_H
#define VNET_FRAG_H

#include "answer.h"
#include "echo.h"
#include "packet.h"
#include "ratelimit.h"
#include "result.h"
#include "subnet.h"
#include "vnet.shared.h"

#define VNET_IPV6_FRAG_HLEN	8
#define VNET_FRAG_ENTRIES	1024

/* Datagrams whose first fragment was answered. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_FRAG_ENTRIES);
	__type(key, struct vnet_frag_key);
	__type(value, struct vnet_frag_val);
} vnet_frags SEC(".maps");

static __always_inline void vnet_frag_key_of(struct vnet_frag_key *k, const __u8 *addrs,
					     int addr_len, __u32 id, __u32 proto)
{
	__builtin_memset(k, 0, sizeof(*k));
	if (addr_len == 4) {
		*(__u32 *)k->src = vnet_ld32(addrs);
		*(__u32 *)k->dst = vnet_ld32(addrs + 4);
	} else {
		__builtin_memcpy(k->src, addrs, 16);
		__builtin_memcpy(k->dst, addrs + 16, 16);
	}
	k->id = id;
	k->proto = proto;
}

/* A reply's answer, as the subprograms return it: verdicts are >= 0. */
#define VNET_FRAG_ANSWER(a)	(-(int)(a))

/*
 * A first fragment of an echo request, past steps 13 and 13a: steps 14-17
 * (a prefix with hops, loss= or dup= hands it on: those answers need the
 * whole request), the zero-checksum case, then its datagram remembered for
 * the later fragments (not remembered, the map refusing: handed on whole,
 * as an answer alone would leave the client nothing to reassemble) and
 * the rewrite. @first_end: its share of the datagram.
 */
static __always_inline int vnet_frag_first(struct ethhdr *eth, __u8 *addrs, int addr_len,
					   __u8 *icmp, __u16 req, __u16 reply, __u32 id,
					   __u32 proto, __u32 first_end,
					   const struct vnet_state *st,
					   const volatile struct vnet_config *cfg)
{
	const struct vnet_prefix_attr *attr;
	struct vnet_frag_key k;
	struct vnet_frag_val val;
	enum vnet_verdict v;
	__u16 csum;

	v = vnet_answer_checks(eth, addrs, addr_len, st, &attr);
	if (v != VNET_REPLY)
		return v;
	if (attr && vnet_claimed(addrs + addr_len, addr_len, eth->h_source, cfg))
		return VNET_PASS_CLAIMED;		/* 16a: a real host holds it */
	if (attr && (attr->hops || (attr->flags & VNET_ATTR_CHAOS)))
		return VNET_PASS_FRAGMENT;
	v = vnet_rate_limit(cfg, addrs, addr_len);
	if (v != VNET_REPLY)
		return v;
	if (addr_len == 4 && !vnet_csum_replace(vnet_ld16(icmp + 2), req, reply))
		return VNET_PASS_FRAGMENT;
	vnet_frag_key_of(&k, addrs, addr_len, id, proto);
	val.expires = bpf_ktime_get_ns() + VNET_FRAG_AGE_NS;
	val.first_end = first_end;
	val.pad = 0;
	if (bpf_map_update_elem(&vnet_frags, &k, &val, BPF_ANY))
		return VNET_PASS_FRAGMENT;
	vnet_rewrite(eth, addrs, addr_len, icmp, req, reply, &csum);
	return VNET_FRAG_ANSWER(addr_len == 4 ? VNET_ANSWER_FRAG4 : VNET_ANSWER_FRAG6);
}

/* A later fragment starting @off bytes into its datagram. */
static __always_inline int vnet_frag_later(struct ethhdr *eth, __u8 *addrs, int addr_len,
					   __u32 id, __u32 proto, __u32 off)
{
	struct vnet_frag_val *val;
	struct vnet_frag_key k;

	vnet_frag_key_of(&k, addrs, addr_len, id, proto);
	val = bpf_map_lookup_elem(&vnet_frags, &k);
	if (!val || bpf_ktime_get_ns() > val->expires || off < val->first_end)
		return VNET_PASS_FRAGMENT;
	vnet_swap_macs(eth);
	vnet_swap_addrs(addrs, addr_len);
	return VNET_FRAG_ANSWER(addr_len == 4 ? VNET_ANSWER_FRAGN4 : VNET_ANSWER_FRAGN6);
}

/*
 * An IPv4 fragment (steps 4-8 passed, MF or an offset set). Every fragment
 * but the last holds a multiple of 8 bytes, and none is empty (RFC 791).
 */
static __noinline int vnet_frag4(void *data_end, struct ethhdr *eth, struct iphdr *iph,
				 const struct vnet_state *st,
				 const volatile struct vnet_config *cfg)
{
	const __u16 req = VNET_ICMP_WORD(VNET_ICMP_ECHO, 0);
	__u16 fo = bpf_ntohs(iph->frag_off);
	__u32 len = bpf_ntohs(iph->tot_len) - sizeof(*iph);
	__u8 *icmp = (__u8 *)(iph + 1);
	int r;

	if (!len || ((fo & VNET_IP_MF) && (len & 7)))
		return VNET_PASS_FRAGMENT;
	if (fo & VNET_IP_OFFSET) {
		r = vnet_frag_later(eth, (__u8 *)&iph->saddr, 4, iph->id,
				    VNET_FRAG_KEY4 | iph->protocol, (fo & VNET_IP_OFFSET) * 8);
	} else {
		/* The first fragment: one too short for the ICMP header is a tiny one. */
		if (iph->protocol != VNET_IPPROTO_ICMP || len < 8 ||
		    (void *)(icmp + 8) > data_end || vnet_ld16(icmp) != req)
			return VNET_PASS_FRAGMENT;
		if (cfg->no_ipv4)
			return VNET_PASS_DISABLED;
		if (!iph->ttl)
			return VNET_PASS_TTL_ZERO;
		r = vnet_frag_first(eth, (__u8 *)&iph->saddr, 4, icmp, req,
				    VNET_ICMP_WORD(VNET_ICMP_ECHOREPLY, 0), iph->id,
				    VNET_FRAG_KEY4 | VNET_IPPROTO_ICMP, len, st, cfg);
	}
	if (r < 0 && cfg->ttl)
		vnet_set_ttl(vnet_ip4_addrs(iph), 4, cfg->ttl);
	return r;
}

/*
 * An IPv6 packet whose next header is Fragment (steps 4-8 passed). The
 * atomic fragment (offset 0, no more fragments, RFC 6946) stays handed on.
 */
static __noinline int vnet_frag6(void *data_end, struct ethhdr *eth, struct ipv6hdr *ip6,
				 const struct vnet_state *st,
				 const volatile struct vnet_config *cfg)
{
	const __u16 req = VNET_ICMP_WORD(VNET_ICMPV6_ECHO, 0);
	__u8 *fh = (__u8 *)(ip6 + 1), *icmp = fh + VNET_IPV6_FRAG_HLEN;
	__u16 payload_len = bpf_ntohs(ip6->payload_len), fo;
	__u32 len, id;
	int r;

	if ((void *)icmp > data_end || payload_len < VNET_IPV6_FRAG_HLEN)
		return VNET_PASS_FRAGMENT;
	fo = bpf_ntohs(vnet_ld16(fh + 2));
	id = vnet_ld32(fh + 4);
	len = payload_len - VNET_IPV6_FRAG_HLEN;
	if (!len || !(fo & 0xFFF9) || ((fo & 1) && (len & 7)))
		return VNET_PASS_FRAGMENT;
	if (fo & 0xFFF8) {
		r = vnet_frag_later(eth, ip6->saddr.in6_u.u6_addr8, 16, id, VNET_FRAG_KEY6,
				    fo & 0xFFF8);
	} else {
		if (fh[0] != VNET_IPPROTO_ICMPV6 || len < 8 || (void *)(icmp + 8) > data_end ||
		    vnet_ld16(icmp) != req)
			return VNET_PASS_FRAGMENT;
		if (cfg->no_ipv6)
			return VNET_PASS_DISABLED;
		if (!ip6->hop_limit)
			return VNET_PASS_TTL_ZERO;
		r = vnet_frag_first(eth, ip6->saddr.in6_u.u6_addr8, 16, icmp, req,
				    VNET_ICMP_WORD(VNET_ICMPV6_ECHOREPLY, 0), id,
				    VNET_FRAG_KEY6, len, st, cfg);
	}
	if (r < 0 && cfg->ttl)
		vnet_set_ttl(vnet_ip6_addrs(ip6), 16, cfg->ttl);
	return r;
}

/* What reflect.h returns for a fragment: the verdict, the answer in @res. */
static __always_inline enum vnet_verdict vnet_frag_verdict(int r, struct vnet_result *res)
{
	if (r >= 0)
		return r;
	res->answer = -r;
	return VNET_REPLY;
}

#endif /* VNET_FRAG_H */
