/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * neigh.h - neighbour answers for the virtual subnet: an ARP request for an
 * address inside an IPv4 prefix gets an ARP reply (RFC 826), an IPv6
 * Neighbor Solicitation for a target inside an IPv6 prefix gets a Neighbor
 * Advertisement (RFC 4861 sections 4.4, 7.2.4), both carrying cfg.mac.
 * Only reached while vnetctl has prefixes configured: without them vnet
 * claims no address, so it cannot poison a LAN's neighbour caches.
 *
 * The checks and their order are in reflect.h's header comment (the
 * specification); this file holds the parsing and the rewrites.
 */
#ifndef VNET_NEIGH_H
#define VNET_NEIGH_H

#include "answer.h"
#include "csum.h"
#include "packet.h"
#include "subnet.h"
#include "vnet.shared.h"

#define VNET_ETH_P_ARP		0x0806
#define VNET_ARP_HRD_ETHER	1
#define VNET_ARP_REQUEST	1
#define VNET_ARP_REPLY		2
#define VNET_ND_NS		135
#define VNET_ND_NA		136
#define VNET_ND_HOP_LIMIT	255
#define VNET_ND_NS_LEN		24	/* ICMPv6 header + reserved + target */
/* The advertisement: header, flags, target, one target link-layer address option. */
#define VNET_ND_NA_LEN		32
#define VNET_ND_OPT_TLLA	2
#define VNET_ND_NA_FLAGS	0x60000000	/* Solicited | Override */

/* An Ethernet/IPv4 ARP packet (RFC 826), as it sits on the wire. */
struct vnet_arp {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

/* What an advertisement needs from its solicitation, kept across the resize. */
struct vnet_nd_req {
	__u8 mac[6];		/* the solicitation's Ethernet source */
	__u8 src[16];		/* its IPv6 source: the advertisement's destination */
	__u8 target[16];
};

static __always_inline void vnet_copy_cfg_mac(__u8 *dst, const volatile struct vnet_config *cfg)
{
#pragma unroll
	for (int i = 0; i < 6; i++)
		dst[i] = cfg->mac[i];
}

/*
 * ARP, steps A1-A6 of the specification, and the reply in place: the
 * frame keeps its length (and its padding) and its VLAN tags.
 */
static __always_inline enum vnet_verdict
vnet_arp(struct vnet_cursor *c, struct ethhdr *eth, const volatile struct vnet_config *cfg,
	 __u64 *answer)
{
	struct vnet_arp *arp = vnet_pull(c, sizeof(*arp));
	__u32 spa, tpa;	/* network order; whole words (stack access must be aligned) */
	__u8 sha[6];

	if (!arp)
		return VNET_PASS_TRUNCATED;
	if (arp->htype != bpf_htons(VNET_ARP_HRD_ETHER) ||
	    arp->ptype != bpf_htons(VNET_ETH_P_IP) || arp->hlen != 6 || arp->plen != 4)
		return VNET_PASS_NON_IP;
	__builtin_memcpy(&spa, arp->spa, 4);
	__builtin_memcpy(&tpa, arp->tpa, 4);
	/*
	 * Claims (A0): a reply says its sender has the sender address; a
	 * request for the sender's own address announces it, and one from
	 * 0.0.0.0 probes for the target (RFC 5227): both claim the target.
	 * Each goes on as before (NON_IP, BAD_SRC).
	 */
	if (arp->op != bpf_htons(VNET_ARP_REQUEST)) {
		if (cfg->claim_age && arp->op == bpf_htons(VNET_ARP_REPLY) &&
		    vnet_ipv4_is_unicast(spa) && vnet_claim((__u8 *)&spa, 4, arp->sha, cfg))
			*answer = VNET_ANSWER_CLAIM;
		return VNET_PASS_NON_IP;
	}
	if (cfg->claim_age && (spa == tpa || !spa) && vnet_ipv4_is_unicast(tpa) &&
	    vnet_claim((__u8 *)&tpa, 4, arp->sha, cfg))
		*answer = VNET_ANSWER_CLAIM;
	if (cfg->no_ipv4)
		return VNET_PASS_DISABLED;
	if (!vnet_ipv4_is_unicast(tpa))
		return VNET_PASS_MCAST_DST;
	/*
	 * A zero sender address is an RFC 5227 probe (duplicate address
	 * detection): answering would tell the prober its address is taken.
	 * A sender asking for its own address announces it: not a question.
	 */
	if (!vnet_mac_is_station(eth->h_source) || !vnet_mac_is_station(arp->sha) ||
	    !vnet_ipv4_is_unicast(spa) || spa == tpa)
		return VNET_PASS_BAD_SRC;
	if (!vnet_in_prefix4((__u8 *)&tpa))
		return VNET_PASS_FILTERED;
	if (vnet_claimed((__u8 *)&tpa, 4, eth->h_source, cfg))
		return VNET_PASS_CLAIMED;			/* A7 */

	__builtin_memcpy(sha, arp->sha, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, 6);
	vnet_copy_cfg_mac(eth->h_source, cfg);
	arp->op = bpf_htons(VNET_ARP_REPLY);
	vnet_copy_cfg_mac(arp->sha, cfg);
	__builtin_memcpy(arp->spa, &tpa, 4);
	__builtin_memcpy(arp->tha, sha, 6);
	__builtin_memcpy(arp->tpa, &spa, 4);
	return VNET_REPLY;
}

/*
 * Neighbor Solicitation, steps N1-N5 (the ICMPv6 header at @icmp is in the
 * frame; its @payload_len bytes are, too, but maybe not all linear). On
 * VNET_REPLY, @req holds what vnet_nd_write() needs: nothing is written
 * yet, because the frame must first take the advertisement's length.
 */
static __always_inline enum vnet_verdict
vnet_nd_check(struct vnet_cursor *c, struct ethhdr *eth, struct ipv6hdr *ip6, __u8 *icmp,
	      __u16 payload_len, const volatile struct vnet_config *cfg,
	      struct vnet_nd_req *req, __u64 *answer)
{
	__u8 *target;

