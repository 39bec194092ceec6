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
 *  1a. with cfg.dst_mac set (not all zero): the
 *      destination MAC is a group address or
 *      cfg.dst_mac, the interface's own: a frame
 *      sent to another host is that host's          else OTHER_HOST
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
 * 13a. IPv4 TTL / IPv6 hop limit not 0 (a host
 *      must not send 0, RFC 1122 3.2.1.7)           else TTL_ZERO
 *  14. destination MAC unicast, destination IP
 *      unicast (not multicast/broadcast/zero)       else MCAST_DST
 *  15. source MAC unicast and non-zero, source IP
 *      not multicast/broadcast/zero                 else BAD_SRC
 *  16. without prefixes, or destination IP inside
 *      a prefix of its family                       else FILTERED
 * 16a. with prefixes and cfg.claim_age: no live
 *      claim of the destination by another MAC
 *      (subnet.h; below)                            else CLAIMED
 *  17. no rate limit configured, or a token in the
 *      source's bucket (cfg.rate_per_source) and
 *      then in the global one (cfg.rate_global)     else RATE_LIMITED, or
 *                                                   DROP_RATE_LIMITED with
 *                                                   cfg.rate_drop
 *      (ratelimit.h: token buckets of one second's burst; a request over
 *      either limit takes no token from either)
 *  18. the destination's prefix (longest match) has
 *      no hops, or the request's TTL / hop limit k
 *      is 0 or above them                          else router k's Time
 *                                                   Exceeded (below)
 *      and for hops N the echo reply's TTL / hop limit is (cfg.ttl, or 64)
 *      - N, at least 1, instead of cfg.ttl or the request's. Before it,
 *      with the prefix's loss_ppm, the request is dropped with that
 *      probability (the hook: XDP_DROP / TC_ACT_SHOT, drop_loss); after
 *      it, with dup_ppm, the reply is sent twice where the hook can
 *      clone (tc), once otherwise; with the prefix's delay_us, the
 *      reply's delay is drawn (delay.h), which tc applies as its
 *      earliest departure time.
 *   The echo reply: MACs swapped, IP addresses swapped, type 0 / 129, the
 *   ICMP checksum as below; with cfg.ttl != 0 the IPv4 TTL or IPv6 hop
 *   limit set to it (the IPv4 header checksum updated, RFC 1624 eqn. 3, which
 *   gives what a recomputation gives whenever the request's was right).
 *   Every other byte stays, padding included.
 *
 *   UDP and TCP, with prefixes (l4.h), in place of step 10's NOT_ECHO:
 *  L1. protocol UDP (17) or TCP (6), destination
 *      inside a prefix whose attributes have
 *      VNET_ATTR_L4                                 else NOT_ECHO
 *  L2. family not switched off by config            else DISABLED
 *  L3. IP length >= header + 8 (UDP) or + 20 (TCP),
 *      TCP data offset >= 5 and within the length  else MALFORMED
 *  L4. the UDP/TCP header in the linear bytes       else TRUNCATED
 *  L5, L6. steps 14 and 15                          MCAST_DST, BAD_SRC
 * L6a. step 16a                                     CLAIMED
 *  L7. step 17                                      RATE_LIMITED
 *  L8. step 18: TTL / hop limit k in 1..hops        router k's Time Exceeded
 *  L9. UDP: ICMP Port Unreachable (type 3 code 3, ICMPv6 type 1 code 4),
 *      laid out as the Time Exceeded but from the destination, with the
 *      TTL of step 18. TCP: RST set: NOT_ECHO; SYN without ACK to a port
 *      of the prefix: SYN-ACK (seq = ~SEG.SEQ, ack = SEG.SEQ + 1, window
 *      64240); any other segment to such a port: NOT_ECHO; to another
 *      port: with ACK a RST (seq = SEG.ACK), without a RST-ACK (seq 0,
 *      ack = SEG.SEQ + SEG.LEN, SYN and FIN counting one each). The TCP
 *      answer is a fresh IP header (as the Time Exceeded's, protocol 6)
 *      and a 20-byte TCP header (ports swapped, no options, urgent 0), and
 *      the frame ends there.
 *
 *   ICMP timestamp requests, with prefixes (l4.h), in place of step 12's
 *   NOT_ECHO for IPv4:
 *  T1. type 13 code 0, destination inside a prefix
 *      with VNET_ATTR_L4                            else NOT_ECHO
 *  T2. total length >= 40                           else MALFORMED
 *  T3. the 20 bytes in the linear bytes             else TRUNCATED
 *  T4-T8. as L2, L5-L8 (and L6a)
 *   The reply: MACs and addresses swapped, total length 40, the TTL of
 *   step 18, the header checksum (TOS, id and flags stay); type 14 code 0,
 *   originate kept, receive = transmit = ms since midnight UT (the TAI
 *   clock less cfg.tai_offset), checksum; the frame ends there.
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
 *  A7. step 16a for the target IP                   else CLAIMED
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
 *  N7. step 16a for the target                      else CLAIMED
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
 *   Claims, with prefixes and cfg.claim_age (stepping aside, subnet.h):
 *   a frame that says a MAC has an address claims it for that MAC when the
 *   MAC is a station's other than cfg.mac and the address is unicast and
 *   inside a prefix: an ARP packet that passed A1 and A2's format checks
 *   with op 2 (the sender's address, sender MAC), or op 1 with sender IP
 *   0.0.0.0 or the target IP (the target); a Neighbor Solicitation failing
 *   N5 with source :: (the target, Ethernet source); a Neighbor
 *   Advertisement (C1: type 136 with prefixes, code 0, hop limit 255,
 *   payload length >= 24; the target, Ethernet source). The frame keeps
 *   its verdict (NON_IP, BAD_SRC, NOT_ECHO, ...) and is counted in claims
 *   too. A claim is live for cfg.claim_age seconds after its last such
 *   frame; step 16a's test of a request from the claimant's own MAC ends
 *   the claim (the claimant does not hold the address) and passes.
 *
 *   The Time Exceeded of router k (hops.h), for a request that passed step
 *   17: the frame becomes the probe's Ethernet header (MACs swapped, tags
 *   kept), a new IP header, an 8-byte ICMP header and the quote, and ends
 *   there (padding goes). IPv4: version 4, IHL 5, TOS 0, length, id 0,
 *   no flags, TTL (cfg.ttl, or 64) - (k - 1) but at least 1, protocol 1,
 *   header checksum, source router k, destination the probe's source;
 *   ICMP type 11 code 0, checksum, 4 zero bytes, then the probe's first
 *   min(total length, 548) bytes (576 in all, RFC 1812 4.3.2.3). IPv6:
 *   version 6, class and flow label 0,
 *   payload length, next header 58, hop limit as the IPv4 TTL, the same
 *   addresses; ICMPv6 type 3 code 0, checksum (with the pseudo-header), 4
 *   zero bytes, then the probe's first min(40 + payload length, 1232)
 *   bytes. Router k is the prefix's vnet_prefix_attr.router plus k - 1 in
 *   its last 32 bits. Where the frame cannot be grown at the head, the
 *   request is handed on as TRUNCATED.
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

/* Each header includes what it uses (tests/46-bpf-headers.t compiles each alone). */
#include "answer.h"
#include "csum.h"
#include "delay.h"
#include "echo.h"
#include "frag.h"
#include "hops.h"
#include "l4.h"
#include "neigh.h"
#include "packet.h"
#include "ratelimit.h"
#include "result.h"
#include "subnet.h"
#include "vnet.shared.h"

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
 * pseudo-header, which is never zero). Only when the new checksum @csum
 * came out 0x0000 is the reply's data looked at: if every byte of the
 * message at [@off, @off + @len) of the frame is zero, the checksum must be
 * 0xFFFF, or the receiver's verification sums to +0 and drops the reply.
 * One in 65,536 random requests pays for the scan; the rest pay one
 * comparison, of a value still in a register.
 */
static __always_inline void vnet_icmp_fix_zero(void *ctx, int hook, __u8 *icmp, __u16 csum,
					       __u32 off, __u32 len)
{
	struct vnet_zero_scan z;

	/* Test first: the scan's setup is not for every reply to pay. */
	if (vnet_likely(csum != 0))
		return;
	z = (struct vnet_zero_scan){
		.ctx = ctx, .off = off, .end = off + len, .nonzero = 0,
	};
	/* 8-byte steps, then byte steps for the tail. */
	bpf_loop(len / 8 + len % 8,
		 hook == VNET_HOOK_SKB ? (void *)vnet_zero_step_skb :
					 (void *)vnet_zero_step_xdp, &z, 0);
	if (!z.nonzero)
		*(__u16 *)(icmp + 2) = 0xFFFF;
}

/*
 * The answers beside the echo (hops.h, l4.h) run out of line, as BPF
 * subprograms (vnet_side_*() below): inlined, their code shared the echo
 * path's registers, and the echo reply paid for it in spills, ~2 ns of
 * bench/micro's default row. A subprogram takes at most five arguments,
 * so what they need travels in this struct, on the caller's stack and
 * filled in only on their way; one subprogram per family keeps the
 * address length a constant, which the verifier needs to see the bounds.
 */
struct vnet_side {
	void *data_end;
	struct ethhdr *eth;
	__u8 *addrs;		/* source address, destination after it */
	__u8 *l4;		/* the ICMP, UDP or TCP header */
	const struct vnet_state *st;
	const volatile struct vnet_config *cfg;
	struct vnet_result *res;
	const struct vnet_prefix_attr *attr;	/* hops only */
	__u64 ip_len;
	__u16 req_word, reply_word;	/* hops only */
	__u16 csum;		/* hops only: out, the echo reply's checksum */
	__u8 proto;		/* l4 only */
};

/*
 * Steps 17 and 18 for a destination inside a prefix with hops (hops.h):
 * the rate limit, then either router k's Time Exceeded (res->answer says
 * so; the frame is untouched, the hook rebuilds it) or the echo reply with
 * the TTL / hop limit of a host attr->hops routers away. Out of the way of
 * vnet_answer()'s own path: a frame gets here only through a prefix
 * lookup, so without prefixes nothing of this is run.
 */
static __always_inline enum vnet_verdict
vnet_answer_hops(struct ethhdr *eth, __u8 *addrs, int addr_len, __u8 *icmp, __u16 req_word,
		 __u16 reply_word, const struct vnet_prefix_attr *attr,
		 const volatile struct vnet_config *cfg, __u16 *csum, __u64 ip_len,
		 struct vnet_result *res)
{
	enum vnet_verdict v;

	v = vnet_rate_limit(cfg, addrs, addr_len);
	if (v != VNET_REPLY)
		return v;
	if (vnet_chance(attr->loss_ppm, cfg)) {
		res->answer = VNET_ANSWER_LOST;
		*csum = 1;
		return VNET_REPLY;	/* the hook drops it */
	}
	if (attr->hops && vnet_hops_expired(addrs, addr_len, ip_len, attr, cfg, &res->hop)) {
		res->answer = addr_len == 4 ? VNET_ANSWER_TIMEX4 : VNET_ANSWER_TIMEX6;
		*csum = 1;	/* not the echo's 0x0000 case (vnet_icmp_fix_zero()) */
		return VNET_REPLY;
	}
	/*
	 * The TTL here, not in vnet_answer()'s --ttl step (which this path
	 * skips): N hops down, or, with loss= or dup= alone, the plain
	 * prefix's (cfg.ttl, or the request's).
	 */
	if (attr->hops || cfg->ttl)
		vnet_set_ttl(addrs, addr_len, attr->hops ? vnet_hops_ttl(cfg, attr->hops) : cfg->ttl);
	vnet_rewrite(eth, addrs, addr_len, icmp, req_word, reply_word, csum);
	res->delay_us = vnet_delay_draw(attr);
	res->jittered = attr->jitter_us != 0;
	if (vnet_chance(attr->dup_ppm, cfg))
		res->answer = addr_len == 4 ? VNET_ANSWER_DUP4 : VNET_ANSWER_DUP6;
	else
		res->answer = addr_len == 4 ? VNET_ANSWER_HOPS4 : VNET_ANSWER_HOPS6;
	return VNET_REPLY;
}

static __noinline enum vnet_verdict vnet_side_hops4(struct vnet_side *a)
{
	return vnet_answer_hops(a->eth, a->addrs, 4, a->l4, a->req_word, a->reply_word,
				a->attr, a->cfg, &a->csum, a->ip_len, a->res);
}

static __noinline enum vnet_verdict vnet_side_hops6(struct vnet_side *a)
{
	return vnet_answer_hops(a->eth, a->addrs, 16, a->l4, a->req_word, a->reply_word,
				a->attr, a->cfg, &a->csum, a->ip_len, a->res);
}

/*
 * Steps 14-18 and the rewrite, shared by both families (vnet_rewrite()).
 * Returns the reply's ICMP checksum in *@csum.
 */
static __always_inline enum vnet_verdict
vnet_answer(struct ethhdr *eth, __u8 *addrs, int addr_len,
	    __u8 *icmp, __u16 req_word, __u16 reply_word, const struct vnet_state *st,
	    const volatile struct vnet_config *cfg, __u16 *csum, __u64 ip_len,
	    struct vnet_result *res)
{
	const struct vnet_prefix_attr *attr;
	enum vnet_verdict v;

	v = vnet_answer_checks(eth, addrs, addr_len, st, &attr);
	if (v != VNET_REPLY)
		return v;
	if (attr) {
		if (vnet_claimed(addrs + addr_len, addr_len, vnet_eth_src(eth), cfg))
			return VNET_PASS_CLAIMED;		/* 16a */
		if (attr->hops || (attr->flags & (VNET_ATTR_CHAOS | VNET_ATTR_DELAY))) {
			struct vnet_side a = {
				.eth = eth, .addrs = addrs, .l4 = icmp, .cfg = cfg,
				.res = res, .attr = attr, .ip_len = ip_len,
				.req_word = req_word, .reply_word = reply_word,
			};

			v = addr_len == 4 ? vnet_side_hops4(&a) : vnet_side_hops6(&a);
			*csum = a.csum;
			return v;
		}
	}
	v = vnet_rate_limit(cfg, addrs, addr_len);
	if (v != VNET_REPLY)
		return v;
	/*
	 * Pruned without --ttl; vnet_answer_hops() sets its own. Here, not
	 * in the callers after a test of res->answer, which the echo path
	 * paid for in loads even without --ttl.
	 */
	if (cfg->ttl)
		vnet_set_ttl(addrs, addr_len, cfg->ttl);
	vnet_rewrite(eth, addrs, addr_len, icmp, req_word, reply_word, csum);
	return VNET_REPLY;
}

static __noinline enum vnet_verdict vnet_side_l4_4(struct vnet_side *a)
{
	return vnet_l4(a->data_end, a->eth, a->addrs, 4, a->l4, a->proto, a->ip_len, a->st,
		       a->cfg, a->res);
}

static __noinline enum vnet_verdict vnet_side_l4_6(struct vnet_side *a)
{
	return vnet_l4(a->data_end, a->eth, a->addrs, 16, a->l4, a->proto, a->ip_len, a->st,
		       a->cfg, a->res);
}

static __noinline enum vnet_verdict vnet_side_ts(struct vnet_side *a)
{
	return vnet_icmp_ts(a->data_end, a->eth, (struct iphdr *)(a->addrs - 12), a->l4,
			    a->ip_len, a->st, a->cfg, a->res);
}

static __always_inline enum vnet_verdict
vnet_reflect_ipv4(void *ctx, int hook, void *data, void *data_end, struct ethhdr *eth,
		  struct iphdr *iph, __u64 l3_len, const struct vnet_state *st,
		  const volatile struct vnet_config *cfg, struct vnet_result *res)
{
	const __u16 req = VNET_ICMP_WORD(VNET_ICMP_ECHO, 0);
	__u8 *icmp = (__u8 *)(iph + 1);
	enum vnet_verdict v;
	__u16 tot_len, csum;
	__u8 ver_ihl;

	if ((void *)(iph + 1) > data_end)
		return VNET_PASS_TRUNCATED;
	/* Steps 5 and 6 in one test for the usual header: version 4, IHL 5. */
	ver_ihl = *(__u8 *)iph;
	if (vnet_unlikely(ver_ihl != 0x45)) {
		if ((ver_ihl >> 4) != 4 || (ver_ihl & 0xF) < 5)
			return VNET_PASS_MALFORMED;
		return VNET_PASS_IP_OPTIONS;
	}
	tot_len = bpf_ntohs(iph->tot_len);
	if (vnet_unlikely(tot_len < sizeof(*iph)))
		return VNET_PASS_MALFORMED;
	if (vnet_unlikely(tot_len > l3_len))
		return VNET_PASS_TRUNCATED;
	if (vnet_unlikely(iph->frag_off & bpf_htons(VNET_IP_MF | VNET_IP_OFFSET)))
		return vnet_frag_verdict(vnet_frag4(data_end, eth, iph, st, cfg), res);
	if (vnet_unlikely(iph->protocol != VNET_IPPROTO_ICMP)) {
		struct vnet_side a = {
			.data_end = data_end, .eth = eth, .addrs = vnet_ip4_addrs(iph),
			.l4 = icmp, .st = st, .cfg = cfg, .res = res, .ip_len = tot_len,
			.proto = iph->protocol,
		};

		return vnet_side_l4_4(&a);	/* NOT_ECHO but to a prefix's L4 */
	}
	if (vnet_unlikely(tot_len < sizeof(*iph) + 8))
		return VNET_PASS_MALFORMED;
	if ((void *)(icmp + 8) > data_end)
		return VNET_PASS_TRUNCATED;
	if (vnet_unlikely(vnet_ld16(icmp) != req)) {
		struct vnet_side a = {
			.data_end = data_end, .eth = eth, .addrs = vnet_ip4_addrs(iph),
			.l4 = icmp, .st = st, .cfg = cfg, .res = res, .ip_len = tot_len,
		};

		return vnet_side_ts(&a);
	}
	if (vnet_unlikely(cfg->no_ipv4))
		return VNET_PASS_DISABLED;
	if (vnet_unlikely(!iph->ttl))
		return VNET_PASS_TTL_ZERO;

	v = vnet_answer(eth, vnet_ip4_addrs(iph), 4, icmp, req,
			VNET_ICMP_WORD(VNET_ICMP_ECHOREPLY, 0), st, cfg, &csum, tot_len, res);
	if (v != VNET_REPLY)
		return v;
	vnet_icmp_fix_zero(ctx, hook, icmp, csum, (void *)icmp - data, tot_len - sizeof(*iph));
	return VNET_REPLY;
}

static __always_inline enum vnet_verdict
vnet_reflect_ipv6(void *data_end, struct ethhdr *eth, struct ipv6hdr *ip6, __u64 l3_len,
		  const struct vnet_state *st, const volatile struct vnet_config *cfg,
		  struct vnet_result *res)
{
	const __u16 req = VNET_ICMP_WORD(VNET_ICMPV6_ECHO, 0);
	__u8 *icmp = (__u8 *)(ip6 + 1);
	enum vnet_verdict v;
	__u16 payload_len, csum;
	__u8 nexthdr;

	if ((void *)(ip6 + 1) > data_end)
		return VNET_PASS_TRUNCATED;
	if ((*(__u8 *)ip6 >> 4) != 6)
		return VNET_PASS_MALFORMED;
	payload_len = bpf_ntohs(ip6->payload_len);
	if (sizeof(*ip6) + payload_len > l3_len)
		return VNET_PASS_TRUNCATED;
	/* ICMPv6 is neither Fragment nor an extension header: test it first. */
	nexthdr = ip6->nexthdr;
	if (vnet_unlikely(nexthdr != VNET_IPPROTO_ICMPV6)) {
		if (nexthdr == 44)
			return vnet_frag_verdict(vnet_frag6(data_end, eth, ip6, st, cfg), res);
		if (vnet_ipv6_is_ext_hdr(nexthdr))
			return VNET_PASS_IPV6_EXT;
		struct vnet_side a = {
			.data_end = data_end, .eth = eth, .addrs = vnet_ip6_addrs(ip6),
			.l4 = icmp, .st = st, .cfg = cfg, .res = res,
			.ip_len = sizeof(*ip6) + payload_len, .proto = nexthdr,
		};

		return vnet_side_l4_6(&a);
	}
	if (payload_len < 8)
		return VNET_PASS_MALFORMED;
	if ((void *)(icmp + 8) > data_end)
		return VNET_PASS_TRUNCATED;
	if (vnet_unlikely(vnet_ld16(icmp) != req)) {
		if (icmp[0] == VNET_ND_NS && vnet_nr_prefixes(st)) {
			struct vnet_cursor c = { .pos = icmp + 8, .end = data_end };

			v = vnet_nd_check(&c, eth, ip6, icmp, payload_len, cfg, &res->nd,
					  &res->answer);
			if (v == VNET_REPLY)
				res->answer = VNET_ANSWER_ND;
			return v;
		}
		/* Pruned by the verifier without --claim-age. */
		if (icmp[0] == VNET_ND_NA && cfg->claim_age && vnet_nr_prefixes(st)) {
			struct vnet_cursor c = { .pos = icmp + 8, .end = data_end };

			return vnet_na_claim(&c, eth, ip6, icmp, payload_len, cfg, &res->answer);
		}
		return VNET_PASS_NOT_ECHO;
	}
	if (vnet_unlikely(cfg->no_ipv6))
		return VNET_PASS_DISABLED;
	if (vnet_unlikely(!ip6->hop_limit))
		return VNET_PASS_TTL_ZERO;

	return vnet_answer(eth, vnet_ip6_addrs(ip6), 16, icmp, req,
			   VNET_ICMP_WORD(VNET_ICMPV6_ECHOREPLY, 0), st, cfg, &csum,
			   sizeof(*ip6) + payload_len, res);
}

/*
 * @ctx: the program's context, of kind @hook (a constant: the compiler keeps
 * only that kind's helpers); @data..@data_end: the readable (linear) bytes;
 * @pkt_len: the whole frame, which for a TC skb can be longer than its
 * linear part; @tags_outside: VLAN tags of this frame that are not in its
 * bytes (the kernel keeps the outermost one in skb metadata by the time TC
 * ingress runs; the reply keeps it too). On VNET_REPLY, @res says what was
 * answered (and, for VNET_ANSWER_ND, what is still to write).
 *
 * Headers are found at fixed offsets from @data, each bounds-checked just
 * before it is read (the order of the checks is the specification's).
 */
static __always_inline enum vnet_verdict
vnet_reflect(void *ctx, int hook, void *data, void *data_end, __u64 pkt_len,
	     int tags_outside, const volatile struct vnet_config *cfg,
	     struct vnet_result *res)
{
	const struct vnet_state *st = vnet_state_get();
	struct ethhdr *eth = data;
	int tags = tags_outside;
	__u32 l3 = VNET_ETH_HLEN;
	enum vnet_verdict v;
	__be16 proto;

	res->answer = 0;
	res->l3 = VNET_ETH_HLEN;
	if (data + VNET_ETH_HLEN > data_end)
		return VNET_PASS_TRUNCATED;
	if (vnet_mac_is_other(vnet_eth_dst(eth), cfg))
		return VNET_PASS_OTHER_HOST;
	proto = eth->h_proto;

#pragma unroll
	for (int i = 0; i < VNET_MAX_VLAN; i++) {
		if (vnet_likely(proto != bpf_htons(VNET_ETH_P_8021Q) &&
				proto != bpf_htons(VNET_ETH_P_8021AD)))
			break;
		/* A constant per unrolled step, so the verifier knows its bounds. */
		l3 = VNET_ETH_HLEN + (i + 1) * VNET_VLAN_HLEN;
		if (data + l3 > data_end)
			return VNET_PASS_TRUNCATED;
		proto = *(__be16 *)(data + l3 - 2);	/* TCI, then the inner type */
		tags++;
	}
	if (proto == bpf_htons(VNET_ETH_P_8021Q) || proto == bpf_htons(VNET_ETH_P_8021AD) ||
	    tags > VNET_MAX_VLAN)
		return VNET_PASS_VLAN_DEPTH;
	res->l3 = l3;

	/* Bytes from the IP header to the end of the frame. */
	__u64 l3_len = pkt_len - l3;

	if (proto == bpf_htons(VNET_ETH_P_IP)) {
		res->answer = VNET_ANSWER_ECHO4;
		v = vnet_reflect_ipv4(ctx, hook, data, data_end, eth, data + l3, l3_len, st, cfg,
				      res);
	} else if (proto == bpf_htons(VNET_ETH_P_IPV6)) {
		res->answer = VNET_ANSWER_ECHO6;
		v = vnet_reflect_ipv6(data_end, eth, data + l3, l3_len, st, cfg, res);
	} else if (proto == bpf_htons(VNET_ETH_P_ARP) && vnet_nr_prefixes(st)) {
		struct vnet_cursor c = { .pos = data + l3, .end = data_end };

		res->answer = VNET_ANSWER_ARP;
		v = vnet_arp(&c, eth, cfg, &res->answer);
	} else {
		v = VNET_PASS_NON_IP;
	}
	return v;
}

#endif /* VNET_REFLECT_H */
