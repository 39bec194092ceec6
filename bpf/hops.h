/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * hops.h - prefixes that sit behind virtual routers (PREFIX,hops=N): a
 * probe whose TTL / hop limit k is <= N expires at router k, which sends
 * ICMP Time Exceeded (RFC 792: type 11 code 0, quoting the datagram up to
 * 576 bytes in all, RFC 1812 4.3.2.3; RFC 4443 3.3: type 3 code 0, quoting
 * as much of the packet as fits in the minimum MTU of 1280 bytes); a probe
 * that gets through is answered with a TTL that went down by N on the way
 * back, so ping shows the distance.
 *
 * The decision is made in the core (vnet_hops_expired(), called by
 * reflect.h's vnet_answer() once a request passed every check); the frame
 * is built by the hook, which must first grow it at the head
 * (VNET_HOPS_GROW4/6 bytes) and cut it to its new length, exactly as it
 * does for a Neighbor Advertisement. The layout is in reflect.h's header
 * comment (the specification).
 */
#ifndef VNET_HOPS_H
#define VNET_HOPS_H

#include "csum.h"
#include "packet.h"
#include "vnet.shared.h"

#define VNET_ICMP_TIME_EXCEEDED		11
#define VNET_ICMPV6_TIME_EXCEEDED	3
#define VNET_DEFAULT_TTL		64	/* what a Linux host starts with */
/* The new IP and ICMP headers in front of the quote. */
#define VNET_HOPS_GROW4			(20 + 8)
#define VNET_HOPS_GROW6			(40 + 8)
/*
 * RFC 1812 4.3.2.3, as Linux does: as much of the datagram as keeps the
 * error within 576 bytes (RFC 792's minimum, the header and 64 bits, is
 * not enough in tc mode: the kernel will not cut a locally sent TCP SYN,
 * whose checksum the NIC is still to fill in, before its checksum field).
 */
#define VNET_HOPS_QUOTE4		(576 - 20 - 8)
/* RFC 4443 2.4(c): the whole message within 1280 bytes. */
#define VNET_HOPS_QUOTE6		(1280 - 40 - 8)
/* The quote's checksum is summed in steps of this many bytes. */
#define VNET_HOPS_CHUNK			64

/*
 * What the hook needs to write an ICMP error about a probe (a Time Exceeded
 * here, a Port Unreachable in l4.h), kept across the resize.
 */
struct vnet_hop_req {
	__u8 src[16];		/* who sends it: router k, or the destination */
	__u16 quote;		/* bytes of the probe quoted, from its IP header on */
	__u8 ttl;		/* the error's own TTL / hop limit */
	__u8 pad;
	__u16 type_code;	/* ICMP type and code, as the header's raw word */
};

/* The quote of a probe of @ip_len bytes (IP header included). */
static __always_inline __u16 vnet_hops_quote(int addr_len, __u64 ip_len)
{
	if (addr_len == 4)
		return ip_len < VNET_HOPS_QUOTE4 ? ip_len : VNET_HOPS_QUOTE4;
	return ip_len < VNET_HOPS_QUOTE6 ? ip_len : VNET_HOPS_QUOTE6;
}

/*
 * The TTL of a reply from @dist hops away: it left with cfg.ttl (or a
 * Linux host's 64) and lost one per router, but it arrives.
 */
static __always_inline __u8 vnet_hops_ttl(const volatile struct vnet_config *cfg, __u32 dist)
{
	__u32 base = cfg->ttl ? cfg->ttl : VNET_DEFAULT_TTL;

	return base > dist ? base - dist : 1;
}

/*
 * Whether the probe whose addresses are at @addrs (source, then
 * destination, @addr_len bytes each) expires on the way to a prefix with
 * @attr: its TTL / hop limit k (the byte 4 before the addresses in IPv4,
 * 1 before in IPv6) is between 1 and attr->hops. If so, @req says what
 * router k sends; nothing is written to the frame. k = 0 never gets here
 * in a sane network: it goes on to the echo path like any other.
 */
static __always_inline int vnet_hops_expired(const __u8 *addrs, int addr_len, __u64 ip_len,
					     const struct vnet_prefix_attr *attr,
					     const volatile struct vnet_config *cfg,
					     struct vnet_hop_req *req)
{
	__u8 k = addr_len == 4 ? addrs[-4] : addrs[-1];
	const __u32 *r = (const __u32 *)attr->router;
	__u32 *w = (__u32 *)req->src;

	if (!k || k > attr->hops)
		return 0;
	w[0] = r[0];
	w[1] = r[1];
	w[2] = r[2];
	w[3] = r[3];
	/* Router k: the address of router 1 plus k - 1, in the last 32 bits. */
	if (addr_len == 4)
		w[0] = bpf_htonl(bpf_ntohl(r[0]) + k - 1);
	else
		w[3] = bpf_htonl(bpf_ntohl(r[3]) + k - 1);
	req->quote = vnet_hops_quote(addr_len, ip_len);
	req->ttl = vnet_hops_ttl(cfg, k - 1);
	req->type_code = addr_len == 4 ? bpf_htons(VNET_ICMP_TIME_EXCEEDED << 8) :
					 bpf_htons(VNET_ICMPV6_TIME_EXCEEDED << 8);
	return 1;
}

/*
 * With cfg.seed (--seed): each CPU's state of a xorshift64 generator
 * (Marsaglia 2003), started from the seed on its first draw, so that a
 * test that sends the same frames through one CPU sees the same drops.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} vnet_prng SEC(".maps");

/* 32 random bits: the kernel's per-CPU generator, or the seeded one. */
static __always_inline __u32 vnet_random(const volatile struct vnet_config *cfg)
{
	__u32 key = 0;
	__u64 *state, x;

	if (!cfg->seed)
		return bpf_get_prandom_u32();
	state = bpf_map_lookup_elem(&vnet_prng, &key);
	if (!state)
		return bpf_get_prandom_u32();	/* not reached: one slot per CPU */
	x = *state;
	if (!x)		/* never 0 afterwards: xorshift keeps a non-zero state */
		x = (__u64)cfg->seed * 0x9E3779B97F4A7C15ULL | 1;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (__u32)(x >> 32);
}

/*
 * True with probability @ppm / 10^6 (loss=, dup=): one draw of
 * vnet_random(), scaled by a multiply and a shift, exact at 0 and 100%.
 */
static __always_inline int vnet_chance(__u32 ppm, const volatile struct vnet_config *cfg)
{
	if (!ppm)
		return 0;
	return (((__u64)vnet_random(cfg) * VNET_PPM) >> 32) < ppm;
}

/* State of the quote's checksum loop, on the stack of the calling program. */
struct vnet_sum_scan {
	void *ctx;
	__u32 off;		/* next byte to read */
	__u32 end;		/* one past the quote's last byte */
	__u32 sum;		/* ones' complement sum so far, unfolded */
	__u32 err;
};

/*
 * One bpf_loop() step: up to VNET_HOPS_CHUNK bytes into a zeroed buffer,
 * summed as 16-bit words in memory order (RFC 1071: the sum does not care
 * about byte order; a short last chunk is padded with zeros as the RFC
 * pads an odd byte). Chunks start at even offsets of the message, so the
 * padding never shifts a byte into the wrong half of a word.
 */
static __always_inline long vnet_sum_step(struct vnet_sum_scan *s, int hook)
{
	/*
	 * Read as 64-bit words, summed as their 32-bit halves: a word's sum
	 * is its 16-bit halves' sum weighted by powers of 2^16, and 2^16 is
	 * 1 in ones' complement arithmetic, so the folded sum is the same.
	 * A quarter of the loads, and clang keeps them in registers (as
	 * 16-bit words it spilled each one: 256 bytes of stack, which
	 * bpf_loop()'s callback adds to its caller's, against BPF's 512).
	 */
	__u64 buf[VNET_HOPS_CHUNK / 8] = {};
	__u64 acc = 0;
	__u32 n;
	long err;

	if (s->off >= s->end)
		return 1;
	n = s->end - s->off;
	/* 1..VNET_HOPS_CHUNK, in a form the verifier can bound. */
	n = ((n - 1) & (VNET_HOPS_CHUNK - 1)) + 1;
	if (s->end - s->off >= VNET_HOPS_CHUNK)
		n = VNET_HOPS_CHUNK;
	if (hook == VNET_HOOK_SKB)
		err = bpf_skb_load_bytes(s->ctx, s->off, buf, n);
	else
		err = bpf_xdp_load_bytes(s->ctx, s->off, buf, n);
	if (err) {
		s->err = 1;
		return 1;
	}
#pragma unroll
	for (int i = 0; i < VNET_HOPS_CHUNK / 8; i++)
		acc += (buf[i] & 0xFFFFFFFF) + (buf[i] >> 32);
	s->sum += vnet_fold64(acc);	/* the quote's few steps cannot overflow it */
	s->off += n;
	return 0;
}

static long vnet_sum_step_xdp(__u32 i, void *s)
{
	return vnet_sum_step(s, VNET_HOOK_XDP);
}

static long vnet_sum_step_skb(__u32 i, void *s)
{
	return vnet_sum_step(s, VNET_HOOK_SKB);
}

/*
 * Write the ICMP error (@req: Time Exceeded, Port Unreachable) over a
 * frame that was grown by VNET_HOPS_GROW4/6
 * bytes at the head and cut to end right after the quote: the probe's
 * Ethernet header and tags (@l3 bytes) still sit @grow bytes in, followed
 * by the probe's IP header and the rest of the quote. 0, or -1 if the
 * bytes are not there.
 */
static __always_inline int vnet_hops_write(void *ctx, int hook, void *data, void *data_end,
					   __u32 l3, int family, const struct vnet_hop_req *req)
{
	__u32 grow = family == 4 ? VNET_HOPS_GROW4 : VNET_HOPS_GROW6;
	__u32 hdr = family == 4 ? 20 : 40;
	struct vnet_sum_scan s;
	__u16 *from, *to, *w;
	__u8 *ip, *icmp, *probe;
	__u32 sum = 0, msg_len;

	if (l3 > VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN)
		return -1;
	ip = data + l3;
	/* The probe's IP header, whose source is the new destination. */
	probe = data + l3 + grow;
	if ((void *)probe + hdr > data_end)
		return -1;
	/*
	 * The same bound for the deepest l3, from data itself: the copies
	 * below address the Ethernet header and tags from data, and l3 can
	 * reach the verifier as a range. Every probe passes it: its quote
	 * holds the IP header and at least 8 bytes more.
	 */
	if (data + VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN + grow + hdr > data_end)
		return -1;
	icmp = ip + hdr;

	/* Ethernet: MACs swapped, then the tags and the type as they were. */
	from = data + grow;
	to = data;
#pragma unroll
	for (int i = 0; i < 3; i++) {
		to[i] = from[3 + i];
		to[3 + i] = from[i];
	}
#pragma unroll
	for (int i = 6; i < (VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN) / 2; i++)
		if (i < l3 / 2)
			to[i] = from[i];

	msg_len = 8 + req->quote;
	w = (__u16 *)ip;
	if (family == 4) {
		w[0] = bpf_htons(0x4500);		/* version 4, IHL 5, TOS 0 */
		w[1] = bpf_htons(20 + msg_len);
		w[2] = 0;				/* identification */
		w[3] = 0;				/* no flags, no offset */
		w[4] = bpf_htons((__u16)req->ttl << 8 | VNET_IPPROTO_ICMP);
		w[5] = 0;
		*(__u32 *)(ip + 12) = *(const __u32 *)req->src;
		*(__u32 *)(ip + 16) = *(__u32 *)(probe + 12);
#pragma unroll
		for (int i = 0; i < 10; i++)
			sum += w[i];
		w[5] = (__u16)~vnet_fold(sum);
		sum = 0;
	} else {
		*(__be32 *)ip = bpf_htonl(0x60000000);	/* version 6, class 0, no flow label */
		w[2] = bpf_htons(msg_len);
		w[3] = bpf_htons(VNET_IPPROTO_ICMPV6 << 8 | req->ttl);
#pragma unroll
		for (int i = 0; i < 4; i++) {
			((__u32 *)(ip + 8))[i] = ((const __u32 *)req->src)[i];
			((__u32 *)(ip + 24))[i] = ((__u32 *)(probe + 8))[i];
		}
		/* The pseudo-header (RFC 4443 2.3): addresses, length, next header. */
		sum = bpf_htons(msg_len) + bpf_htons(VNET_IPPROTO_ICMPV6);
#pragma unroll
		for (int i = 4; i < 20; i++)
			sum += w[i];
	}
	*(__u16 *)icmp = req->type_code;
	*(__u16 *)(icmp + 2) = 0;
	*(__u32 *)(icmp + 4) = 0;				/* unused */
	sum += *(__u16 *)icmp;

	/* The quote, wherever its bytes are (linear or not). */
	s = (struct vnet_sum_scan){
		.ctx = ctx, .off = l3 + grow, .end = l3 + grow + req->quote,
	};
	bpf_loop(VNET_HOPS_QUOTE6 / VNET_HOPS_CHUNK + 1,
		 hook == VNET_HOOK_SKB ? (void *)vnet_sum_step_skb :
					 (void *)vnet_sum_step_xdp, &s, 0);
	if (s.err)
		return -1;
	sum = vnet_fold(sum) + vnet_fold(s.sum);
	*(__u16 *)(icmp + 2) = (__u16)~vnet_fold(sum);
	return 0;
}

#endif /* VNET_HOPS_H */
