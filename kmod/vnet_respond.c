// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_respond.c - the far end's built-in responder: the slow path that runs
 * when no XDP program is attached or the program says XDP_PASS.
 *
 * It follows the BPF reflector's rules (bpf/reflect.h) check for check, in
 * the same order, so a frame gets the same answer, or the same reason for
 * none, from either side:
 *
 *   1. Ethernet header present                      else TRUNCATED
 *  1a. destination MAC vnet0's own or a group
 *      address (the far end never answers for
 *      another host)                                else OTHER_HOST
 *   2. up to two VLAN tags (802.1Q/802.1ad)         a third: VLAN_DEPTH
 *   3. ethertype IPv4 or IPv6                       else NON_IP
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
 *  12. type 128, code 0                             else NOT_ECHO
 *   Both:
 * 13a. IPv4 TTL / IPv6 hop limit not 0 (a host
 *      must not send 0, RFC 1122 3.2.1.7)           else TTL_ZERO
 *  13. destination MAC unicast, destination IP
 *      unicast (not multicast/broadcast/zero)       else MCAST_DST
 *  14. source MAC unicast and non-zero, source IP
 *      not multicast/broadcast/zero                 else BAD_SRC
 * (reflect.h's step 13, a family vnetctl switched off, has no counterpart:
 * the responder always answers both; its step 1a is always on here, as for
 * vnetctl attach in native mode, where the BPF program gets vnet0's MAC.)
 *
 * An echo request becomes its reply in place: MACs and IP addresses swapped,
 * type rewritten, ICMP checksum updated incrementally (RFC 1624), so a wrong
 * checksum stays wrong and the host's stack rejects the reply; a right one
 * becomes exactly what a recomputation gives (vnet_icmp_fix_zero()).
 * Anything else is consumed and counted, never looped back.
 *
 * The transmit path leaves no VLAN tag in skb metadata (vnet0 offers no VLAN
 * offload, so the core puts tags into the frame before ndo_start_xmit): the
 * tags in the bytes are all there are.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "vnet_drv.h"

#define VNET_MAX_VLAN		2
/* The deepest headers any answer needs: two tags, IPv6, the ICMPv6 header. */
#define VNET_MAX_HDR_LEN	(ETH_HLEN + VNET_MAX_VLAN * VLAN_HLEN + \
				 sizeof(struct ipv6hdr) + sizeof(struct icmp6hdr))

/* Where the parts of an echo request are, as offsets from the MAC header. */
struct vnet_echo {
	unsigned int	l3;		/* IPv4 or IPv6 header */
	unsigned int	icmp;		/* ICMP or ICMPv6 header */
	unsigned int	icmp_len;	/* ICMP message, header included */
	u8		family;		/* 4 or 6 */
};

/* Unicast in reflect.h's sense: not 0.0.0.0, 255.255.255.255 or 224/4. */
static bool vnet_ipv4_unicast(__be32 addr)
{
	return addr && !ipv4_is_lbcast(addr) && !ipv4_is_multicast(addr);
}

static bool vnet_ipv6_unicast(const struct in6_addr *addr)
{
	return !ipv6_addr_any(addr) && !ipv6_addr_is_multicast(addr);
}

/*
 * reflect.h's list (RFC 8200 and the IANA registry), deliberately not
 * ipv6_ext_hdr(): that one leaves out ESP, Mobility, HIP and Shim6, and
 * counts No Next Header (59), which the reflector reports as NOT_ECHO.
 */
static bool vnet_ipv6_ext_hdr(u8 nexthdr)
{
	switch (nexthdr) {
	case NEXTHDR_HOP:
	case NEXTHDR_ROUTING:
	case NEXTHDR_ESP:
	case NEXTHDR_AUTH:
	case NEXTHDR_DEST:
	case NEXTHDR_MOBILITY:
	case 139:	/* Host Identity Protocol */
	case 140:	/* Shim6 */
	case 253:	/* experimentation and testing (RFC 3692) */
	case 254:
		return true;
	}
	return false;
}

/*
 * Steps 12 to 14, shared by both families once e->icmp is known: the ICMP
 * and ICMPv6 headers begin alike (type, code) and are as long, and only the
 * echo request's type differs. @ttl is the TTL or hop limit, @dst_ok and
 * @src_ok whether the IP addresses are unicast.
 */
