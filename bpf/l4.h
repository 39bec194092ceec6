/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * l4.h - the far end of a traceroute: UDP and TCP sent to an address of a
 * prefix with VNET_ATTR_L4 (vnetctl: hops >= 1 or ports=) are answered as
 * a host answers them. UDP gets ICMP Port Unreachable (RFC 792 type 3
 * code 3, RFC 4443 type 1 code 4; every port is closed), TCP gets what RFC
 * 9293 3.10.7.1 has a closed port send (a RST), or, for a SYN to a port of
 * the prefix's list, a SYN-ACK. Nothing is remembered: the SYN-ACK's
 * sequence number is the bitwise complement of the SYN's, and whatever the
 * client sends next to an open port is handed on.
 *
 * A probe that expires on the way (hops.h) gets router k's Time Exceeded
 * first, whatever its protocol: traceroute's UDP and TCP probes walk the
 * hops as its ICMP ones do. The checks and their order are in reflect.h's
 * header comment (steps L1-L9).
 */
#ifndef VNET_L4_H
#define VNET_L4_H

#include "answer.h"
#include "csum.h"
#include "hops.h"
#include "packet.h"
#include "ratelimit.h"
#include "result.h"
#include "subnet.h"
#include "vnet.shared.h"

#define VNET_IPPROTO_TCP		6
#define VNET_IPPROTO_UDP		17
#define VNET_ICMP_DEST_UNREACH		3
#define VNET_ICMP_PORT_UNREACH		3
#define VNET_ICMPV6_DEST_UNREACH	1
#define VNET_ICMPV6_PORT_UNREACH	4
#define VNET_TCP_FIN			0x01
#define VNET_TCP_SYN			0x02
#define VNET_TCP_RST			0x04
#define VNET_TCP_ACK			0x10
#define VNET_TCP_HLEN			20
#define VNET_TCP_WINDOW			64240	/* what Linux offers on Ethernet */

static __always_inline int vnet_port_open(const struct vnet_prefix_attr *attr, __be16 port)
{
#pragma unroll
	for (int i = 0; i < VNET_MAX_PORTS; i++)
		if (i < attr->nr_ports && attr->ports[i] == port)
			return 1;
	return 0;
}

static __always_inline __u32 vnet_ld32_be(const __u8 *p)
{
	return bpf_ntohl(*(const __u32 *)p);
}

/*
 * The TCP answer, in place: addresses and ports swapped, a fresh 20-byte
 * header with @flags, @seq, @ack and @win, a fresh IP header (IPv4: TOS 0,
 * id 0, no flags, the header checksum; IPv6: class and flow label 0), and
 * the TCP checksum over the pseudo-header and the 20 bytes. The hook cuts
 * the frame after them (res->hop.quote: the new IP length).
 */
static __always_inline void vnet_tcp_write(struct ethhdr *eth, __u8 *addrs, int addr_len,
					   __u8 *tcp, __u8 flags, __u32 seq, __u32 ack, __u16 win,
					   __u8 ttl)
{
	__u16 *w = (__u16 *)tcp, *ipw, t;
	__u32 sum, hsum = 0;

	vnet_swap_macs(eth);
	vnet_swap_addrs(addrs, addr_len);
	t = w[0];
	w[0] = w[1];
	w[1] = t;
	*(__u32 *)(tcp + 4) = bpf_htonl(seq);
	*(__u32 *)(tcp + 8) = bpf_htonl(ack);
	w[6] = bpf_htons(5 << 12 | flags);	/* data offset 5, no options */
	w[7] = bpf_htons(win);
	w[8] = 0;				/* checksum, below */
	w[9] = 0;				/* urgent pointer */

	sum = bpf_htons(VNET_TCP_HLEN) + bpf_htons(VNET_IPPROTO_TCP);
	if (addr_len == 4) {
		ipw = (__u16 *)(addrs - 12);
		ipw[0] = bpf_htons(0x4500);
		ipw[1] = bpf_htons(20 + VNET_TCP_HLEN);
		ipw[2] = 0;
		ipw[3] = 0;
		ipw[4] = bpf_htons((__u16)ttl << 8 | VNET_IPPROTO_TCP);
		ipw[5] = 0;
#pragma unroll
		for (int i = 0; i < 10; i++)
			hsum += ipw[i];
		ipw[5] = (__u16)~vnet_fold(hsum);
#pragma unroll
		for (int i = 6; i < 10; i++)
			sum += ipw[i];
	} else {
		ipw = (__u16 *)(addrs - 8);
		*(__be32 *)ipw = bpf_htonl(0x60000000);
		ipw[2] = bpf_htons(VNET_TCP_HLEN);
		ipw[3] = bpf_htons(VNET_IPPROTO_TCP << 8 | ttl);
#pragma unroll
		for (int i = 4; i < 20; i++)
			sum += ipw[i];
	}
#pragma unroll
	for (int i = 0; i < VNET_TCP_HLEN / 2; i++)
		sum += w[i];
	w[8] = (__u16)~vnet_fold(sum);
}

