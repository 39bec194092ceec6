/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * echo.h - the echo reply's steps 14-16 (unicast destination, station
 * source, the prefixes), its in-place rewrite and its TTL, shared by
 * reflect.h and the first fragments of frag.h.
 */
#ifndef VNET_ECHO_H
#define VNET_ECHO_H

#include "csum.h"
#include "ether.h"
#include "packet.h"
#include "subnet.h"

/*
 * Steps 14-16: VNET_REPLY when they pass, with the destination's longest
 * prefix in *@attr (NULL without prefixes).
 */
static __always_inline enum vnet_verdict
vnet_answer_checks(struct ethhdr *eth, __u8 *addrs, int addr_len, const struct vnet_state *st,
		   const struct vnet_prefix_attr **attr)
{
	/*
	 * Logical, not bitwise: BPF has no set-on-condition instruction, so
	 * each test combined with | costs a branch and two moves to make a
	 * 0 or 1 first; with || it is one compare-and-branch.
	 */
	if (vnet_mac_is_mcast(vnet_eth_dst(eth)) || !vnet_ip_is_unicast(addrs + addr_len, addr_len))
		return VNET_PASS_MCAST_DST;
	if (!vnet_mac_is_station(vnet_eth_src(eth)) || !vnet_ip_is_unicast(addrs, addr_len))
		return VNET_PASS_BAD_SRC;
	*attr = NULL;
	if (vnet_nr_prefixes(st)) {
		*attr = addr_len == 4 ? vnet_prefix4_attr(addrs + 4) : vnet_prefix6_attr(addrs + 16);
		if (!*attr)
			return VNET_PASS_FILTERED;
	}
	return VNET_REPLY;
}

/*
 * The reply's IPv4 TTL or IPv6 hop limit: @addrs is the source address.
 * IPv4's TTL shares its 16-bit word with the protocol, the word 8 bytes
 * before the source address; the header checksum follows it. The store
 * goes through a byte pointer: through a struct field, clang's type-based
 * alias analysis would take the word for unchanged and reuse the old value.
 */
static __always_inline void vnet_set_ttl(__u8 *addrs, int addr_len, __u8 ttl)
{
	if (addr_len == 4) {
		__u16 *word = (__u16 *)(addrs - 4);
		__u16 old = *word;

		((__u8 *)word)[0] = ttl;
		*(__u16 *)(addrs - 2) = vnet_csum_replace(*(__u16 *)(addrs - 2), old, *word);
	} else {
		addrs[-1] = ttl;	/* in no checksum */
	}
}

/*
 * The rewrite shared by both families: the MAC pair and the address pair
 * (@addrs: source, then destination, @addr_len bytes each) are swapped in
 * place, and the ICMP type word @req_word becomes @reply_word. Returns the
 * reply's ICMP checksum in *@csum.
 */
static __always_inline void vnet_rewrite(struct ethhdr *eth, __u8 *addrs, int addr_len,
					 __u8 *icmp, __u16 req_word, __u16 reply_word,
					 __u16 *csum)
{
	__u16 *icmp_words = (__u16 *)icmp;

	vnet_swap_macs(eth);
	vnet_swap_addrs(addrs, addr_len);
	/* The IP header and pseudo-header sums do not change under a swap. */
	icmp_words[0] = reply_word;
	*csum = vnet_csum_replace(icmp_words[1], req_word, reply_word);
	icmp_words[1] = *csum;
}

#endif /* VNET_ECHO_H */