static enum vnet_resp_verdict vnet_check_echo(const u8 *data, unsigned int hlen,
					      const struct vnet_echo *e, u8 echo_type, u8 ttl,
					      bool dst_ok, bool src_ok)
{
	const struct ethhdr *eth = (const void *)data;
	const struct icmphdr *icmp = (const void *)(data + e->icmp);

	BUILD_BUG_ON(sizeof(struct icmphdr) != sizeof(struct icmp6hdr));
	if (hlen < e->icmp + sizeof(*icmp))
		return VNET_RESP_TRUNCATED;
	if (icmp->type != echo_type || icmp->code != 0)
		return VNET_RESP_NOT_ECHO;
	if (!ttl)
		return VNET_RESP_TTL_ZERO;
	if (is_multicast_ether_addr(eth->h_dest) || !dst_ok)
		return VNET_RESP_MCAST_DST;
	if (is_multicast_ether_addr(eth->h_source) || is_zero_ether_addr(eth->h_source) ||
	    !src_ok)
		return VNET_RESP_BAD_SRC;
	return VNET_RESP_REPLY;
}

/*
 * @data holds the frame's first @hlen bytes, which are all of its headers
 * up to VNET_MAX_HDR_LEN (or the whole frame if shorter); @len is the whole
 * frame. So a header missing from @data is a header missing from the frame.
 */
static enum vnet_resp_verdict vnet_parse_ipv4(const u8 *data, unsigned int hlen,
					 unsigned int len, struct vnet_echo *e)
{
	const struct iphdr *iph = (const void *)(data + e->l3);
	unsigned int tot_len;

	if (hlen < e->l3 + sizeof(*iph))
		return VNET_RESP_TRUNCATED;
	if (iph->version != 4 || iph->ihl < 5)
		return VNET_RESP_MALFORMED;
	if (iph->ihl != 5)
		return VNET_RESP_IP_OPTIONS;
	tot_len = ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph))
		return VNET_RESP_MALFORMED;
	if (tot_len > len - e->l3)
		return VNET_RESP_TRUNCATED;
	if (ip_is_fragment(iph))
		return VNET_RESP_FRAGMENT;
	if (iph->protocol != IPPROTO_ICMP)
		return VNET_RESP_NOT_ECHO;
	if (tot_len < sizeof(*iph) + sizeof(struct icmphdr))
		return VNET_RESP_MALFORMED;

	e->family = 4;
	e->icmp = e->l3 + sizeof(*iph);
	e->icmp_len = tot_len - sizeof(*iph);
	return vnet_check_echo(data, hlen, e, ICMP_ECHO, iph->ttl,
			       vnet_ipv4_unicast(iph->daddr), vnet_ipv4_unicast(iph->saddr));
}

static enum vnet_resp_verdict vnet_parse_ipv6(const u8 *data, unsigned int hlen,
					 unsigned int len, struct vnet_echo *e)
{
	const struct ipv6hdr *ip6 = (const void *)(data + e->l3);

	if (hlen < e->l3 + sizeof(*ip6))
		return VNET_RESP_TRUNCATED;
	if (ip6->version != 6)
		return VNET_RESP_MALFORMED;
	/* No extension header is answered: the payload is the ICMPv6 message. */
	e->icmp_len = ntohs(ip6->payload_len);
	if (sizeof(*ip6) + e->icmp_len > len - e->l3)
		return VNET_RESP_TRUNCATED;
	if (ip6->nexthdr == NEXTHDR_FRAGMENT)
		return VNET_RESP_FRAGMENT;
	if (vnet_ipv6_ext_hdr(ip6->nexthdr))
		return VNET_RESP_IPV6_EXT;
	if (ip6->nexthdr != IPPROTO_ICMPV6)
		return VNET_RESP_NOT_ECHO;
	if (e->icmp_len < sizeof(struct icmp6hdr))
		return VNET_RESP_MALFORMED;

	e->family = 6;
	e->icmp = e->l3 + sizeof(*ip6);
	return vnet_check_echo(data, hlen, e, ICMPV6_ECHO_REQUEST, ip6->hop_limit,
			       vnet_ipv6_unicast(&ip6->daddr), vnet_ipv6_unicast(&ip6->saddr));
}

/* @own: the device's MAC, the only unicast destination the far end answers. */
static enum vnet_resp_verdict vnet_parse(const u8 *data, unsigned int hlen, unsigned int len,
				    const u8 *own, struct vnet_echo *e)
{
	const struct ethhdr *eth = (const void *)data;
	__be16 proto;
	int tags;

	if (hlen < ETH_HLEN)
		return VNET_RESP_TRUNCATED;
	if (!is_multicast_ether_addr(eth->h_dest) && !ether_addr_equal(eth->h_dest, own))
		return VNET_RESP_OTHER_HOST;
	proto = eth->h_proto;
	e->l3 = ETH_HLEN;

	for (tags = 0; eth_type_vlan(proto); tags++) {
		const struct vlan_hdr *vh = (const void *)(data + e->l3);

		if (tags == VNET_MAX_VLAN)
			return VNET_RESP_VLAN_DEPTH;
		if (hlen < e->l3 + VLAN_HLEN)
			return VNET_RESP_TRUNCATED;
		proto = vh->h_vlan_encapsulated_proto;
		e->l3 += VLAN_HLEN;
	}

	switch (proto) {
	case htons(ETH_P_IP):
		return vnet_parse_ipv4(data, hlen, len, e);
	case htons(ETH_P_IPV6):
		return vnet_parse_ipv6(data, hlen, len, e);
	default:
		return VNET_RESP_NON_IP;
	}
}