/* Step L9 for TCP: which answer, if any (RFC 9293 3.10.7.1, closed port). */
static __always_inline enum vnet_verdict
vnet_tcp(struct ethhdr *eth, __u8 *addrs, int addr_len, __u8 *tcp, __u64 ip_len,
	 const struct vnet_prefix_attr *attr, __u8 ttl, struct vnet_result *res)
{
	__u8 flags = tcp[13];
	__u32 seq = vnet_ld32_be(tcp + 4), ack = vnet_ld32_be(tcp + 8);
	__u32 hdr = addr_len == 4 ? 20 : 40;
	/* SEG.LEN: the data, and one each for SYN and FIN. */
	__u32 seg_len = ip_len - hdr - (tcp[12] >> 4) * 4 + !!(flags & VNET_TCP_SYN) +
			!!(flags & VNET_TCP_FIN);
	int open = vnet_port_open(attr, *(__be16 *)(tcp + 2));

	if (flags & VNET_TCP_RST)
		return VNET_PASS_NOT_ECHO;		/* never answered */
	if ((flags & (VNET_TCP_SYN | VNET_TCP_ACK)) == VNET_TCP_SYN && open) {
		vnet_tcp_write(eth, addrs, addr_len, tcp, VNET_TCP_SYN | VNET_TCP_ACK, ~seq,
			       seq + 1, VNET_TCP_WINDOW, ttl);
		res->answer = VNET_ANSWER_TCP_SYNACK;
	} else if (open) {
		return VNET_PASS_NOT_ECHO;		/* a connection vnet does not keep */
	} else if (flags & VNET_TCP_ACK) {
		vnet_tcp_write(eth, addrs, addr_len, tcp, VNET_TCP_RST, ack, 0, 0, ttl);
		res->answer = VNET_ANSWER_TCP_RST;
	} else {
		vnet_tcp_write(eth, addrs, addr_len, tcp, VNET_TCP_RST | VNET_TCP_ACK, 0,
			       seq + seg_len, 0, ttl);
		res->answer = VNET_ANSWER_TCP_RST;
	}
	res->hop.quote = hdr + VNET_TCP_HLEN;
	return VNET_REPLY;
}

/*
 * Steps L1-L9: a UDP datagram or TCP segment whose IP header (no options,
 * not a fragment, length checked: steps 4-9) is at @addrs - 12 (IPv4) or
 * @addrs - 8 (IPv6), @ip_len bytes with it, protocol @proto, its header
 * at @l4.

 */
static __always_inline enum vnet_verdict
vnet_l4(void *data_end, struct ethhdr *eth, __u8 *addrs, int addr_len, __u8 *l4, __u8 proto,
	__u64 ip_len, const struct vnet_state *st, const volatile struct vnet_config *cfg,
	struct vnet_result *res)
{
	const struct vnet_prefix_attr *attr;
	__u32 hdr = addr_len == 4 ? 20 : 40, l4_hdr;
	enum vnet_verdict v;
	__u8 ttl;

