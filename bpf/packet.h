/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * packet.h - packet basics for every vnet program: header sizes and
 * protocol numbers, a bounds-checked cursor, word loads, the address
 * predicates (unicast, multicast, a station's MAC) and swaps. Nothing here
 * knows a map or a hook's verdict; reflect.h and the feature headers
 * (subnet, neigh, ratelimit, hops, l4, frag) build on it.
 */
#ifndef VNET_PACKET_H
#define VNET_PACKET_H

#include "ether.h"
#include "vnet.shared.h"

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

/*
 * Branch hints for the echo request's path. clang 14's BPF code keeps the
 * source's block order whatever they say, but its register allocator
 * weighs blocks by them: with the hints the echo reply's path keeps its
 * pointers in registers and the spills go to the ways it rarely takes
 * (bench/micro's default row: 220 instructions run, 21 of them stack
 * accesses, before; 216 and 16 after).
 */
#define vnet_likely(x)		__builtin_expect(!!(x), 1)
#define vnet_unlikely(x)	__builtin_expect(!!(x), 0)

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

/*
 * The addresses in the headers, at their fixed byte offsets. Not
 * eth->h_source or &iph->saddr: vmlinux.h gives its structs
 * preserve_access_index (CO-RE), and where a member's address is taken
 * rather than loaded (a load's offset is patched in place) the relocated
 * offset costs a move and an add at run time, a few times per echo reply.
 * A protocol header's layout cannot move, so nothing is relocated.
 */
static __always_inline __u8 *vnet_eth_dst(struct ethhdr *eth)
{
	return (__u8 *)eth;
}

static __always_inline __u8 *vnet_eth_src(struct ethhdr *eth)
{
	return (__u8 *)eth + 6;
}

/* The source address, the destination right after it. */
static __always_inline __u8 *vnet_ip4_addrs(struct iphdr *iph)
{
	return (__u8 *)iph + 12;
}

static __always_inline __u8 *vnet_ip6_addrs(struct ipv6hdr *ip6)
{
	return (__u8 *)ip6 + 8;
}

/*
 * Packet words. The parser reads and writes headers a word at a time, not
 * a byte at a time: a MAC address is three 16-bit words, an IPv4 address
 * one 32-bit word, an IPv6 address four. Every such access is naturally
 * aligned under the kernel's assumption for packet data (NET_IP_ALIGN: the
 * IP header 4-byte aligned, so the Ethernet header and tags 2-byte), so the
 * program also loads where the verifier enforces strict alignment. The
 * casts go through these helpers so the compiler emits one load or store
 * per word (a __u8 * walked byte by byte compiles to one access per byte).
 */
static __always_inline __u16 vnet_ld16(const void *p)
{
	return *(const __u16 *)p;
}

static __always_inline __u32 vnet_ld32(const void *p)
{
	return *(const __u32 *)p;
}

static __always_inline int vnet_mac_is_mcast(const __u8 *mac)
{
	return mac[0] & 1;	/* I/G bit: multicast, and broadcast too */
}

static __always_inline int vnet_mac_is_zero(const __u8 *mac)
{
	return !(vnet_ld16(mac) | vnet_ld16(mac + 2) | vnet_ld16(mac + 4));
}

/* A station's own address: the test for every source MAC vnet answers. */
static __always_inline int vnet_mac_is_station(const __u8 *mac)
{
	return !vnet_mac_is_mcast(mac) && !vnet_mac_is_zero(mac);
}

/*
 * Step 1a: whether a frame went to another host's unicast MAC. cfg.dst_mac
 * is a frozen constant, so with the check off (all zero) the verifier
 * removes the compare. It runs first thing, while the parse holds few live
 * values: in the middle of vnet_answer() the same compare cost the echo
 * path spills and 2-3 ns in bench/micro.
 */
static __always_inline int vnet_mac_is_other(const __u8 *mac,
					     const volatile struct vnet_config *cfg)
{
	if (!cfg->dst_mac_on)
		return 0;
	if (vnet_ld32(mac + 2) == cfg->dst_mac32 && vnet_ld16(mac) == cfg->dst_mac16)
		return 0;
	return !vnet_mac_is_mcast(mac);
}

/* Which kind of context the core runs on: it decides how bytes are read. */
enum vnet_hook {
	VNET_HOOK_XDP,
	VNET_HOOK_SKB,
};

/*
 * Swap the source and destination addresses, which sit back to back in
 * both IP headers: one 32-bit word each for IPv4, four for IPv6. Spelled
 * out: clang leaves a loop over a count known only after inlining rolled.
 */
static __always_inline void vnet_swap_addrs(__u8 *addrs, int addr_len)
{
	__u32 *a = (__u32 *)addrs, t0, t1, t2, t3;

	if (addr_len == 4) {
		t0 = a[0];
		a[0] = a[1];
		a[1] = t0;
		return;
	}
	t0 = a[0];
	t1 = a[1];
	t2 = a[2];
	t3 = a[3];
	a[0] = a[4];
	a[1] = a[5];
	a[2] = a[6];
	a[3] = a[7];
	a[4] = t0;
	a[5] = t1;
	a[6] = t2;
	a[7] = t3;
}

/*
 * Not 0.0.0.0, not 255.255.255.255, not 224.0.0.0/4. The first two are the
 * one unsigned comparison a - 1 < 0xFFFFFFFE.
 */
static __always_inline int vnet_ipv4_is_unicast(__u32 addr_be)
{
	__u32 a = bpf_ntohl(addr_be);

	return a - 1 < 0xFFFFFFFE && (a >> 28) != 0xE;
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

/* Neither multicast nor ::, the test for both addresses of an echo request. */
static __always_inline int vnet_ipv6_is_unicast(const __u8 *a)
{
	return !vnet_ipv6_is_mcast(a) && !vnet_ipv6_is_zero((const __u32 *)a);
}

/*
 * The ICMP type and code share the header's first 16-bit word; as raw
 * network-order words, so one comparison tests both and the checksum update
 * of the rewrite is a constant expression.
 */
#define VNET_ICMP_WORD(type, code)	bpf_htons((type) << 8 | (code))

/*
 * Whether the @addr_len-byte address at @addr is unicast: for IPv4 not
 * 0.0.0.0, 255.255.255.255 or multicast, for IPv6 not :: or multicast.
 */
static __always_inline int vnet_ip_is_unicast(const __u8 *addr, int addr_len)
{
	if (addr_len == 4)
		return vnet_ipv4_is_unicast(vnet_ld32(addr));
	return vnet_ipv6_is_unicast(addr);
}

#endif /* VNET_PACKET_H */