/* Turn the request at @data into its reply; its headers must be writable. */
static void vnet_rewrite(u8 *data, const struct vnet_echo *e)
{
	struct ethhdr *eth = (void *)data;
	u8 mac[ETH_ALEN];
	__be16 *type_code = (void *)(data + e->icmp);
	__be16 old = *type_code;

	ether_addr_copy(mac, eth->h_dest);
	ether_addr_copy(eth->h_dest, eth->h_source);
	ether_addr_copy(eth->h_source, mac);

	if (e->family == 4) {
		struct iphdr *iph = (void *)(data + e->l3);
		struct icmphdr *icmp = (void *)type_code;

		/* The IP header checksum does not change when its words swap. */
		swap(iph->saddr, iph->daddr);
		icmp->type = ICMP_ECHOREPLY;
		csum_replace2(&icmp->checksum, old, *type_code);
	} else {
		struct ipv6hdr *ip6 = (void *)(data + e->l3);
		struct icmp6hdr *icmp6 = (void *)type_code;

		/* Nor does the pseudo-header sum ICMPv6 covers. */
		swap(ip6->saddr, ip6->daddr);
		icmp6->icmp6_type = ICMPV6_ECHO_REPLY;
		csum_replace2(&icmp6->icmp6_cksum, old, *type_code);
	}
}

/*
 * RFC 1624 eqn. 3 and a recomputation from scratch agree on every reply but
 * one: an ICMP message that is all zero (type 0, id 0, sequence 0, zero
 * data) sums to +0, so its checksum is 0xFFFF, while the equation, which
 * never sees the data, says 0x0000, and the receiver would drop the reply.
 * (ICMPv6 sums the pseudo-header too, which is never zero.) So only when
 * the equation gave 0x0000 is the message summed: a ones' complement sum is
 * +0 only when every term is zero.
 */
static void vnet_icmp_fix_zero(struct sk_buff *skb, const struct vnet_echo *e)
{
	struct icmphdr *icmp = (void *)(skb->data + e->icmp);

	if (e->family != 4 || icmp->checksum)
		return;
	if (!skb_checksum(skb, e->icmp, e->icmp_len, 0))
		icmp->checksum = CSUM_MANGLED_0;
}

/*
 * The reply is a new frame from another host, not the host's own packet
 * coming back: it no longer belongs to the sending socket, and routing,
 * conntrack, mark and timestamps of the request do not apply to it.
 */
static void vnet_reply_scrub(struct sk_buff *skb)
{
	skb_orphan(skb);
	skb_scrub_packet(skb, true);
	skb->priority = 0;
	skb_clear_hash(skb);
}

/*
 * The far end's answer to @skb: the reply, made from @skb itself, or NULL
 * when there is none (consumed and counted under its reason, or lost to an
 * error). @own is the device's MAC, the only unicast destination answered.
 * Where the reply goes is the caller's business. @skb's data may be
 * shared with clones (a packet socket on vnet0 holds one of every frame
 * sent): headers are made private before they are rewritten, and only then.
 */
struct sk_buff *vnet_respond(struct vnet_priv *priv, const u8 *own, struct sk_buff *skb)
{
	enum vnet_resp_verdict v;
	struct vnet_echo e;

	/* Pulling copies a cloned head rather than touching the shared one. */
	if (!pskb_may_pull(skb, min_t(unsigned int, skb->len, VNET_MAX_HDR_LEN)))
		goto err;

	v = vnet_parse(skb->data, skb_headlen(skb), skb->len, own, &e);
	if (v != VNET_RESP_REPLY) {
		vnet_count(priv, VNET_CONSUMED + v - 1, 1);
		consume_skb(skb);
		return NULL;
	}

	/* Zerocopy pages belong to a user process: never send them back up. */
	if (skb_orphan_frags_rx(skb, GFP_ATOMIC) ||
	    skb_ensure_writable(skb, e.icmp + sizeof(struct icmphdr)))
		goto err;

	vnet_rewrite(skb->data, &e);
	vnet_icmp_fix_zero(skb, &e);
	vnet_count(priv, e.family == 4 ? VNET_BUILTIN_ECHO4 : VNET_BUILTIN_ECHO6, 1);
	vnet_reply_scrub(skb);
	return skb;

err:
	vnet_link_error(priv, skb);
	return NULL;
}
