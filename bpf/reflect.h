/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * reflect.h - the one parse-and-rewrite core behind every vnet hook.
 *
 * vnet_reflect() looks at an Ethernet frame and either answers it in place
 * (VNET_REPLY: an ICMP or ICMPv6 echo reply, an ARP reply, or, once the hook
 * has resized the frame, a Neighbor Advertisement) or leaves every byte
 * alone and says why (a VNET_PASS_* reason, or VNET_DROP_RATE_LIMITED).
 * The hooks in vnet.bpf.c only decide where a reply goes and count.
 *
 * "With prefixes" below means vnet_state.nr_prefixes > 0 (vnetctl's
 * --respond); "inside a prefix" means the IPv4 (IPv6) address matches an
 * entry of vnet_prefix4 (vnet_prefix6), whatever the count says.
 *
 * The checks run in a fixed order, so each frame has exactly one reason:
 *   1. Ethernet header present                      else TRUNCATED
 *   2. up to two VLAN tags (802.1Q/802.1ad), counting
 *      one the kernel already took off into skb
 *      metadata (TC: skb->vlan_present)            a third: VLAN_DEPTH
 *   3. ethertype IPv4 or IPv6, or ARP (0x0806) with
 *      prefixes (steps A1-A6)                       else NON_IP
 *   IPv4:
 *   4. 20-byte header present                       else TRUNCATED
 *   5. version 4 and IHL >= 5                       else MALFORMED
 *   6. IHL == 5                                     else IP_OPTIONS
 *   7. total length >= 20                           else MALFORMED
 *   8. total length fits in the frame               else TRUNCATED
 *   9. not a fragment (MF or offset)                else FRAGMENT
 *  10. protocol ICMP                                else NOT_ECHO
 *  11. total length >= 28 (room for ICMP header)    else MALFORMED
 *  12. type 8, code 0                               else NOT_ECHO
 *   IPv6:
 *   4. 40-byte header present                       else TRUNCATED
 *   5. version 6                                    else MALFORMED
 *   8. 40 + payload length fits in the frame        else TRUNCATED
 *   9. next header not Fragment (44)                else FRAGMENT
 *  10. next header not an extension header          else IPV6_EXT
 *      next header ICMPv6 (58)                      else NOT_ECHO
 *  11. payload length >= 8                          else MALFORMED
 *  12. type 128, code 0, or type 135 (Neighbor
 *      Solicitation) with prefixes (steps N1-N6)    else NOT_ECHO
 *   Both (echo requests):
 *  13. family not switched off by config            else DISABLED
 *  14. destination MAC unicast, destination IP
 *      unicast (not multicast/broadcast/zero)       else MCAST_DST
 *  15. source MAC unicast and non-zero, source IP
 *      not multicast/broadcast/zero                 else BAD_SRC
 *  16. without prefixes, or destination IP inside
 *      a prefix of its family                       else FILTERED
 *  17. no rate limit configured, or a token in the
 *      source's bucket (cfg.rate_per_source) and
 *      then in the global one (cfg.rate_global)     else RATE_LIMITED, or
 *                                                   DROP_RATE_LIMITED with
 *                                                   cfg.rate_drop
 *      (ratelimit.h: token buckets of one second's burst; a request over
 *      either limit takes no token from either)
 *   The echo reply: MACs swapped, IP addresses swapped, type 0 / 129, the
 *   ICMP checksum as below; with cfg.ttl != 0 the IPv4 TTL or IPv6 hop
 *   limit set to it (the IPv4 header checksum updated, RFC 1624 eqn. 3, which
 *   gives what a recomputation gives whenever the request's was right).
 *   Every other byte stays, padding included.
 *
 *   ARP, with prefixes (without them every ARP frame is NON_IP, step 3):
 *  A1. 28-byte ARP packet present                   else TRUNCATED
 *  A2. htype 1 (Ethernet), ptype 0x0800, hlen 6,
 *      plen 4, op 1 (request)                       else NON_IP
 *  A3. IPv4 not switched off by config              else DISABLED
 *  A4. target IP unicast (the destination MAC may
 *      be broadcast: requests are)                  else MCAST_DST
 *  A5. Ethernet source MAC and sender MAC unicast
 *      and non-zero, sender IP not multicast/
 *      broadcast/zero (zero: an RFC 5227 probe) and
 *      not the target IP (an announcement)          else BAD_SRC
 *  A6. target IP inside an IPv4 prefix              else FILTERED
 *   The ARP reply, in place (length, padding and tags kept): Ethernet
 *   destination = the request's Ethernet source, source = cfg.mac; op 2;
 *   sender = cfg.mac and the request's target IP; target = the request's
 *   sender MAC and IP.
 *
 *   Neighbor Solicitation, with prefixes (without them: NOT_ECHO, step 12):
 *  N1. code 0                                       else NOT_ECHO
 *  N2. hop limit 255 and payload length >= 24
 *      (RFC 4861 7.1.1)                             else MALFORMED
 *  N3. IPv6 not switched off by config              else DISABLED
 *  N4. target not multicast and not ::              else MCAST_DST
 *  N5. source MAC unicast and non-zero, source IP
 *      not multicast and not :: (:: is duplicate
 *      address detection, RFC 4862)                 else BAD_SRC
 *  N6. target inside an IPv6 prefix                 else FILTERED
 *   The Neighbor Advertisement: the frame is cut or grown to end right
 *   after it (options and padding of the solicitation go); Ethernet
 *   destination = the solicitation's Ethernet source, source = cfg.mac,
 *   tags kept; IPv6 version 6, class and flow label 0, payload length 32,
 *   next header 58, hop limit 255, source = the target, destination = the
 *   solicitation's source; ICMPv6 type 136, code 0, flags Solicited and
 *   Override (0x60000000), the target, option 2 (target link-layer
 *   address, length 1) = cfg.mac; checksum computed from scratch. Where
 *   the frame cannot take that length (an XDP buffer without tailroom,
 *   in practice never), the solicitation is handed on as TRUNCATED.
 *
 *   ARP and ND are never rate limited, and cfg.ttl does not touch them.
 *
 * "The frame" is pkt_len bytes (Ethernet padding beyond the IP length is
 * fine and left alone); only the headers need to be in [data, data_end).
 *
 * The echo reply's ICMP checksum is what its sender would compute from
 * scratch: RFC 1624 eqn. 3, plus the one case where the equation and a
 * recomputation differ (see vnet_icmp_fix_zero()).
 */
#ifndef VNET_REFLECT_H
#define VNET_REFLECT_H

#include "vnet.h"

#define VNET_ETH_HLEN		14
#define VNET_VLAN_HLEN		4
#define VNET_MAX_VLAN		2
#define VNET_ETH_P_IP		0x0800
#define VNET_ETH_P_IPV6		0x86DD
#define VNET_ETH_P_8021Q	0x8100
#define VNET_ETH_P_8021AD	0x88A8
#define VNET_IPPROTO_ICMP	1
#define VNET_IPPROTO_ICMPV6	58
#define VNET_ICMP_ECHO		8
#define VNET_ICMP_ECHOREPLY	0
#define VNET_ICMPV6_ECHO	128
#define VNET_ICMPV6_ECHOREPLY	129
#define VNET_IP_MF		0x2000
#define VNET_IP_OFFSET		0x1FFF

/*
 * Deepest header any hook must have linear: 2 tags + IPv6 + the 24 bytes of
 * a Neighbor Solicitation (an echo request needs 8, an ARP packet 28 after
 * the tags).
 */
#define VNET_MAX_HDR_LEN \
	(VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN + 40 + 24)

/* What a VNET_REPLY answered: the hooks count it, and finish an advertisement. */
enum vnet_answer {
	VNET_ANSWER_ECHO4 = 1,
	VNET_ANSWER_ECHO6,
	VNET_ANSWER_ARP,
	VNET_ANSWER_ND,
};

/* A bounds-checked cursor, as in xdp-tutorial's parsing_helpers.h. */
struct vnet_cursor {
	void *pos;
	void *end;
};

/* The next @len bytes, or NULL (and the cursor unmoved) if they are not there. */
static __always_inline void *vnet_pull(struct vnet_cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline int vnet_mac_is_mcast(const __u8 *mac)
{
	return mac[0] & 1;	/* I/G bit: multicast, and broadcast too */
}

static __always_inline int vnet_mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in ones' complement arithmetic,
 * for one 16-bit word changing from @old to @new. The sum is independent of
 * byte order, so raw network-order words go in and out. Whatever the input
 * checksum (0x0000 and 0xFFFF, the two encodings of zero, included), the
 * result is the reply's correct sum, and it is never 0xFFFF: a ones'
 * complement sum with a non-zero term is never +0. A recomputation from
 * scratch never gives 0xFFFF either, with one exception: a message whose
 * words are all zero sums to +0 and gets 0xFFFF. The equation cannot see the
 * data, so it says 0x0000 there; vnet_icmp_fix_zero() handles that case.
 */
static __always_inline __u16 vnet_csum_replace(__u16 hc, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~hc + (__u16)~old + (__u32)new;

	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (__u16)~sum;
}

/* Type and code share the ICMP header's first 16-bit word. */
static __always_inline void vnet_icmp_set_type(__u8 *icmp, __u8 type)
{
	__u16 *word = (__u16 *)icmp;
	__u16 *csum = (__u16 *)(icmp + 2);
	__u16 old = *word;

	icmp[0] = type;
	*csum = vnet_csum_replace(*csum, old, *word);
}

/* Which kind of context the core runs on: it decides how bytes are read. */
enum vnet_hook {
	VNET_HOOK_XDP,
	VNET_HOOK_SKB,
};

/* State of the all-zero scan below, on the stack of the calling program. */
struct vnet_zero_scan {
	void *ctx;
	__u32 off;		/* next byte to read */
	__u32 end;		/* one past the message's last byte */
	__u32 nonzero;		/* found a non-zero byte (or could not read) */
};

/*
 * One bpf_loop() step: the next 8 bytes of the message, or the next single
 * byte of its tail (constant sizes keep the verifier simple). The helpers
 * read past the linear part of an skb or an XDP frame alike, so a message
 * that only partly sits in [data, data_end) is still read whole.
 */
static __always_inline long vnet_zero_step(struct vnet_zero_scan *z, int hook)
{
	__u64 word = 0;
	long err;

	if (z->off >= z->end)
		return 1;
	if (z->end - z->off >= sizeof(word)) {
		if (hook == VNET_HOOK_SKB)
			err = bpf_skb_load_bytes(z->ctx, z->off, &word, sizeof(word));
		else
			err = bpf_xdp_load_bytes(z->ctx, z->off, &word, sizeof(word));
		z->off += sizeof(word);
	} else {
		if (hook == VNET_HOOK_SKB)
			err = bpf_skb_load_bytes(z->ctx, z->off, &word, 1);
		else
			err = bpf_xdp_load_bytes(z->ctx, z->off, &word, 1);
		z->off += 1;
	}
	if (err || word) {
		z->nonzero = 1;
		return 1;
	}
	return 0;
}

static long vnet_zero_step_xdp(__u32 i, void *z)
{
	return vnet_zero_step(z, VNET_HOOK_XDP);
}

static long vnet_zero_step_skb(__u32 i, void *z)
{
	return vnet_zero_step(z, VNET_HOOK_SKB);
}

/*
 * The rare case eqn. 3 gets wrong (IPv4 only: the ICMPv6 sum includes the
 * pseudo-header, which is never zero). Only when the new checksum came out
 * 0x0000 is the reply's data looked at: if every byte of the message at
 * [@off, @off + @len) of the frame is zero, the checksum must be 0xFFFF, or
 * the receiver's verification sums to +0 and drops the reply. One in 65,536
 * random requests pays for the scan; the rest pay one comparison.
 */
static __always_inline void vnet_icmp_fix_zero(void *ctx, int hook, __u8 *icmp,
					       __u32 off, __u32 len)
{
	__u16 *csum = (__u16 *)(icmp + 2);
	struct vnet_zero_scan z;

	/* Test first: the scan's setup is not for every reply to pay. */
	if (*csum != 0)
		return;
	z = (struct vnet_zero_scan){
		.ctx = ctx, .off = off, .end = off + len, .nonzero = 0,
	};
	/* 8-byte steps, then byte steps for the tail. */
	bpf_loop(len / 8 + len % 8,
		 hook == VNET_HOOK_SKB ? (void *)vnet_zero_step_skb :
					 (void *)vnet_zero_step_xdp, &z, 0);
	if (!z.nonzero)
		*csum = 0xFFFF;
}

static __always_inline void vnet_swap_bytes(__u8 *a, __u8 *b, int n)
{
#pragma unroll
	for (int i = 0; i < n; i++) {
		__u8 t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static __always_inline int vnet_ipv4_is_unicast(__u32 addr_be)
{
	__u32 a = bpf_ntohl(addr_be);

	return a != 0 && a != 0xFFFFFFFF && (a >> 28) != 0xE;
}

static __always_inline int vnet_ipv6_is_ext_hdr(__u8 nexthdr)
{
	switch (nexthdr) {
	case 0:		/* Hop-by-Hop Options */
	case 43:	/* Routing */
	case 50:	/* Encapsulating Security Payload */
	case 51:	/* Authentication Header */
	case 60:	/* Destination Options */
	case 135:	/* Mobility */
	case 139:	/* Host Identity Protocol */
	case 140:	/* Shim6 */
	case 253:	/* experimental */
	case 254:
		return 1;
	}
	return 0;
}

static __always_inline int vnet_ipv6_is_zero(const __u32 *a)
{
	return !(a[0] | a[1] | a[2] | a[3]);
}

static __always_inline int vnet_ipv6_is_mcast(const __u8 *a)
{
	return a[0] == 0xFF;
}

/* The virtual subnet's parts build on the helpers above. */
#include "subnet.h"
#include "neigh.h"
#include "ratelimit.h"

/*
 * What vnet_reflect() found, for the hook: on VNET_REPLY, what it answered
 * (answer; read only then); for VNET_ANSWER_ND, where the IPv6 header starts
 * (l3) and what the advertisement says (the hook resizes the frame, then
 * vnet_nd_write()). Left uninitialised by the hooks: vnet_reflect() sets
 * answer and l3 first thing, and nd only where it answers a solicitation,
 * so the hot path pays no stores for it.
 */
struct vnet_result {
	int answer;
	__u32 l3;
	struct vnet_nd_req nd;
};

/*
 * Steps 14-17 and the rewrite, shared by both families: the MAC pair and
 * the address pair (@addrs: source, then destination) are swapped in place,
 * and the ICMP type word changes.
 */
static __always_inline enum vnet_verdict
vnet_answer(struct ethhdr *eth, int dst_ok, int src_ok, __u8 *addrs,
	    int addr_len, __u8 *icmp, __u8 reply_type,
	    const volatile struct vnet_config *cfg)
{
	enum vnet_verdict v;

	if (vnet_mac_is_mcast(eth->h_dest) || !dst_ok)
		return VNET_PASS_MCAST_DST;
	if (vnet_mac_is_mcast(eth->h_source) || vnet_mac_is_zero(eth->h_source) ||
	    !src_ok)
		return VNET_PASS_BAD_SRC;
	if (vnet_nr_prefixes() &&
	    !(addr_len == 4 ? vnet_in_prefix4(addrs + 4) : vnet_in_prefix6(addrs + 16)))
		return VNET_PASS_FILTERED;
	v = vnet_rate_limit(cfg, addrs, addr_len);
	if (v != VNET_REPLY)
		return v;

	vnet_swap_bytes(eth->h_dest, eth->h_source, 6);
	/* Source and destination sit back to back in both IP headers. */
	vnet_swap_bytes(addrs, addrs + addr_len, addr_len);
	/* The IP header and pseudo-header sums do not change under a swap. */
	vnet_icmp_set_type(icmp, reply_type);
	return VNET_REPLY;
}

static __always_inline enum vnet_verdict
vnet_reflect_ipv4(void *ctx, int hook, void *data, struct vnet_cursor *c,
		  struct ethhdr *eth, __u64 l3_len, const volatile struct vnet_config *cfg)
{
	struct iphdr *iph = vnet_pull(c, sizeof(*iph));
	enum vnet_verdict v;
	__u8 *icmp;
	__u16 tot_len;

	if (!iph)
		return VNET_PASS_TRUNCATED;
	if (iph->version != 4 || iph->ihl < 5)
		return VNET_PASS_MALFORMED;
	if (iph->ihl != 5)
		return VNET_PASS_IP_OPTIONS;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph))
		return VNET_PASS_MALFORMED;
	if (tot_len > l3_len)
		return VNET_PASS_TRUNCATED;
	if (iph->frag_off & bpf_htons(VNET_IP_MF | VNET_IP_OFFSET))
		return VNET_PASS_FRAGMENT;
	if (iph->protocol != VNET_IPPROTO_ICMP)
		return VNET_PASS_NOT_ECHO;
	if (tot_len < sizeof(*iph) + 8)
		return VNET_PASS_MALFORMED;
	icmp = vnet_pull(c, 8);
	if (!icmp)
		return VNET_PASS_TRUNCATED;
	if (icmp[0] != VNET_ICMP_ECHO || icmp[1] != 0)
		return VNET_PASS_NOT_ECHO;
	if (cfg->no_ipv4)
		return VNET_PASS_DISABLED;

	v = vnet_answer(eth, vnet_ipv4_is_unicast(iph->daddr),
			vnet_ipv4_is_unicast(iph->saddr),
			(__u8 *)&iph->saddr, 4, icmp, VNET_ICMP_ECHOREPLY, cfg);
	if (v != VNET_REPLY)
		return v;
	if (cfg->ttl) {
		/*
		 * TTL shares its 16-bit word with the protocol. The store goes
		 * through a byte pointer, as in vnet_icmp_set_type(): through
		 * iph->ttl, clang's type-based alias analysis would take *word
		 * for unchanged and reuse the old value.
		 */
		__u16 *word = (__u16 *)&iph->ttl;
		__u16 old = *word;

		((__u8 *)word)[0] = cfg->ttl;
		iph->check = vnet_csum_replace(iph->check, old, *word);
	}
	vnet_icmp_fix_zero(ctx, hook, icmp, (void *)icmp - data, tot_len - sizeof(*iph));
	return VNET_REPLY;
}

static __always_inline enum vnet_verdict
vnet_reflect_ipv6(struct vnet_cursor *c, struct ethhdr *eth, __u64 l3_len,
		  const volatile struct vnet_config *cfg, struct vnet_result *res)
{
	struct ipv6hdr *ip6 = vnet_pull(c, sizeof(*ip6));
	enum vnet_verdict v;
	__u16 payload_len;
	__u8 *icmp;

	if (!ip6)
		return VNET_PASS_TRUNCATED;
	if (ip6->version != 6)
		return VNET_PASS_MALFORMED;
	payload_len = bpf_ntohs(ip6->payload_len);
	if (sizeof(*ip6) + payload_len > l3_len)
		return VNET_PASS_TRUNCATED;
	if (ip6->nexthdr == 44)
		return VNET_PASS_FRAGMENT;
	if (vnet_ipv6_is_ext_hdr(ip6->nexthdr))
		return VNET_PASS_IPV6_EXT;
	if (ip6->nexthdr != VNET_IPPROTO_ICMPV6)
		return VNET_PASS_NOT_ECHO;
	if (payload_len < 8)
		return VNET_PASS_MALFORMED;
	icmp = vnet_pull(c, 8);
	if (!icmp)
		return VNET_PASS_TRUNCATED;
	if (icmp[0] == VNET_ND_NS && vnet_nr_prefixes()) {
		v = vnet_nd_check(c, eth, ip6, icmp, payload_len, cfg, &res->nd);
		if (v == VNET_REPLY)
			res->answer = VNET_ANSWER_ND;
		return v;
	}
	if (icmp[0] != VNET_ICMPV6_ECHO || icmp[1] != 0)
		return VNET_PASS_NOT_ECHO;
	if (cfg->no_ipv6)
		return VNET_PASS_DISABLED;

	v = vnet_answer(eth,
			!vnet_ipv6_is_mcast(ip6->daddr.in6_u.u6_addr8) &&
			!vnet_ipv6_is_zero(ip6->daddr.in6_u.u6_addr32),
			!vnet_ipv6_is_mcast(ip6->saddr.in6_u.u6_addr8) &&
			!vnet_ipv6_is_zero(ip6->saddr.in6_u.u6_addr32),
			ip6->saddr.in6_u.u6_addr8, 16, icmp,
			VNET_ICMPV6_ECHOREPLY, cfg);
	if (v == VNET_REPLY && cfg->ttl)
		ip6->hop_limit = cfg->ttl;	/* not in any checksum */
	return v;
}

/*
 * @ctx: the program's context, of kind @hook (a constant: the compiler keeps
 * only that kind's helpers); @data..@data_end: the readable (linear) bytes;
 * @pkt_len: the whole frame, which for a TC skb can be longer than its
 * linear part; @tags_outside: VLAN tags of this frame that are not in its
 * bytes (the kernel keeps the outermost one in skb metadata by the time TC
 * ingress runs; the reply keeps it too). On VNET_REPLY, @res says what was
 * answered (and, for VNET_ANSWER_ND, what is still to write).
 */
static __always_inline enum vnet_verdict
vnet_reflect(void *ctx, int hook, void *data, void *data_end, __u64 pkt_len,
	     int tags_outside, const volatile struct vnet_config *cfg,
	     struct vnet_result *res)
{
	struct vnet_cursor c = { .pos = data, .end = data_end };
	struct ethhdr *eth = vnet_pull(&c, sizeof(*eth));
	enum vnet_verdict v;
	int tags = tags_outside;
	__u16 proto;

	res->answer = 0;
	res->l3 = VNET_ETH_HLEN;
	if (!eth)
		return VNET_PASS_TRUNCATED;
	proto = bpf_ntohs(eth->h_proto);

#pragma unroll
	for (int i = 0; i < VNET_MAX_VLAN; i++) {
		__be16 *tag;

		if (proto != VNET_ETH_P_8021Q && proto != VNET_ETH_P_8021AD)
			break;
		tag = vnet_pull(&c, VNET_VLAN_HLEN);
		if (!tag)
			return VNET_PASS_TRUNCATED;
		proto = bpf_ntohs(tag[1]);	/* TCI, then the inner type */
		tags++;
		/* A constant per unrolled step, so the verifier knows its bounds. */
		res->l3 = VNET_ETH_HLEN + (i + 1) * VNET_VLAN_HLEN;
	}
	if (proto == VNET_ETH_P_8021Q || proto == VNET_ETH_P_8021AD ||
	    tags > VNET_MAX_VLAN)
		return VNET_PASS_VLAN_DEPTH;

	/* Bytes from the IP header to the end of the frame. */
	__u64 l3_len = pkt_len - (c.pos - data);

	if (proto == VNET_ETH_P_IP) {
		v = vnet_reflect_ipv4(ctx, hook, data, &c, eth, l3_len, cfg);
		res->answer = VNET_ANSWER_ECHO4;
	} else if (proto == VNET_ETH_P_IPV6) {
		res->answer = VNET_ANSWER_ECHO6;
		v = vnet_reflect_ipv6(&c, eth, l3_len, cfg, res);
	} else if (proto == VNET_ETH_P_ARP && vnet_nr_prefixes()) {
		v = vnet_arp(&c, eth, cfg);
		res->answer = VNET_ANSWER_ARP;
	} else {
		v = VNET_PASS_NON_IP;
	}
	return v;
}

#endif /* VNET_REFLECT_H */