	if (!vnet_nr_prefixes(st) || (proto != VNET_IPPROTO_UDP && proto != VNET_IPPROTO_TCP))
		return VNET_PASS_NOT_ECHO;
	attr = addr_len == 4 ? vnet_prefix4_attr(addrs + 4) : vnet_prefix6_attr(addrs + 16);
	if (!attr || !(attr->flags & VNET_ATTR_L4))
		return VNET_PASS_NOT_ECHO;			/* L1 */
	if (addr_len == 4 ? cfg->no_ipv4 : cfg->no_ipv6)
		return VNET_PASS_DISABLED;			/* L2 */
	l4_hdr = proto == VNET_IPPROTO_UDP ? 8 : VNET_TCP_HLEN;
	if (ip_len < hdr + l4_hdr)
		return VNET_PASS_MALFORMED;			/* L3 */
	if (proto == VNET_IPPROTO_UDP) {
		if ((void *)(l4 + 8) > data_end)
			return VNET_PASS_TRUNCATED;		/* L4 */
	} else {
		if ((void *)(l4 + VNET_TCP_HLEN) > data_end)
			return VNET_PASS_TRUNCATED;		/* L4 */
		if ((l4[12] >> 4) < 5 || (l4[12] >> 4) * 4 > ip_len - hdr)
			return VNET_PASS_MALFORMED;		/* L3: data offset */
	}
	if (vnet_mac_is_mcast(eth->h_dest) || !vnet_ip_is_unicast(addrs + addr_len, addr_len))
		return VNET_PASS_MCAST_DST;			/* L5 */
	if (!vnet_mac_is_station(eth->h_source) || !vnet_ip_is_unicast(addrs, addr_len))
		return VNET_PASS_BAD_SRC;			/* L6 */
	if (vnet_claimed(addrs + addr_len, addr_len, eth->h_source, cfg))
		return VNET_PASS_CLAIMED;			/* L6a */
	v = vnet_rate_limit(cfg, addrs, addr_len);		/* L7 */
	if (v != VNET_REPLY)
		return v;
	if (attr->hops && vnet_hops_expired(addrs, addr_len, ip_len, attr, cfg, &res->hop)) {
		res->answer = addr_len == 4 ? VNET_ANSWER_TIMEX4 : VNET_ANSWER_TIMEX6;
		return VNET_REPLY;				/* L8 */
	}
	ttl = vnet_hops_ttl(cfg, attr->hops);
	if (proto == VNET_IPPROTO_TCP) {
		if ((void *)(l4 + VNET_TCP_HLEN) > data_end)
			return VNET_PASS_TRUNCATED;		/* not reached: L4 */
		return vnet_tcp(eth, addrs, addr_len, l4, ip_len, attr, ttl, res);
	}
	/* L9, UDP: the destination itself says the port is closed. */
	if (addr_len == 4)
		__builtin_memcpy(res->hop.src, addrs + 4, 4);
	else
		__builtin_memcpy(res->hop.src, addrs + 16, 16);
	res->hop.quote = vnet_hops_quote(addr_len, ip_len);
	res->hop.ttl = ttl;
	if (addr_len == 4) {
		res->hop.type_code = bpf_htons(VNET_ICMP_DEST_UNREACH << 8 | VNET_ICMP_PORT_UNREACH);
		res->answer = VNET_ANSWER_UNREACH4;
	} else {
		res->hop.type_code = bpf_htons(VNET_ICMPV6_DEST_UNREACH << 8 |
					       VNET_ICMPV6_PORT_UNREACH);
		res->answer = VNET_ANSWER_UNREACH6;
	}
	return VNET_REPLY;
}

#define VNET_ICMP_TIMESTAMP		13
#define VNET_ICMP_TIMESTAMPREPLY	14
#define VNET_ICMP_TS_LEN		20	/* header, originate, receive, transmit */
#define VNET_MS_PER_DAY			86400000ULL

/*
 * Milliseconds since midnight UT (RFC 792's timestamp), from the TAI clock
 * less the offset vnetctl found at attach.
 */
static __always_inline __u32 vnet_ms_of_day(const volatile struct vnet_config *cfg)
{
	__u64 ms = bpf_ktime_get_tai_ns() / 1000000 - (__s64)cfg->tai_offset * 1000;

	return ms % VNET_MS_PER_DAY;
}