	if (icmp[1] != 0)
		return VNET_PASS_NOT_ECHO;
	if (ip6->hop_limit != VNET_ND_HOP_LIMIT || payload_len < VNET_ND_NS_LEN)
		return VNET_PASS_MALFORMED;
	/* The target, after the 8 bytes already pulled (the last 4 reserved). */
	target = vnet_pull(c, VNET_ND_NS_LEN - 8);
	if (!target)
		return VNET_PASS_TRUNCATED;
	if (cfg->no_ipv6)
		return VNET_PASS_DISABLED;
	if (!vnet_ipv6_is_unicast(target))
		return VNET_PASS_MCAST_DST;
	/*
	 * Unspecified source: duplicate address detection (RFC 4862 5.4.2),
	 * which claims the target for its sender.
	 */
	if (!vnet_mac_is_station(eth->h_source) ||
	    !vnet_ipv6_is_unicast(ip6->saddr.in6_u.u6_addr8)) {
		if (cfg->claim_age && vnet_ipv6_is_zero((__u32 *)ip6->saddr.in6_u.u6_addr8) &&
		    vnet_claim(target, 16, eth->h_source, cfg))
			*answer = VNET_ANSWER_CLAIM;
		return VNET_PASS_BAD_SRC;
	}
	if (!vnet_in_prefix6(target))
		return VNET_PASS_FILTERED;
	if (vnet_claimed(target, 16, eth->h_source, cfg))
		return VNET_PASS_CLAIMED;			/* N7 */

	__builtin_memcpy(req->mac, eth->h_source, 6);
	__builtin_memcpy(req->src, ip6->saddr.in6_u.u6_addr8, 16);
	__builtin_memcpy(req->target, target, 16);
	return VNET_REPLY;
}

/*
 * A Neighbor Advertisement (C1-C3): its sender has the target. Counted as
 * a claim when the target is inside a prefix; handed on as NOT_ECHO in
 * any case, as before.
 */
static __always_inline enum vnet_verdict
vnet_na_claim(struct vnet_cursor *c, struct ethhdr *eth, struct ipv6hdr *ip6, __u8 *icmp,
	      __u16 payload_len, const volatile struct vnet_config *cfg, __u64 *answer)
{
	__u8 *target;

	if (icmp[1] != 0 || ip6->hop_limit != VNET_ND_HOP_LIMIT || payload_len < VNET_ND_NS_LEN)
		return VNET_PASS_NOT_ECHO;
	target = vnet_pull(c, VNET_ND_NS_LEN - 8);
	if (target && vnet_ipv6_is_unicast(target) && vnet_claim(target, 16, eth->h_source, cfg))
		*answer = VNET_ANSWER_CLAIM;
	return VNET_PASS_NOT_ECHO;
}

/*
 * Write the advertisement over a frame already sized to end right after it:
 * @l3 is where the IPv6 header starts (the Ethernet header and any tags
 * before it stay, but for the MACs). 0, or -1 if the bytes are not there.
 */
static __always_inline int vnet_nd_write(void *data, void *data_end, __u32 l3,
					 const struct vnet_nd_req *req,
					 const volatile struct vnet_config *cfg)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	__u16 *words;
	__u8 *na;
	__u32 sum;

	if (l3 > VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN)
		return -1;
	ip6 = data + l3;
	if ((void *)(ip6 + 1) + VNET_ND_NA_LEN > data_end)
		return -1;
	na = (__u8 *)(ip6 + 1);

	__builtin_memcpy(eth->h_dest, req->mac, 6);
	vnet_copy_cfg_mac(eth->h_source, cfg);

	*(__be32 *)ip6 = bpf_htonl(0x60000000);	/* version 6, class 0, no flow label */
	ip6->payload_len = bpf_htons(VNET_ND_NA_LEN);
	ip6->nexthdr = VNET_IPPROTO_ICMPV6;
	ip6->hop_limit = VNET_ND_HOP_LIMIT;
	__builtin_memcpy(ip6->saddr.in6_u.u6_addr8, req->target, 16);
	__builtin_memcpy(ip6->daddr.in6_u.u6_addr8, req->src, 16);

	na[0] = VNET_ND_NA;
	na[1] = 0;
	na[2] = 0;
	na[3] = 0;
	*(__be32 *)(na + 4) = bpf_htonl(VNET_ND_NA_FLAGS);
	__builtin_memcpy(na + 8, req->target, 16);
	na[24] = VNET_ND_OPT_TLLA;
	na[25] = 1;				/* length in units of 8 bytes */
	vnet_copy_cfg_mac(na + 26, cfg);

	/*
	 * From scratch (RFC 4443 2.3): the pseudo-header's addresses, which
	 * sit back to back in the IPv6 header, its length and next header,
	 * and the message. Raw network-order words: the ones' complement sum
	 * does not depend on byte order (RFC 1071).
	 */
	sum = bpf_htons(VNET_ND_NA_LEN) + bpf_htons(VNET_IPPROTO_ICMPV6);
	words = (__u16 *)&ip6->saddr;
#pragma unroll
	for (int i = 0; i < 16; i++)
		sum += words[i];
	words = (__u16 *)na;
#pragma unroll
	for (int i = 0; i < VNET_ND_NA_LEN / 2; i++)
		sum += words[i];
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	*(__u16 *)(na + 2) = (__u16)~sum;
	return 0;
}

#endif /* VNET_NEIGH_H */