/*
 * Steps T1-T7: an ICMP timestamp request (type 13, RFC 792) to a prefix
 * with VNET_ATTR_L4, answered as a host does (type 14; originate kept,
 * receive and transmit the time now, the message cut to its 20 bytes).
 * Reached from step 12 for every IPv4 ICMP message that is not an echo
 * request; everything else stays NOT_ECHO.
 */
static __always_inline enum vnet_verdict
vnet_icmp_ts(void *data_end, struct ethhdr *eth, struct iphdr *iph, __u8 *icmp, __u16 tot_len,
	     const struct vnet_state *st, const volatile struct vnet_config *cfg,
	     struct vnet_result *res)
{
	const struct vnet_prefix_attr *attr;
	__u8 *addrs = (__u8 *)&iph->saddr;
	__u16 *w = (__u16 *)icmp;
	enum vnet_verdict v;
	__u32 now, sum = 0;

	if (vnet_ld16(icmp) != VNET_ICMP_WORD(VNET_ICMP_TIMESTAMP, 0) || !vnet_nr_prefixes(st))
		return VNET_PASS_NOT_ECHO;
	attr = vnet_prefix4_attr(addrs + 4);
	if (!attr || !(attr->flags & VNET_ATTR_L4))
		return VNET_PASS_NOT_ECHO;			/* T1 */
	if (tot_len < 20 + VNET_ICMP_TS_LEN)
		return VNET_PASS_MALFORMED;			/* T2 */
	if ((void *)(icmp + VNET_ICMP_TS_LEN) > data_end)
		return VNET_PASS_TRUNCATED;			/* T3 */
	if (cfg->no_ipv4)
		return VNET_PASS_DISABLED;			/* T4 */
	if (vnet_mac_is_mcast(eth->h_dest) || !vnet_ipv4_is_unicast(vnet_ld32(addrs + 4)))
		return VNET_PASS_MCAST_DST;			/* T5 */
	if (!vnet_mac_is_station(eth->h_source) || !vnet_ipv4_is_unicast(vnet_ld32(addrs)))
		return VNET_PASS_BAD_SRC;			/* T6 */
	if (vnet_claimed(addrs + 4, 4, eth->h_source, cfg))
		return VNET_PASS_CLAIMED;			/* T6a */
	v = vnet_rate_limit(cfg, addrs, 4);			/* T7 */
	if (v != VNET_REPLY)
		return v;
	if (attr->hops && vnet_hops_expired(addrs, 4, tot_len, attr, cfg, &res->hop)) {
		res->answer = VNET_ANSWER_TIMEX4;		/* T8 */
		return VNET_REPLY;
	}

	vnet_swap_macs(eth);
	vnet_swap_addrs(addrs, 4);
	/* The IP header keeps TOS, id and flags; length, TTL and checksum change. */
	w = (__u16 *)iph;
	w[1] = bpf_htons(20 + VNET_ICMP_TS_LEN);
	w[4] = bpf_htons((__u16)vnet_hops_ttl(cfg, attr->hops) << 8 | VNET_IPPROTO_ICMP);
	w[5] = 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	w[5] = (__u16)~vnet_fold(sum);

	now = bpf_htonl(vnet_ms_of_day(cfg));
	w = (__u16 *)icmp;
	w[0] = VNET_ICMP_WORD(VNET_ICMP_TIMESTAMPREPLY, 0);
	w[1] = 0;
	*(__u32 *)(icmp + 12) = now;				/* receive */
	*(__u32 *)(icmp + 16) = now;				/* transmit */
	sum = 0;
#pragma unroll
	for (int i = 0; i < VNET_ICMP_TS_LEN / 2; i++)
		sum += w[i];
	w[1] = (__u16)~vnet_fold(sum);
	res->answer = VNET_ANSWER_TS4;
	res->hop.quote = 20 + VNET_ICMP_TS_LEN;
	return VNET_REPLY;
}

#endif /* VNET_L4_H */
