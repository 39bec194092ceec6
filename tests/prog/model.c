// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * model.c - the reference model: one function per step of the specification
 * (bpf/reflect.h, header comment), over plain bytes.
 *
 * Where the specification leaves a term open, the model takes the standard's
 * meaning: "an extension header" is any type in the IANA "IPv6 Extension
 * Header Types" registry (RFC 7045, RFC 8200 section 4), and a reply's
 * checksum is the one its sender computes from scratch (RFC 792, RFC 4443)
 * whenever the request's own checksum was right. Prefix matching is a plain
 * comparison of the first `len` bits against every configured prefix, not
 * a trie. The ARP reply follows RFC 826, the Neighbor Advertisement RFC 4861
 * section 4.4 with the checksum of RFC 4443 section 2.3.
 */
#include <stdbool.h>
#include <string.h>

#include "csum.h"
#include "model.h"

#define ETH_HDR		14
#define TAG_LEN		4
#define MAX_TAGS	2
#define IPV4_HDR	20
#define IPV6_HDR	40
#define ICMP_HDR	8
#define ARP_LEN		28
#define NS_LEN		24
#define NA_LEN		32	/* header, flags, target, one 8-byte option */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xFFFF);
}

static bool is_vlan_tpid(uint16_t type)
{
	return type == 0x8100 || type == 0x88A8;	/* 802.1Q, 802.1ad */
}

/* The IANA "IPv6 Extension Header Types" registry, Fragment (44) aside. */
static bool is_ipv6_extension(uint8_t next)
{
	static const uint8_t registry[] = { 0, 43, 50, 51, 60, 135, 139, 140, 253, 254 };
	size_t i;

	for (i = 0; i < sizeof(registry); i++)
		if (registry[i] == next)
			return true;
	return false;
}

static bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 0x01;	/* I/G bit: multicast; broadcast is all ones */
}

static bool mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !memcmp(mac, zero, 6);
}

static bool ipv4_is_unicast(const uint8_t *a)
{
	uint32_t addr = (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];

	return addr != 0 && addr != 0xFFFFFFFF && (a[0] & 0xF0) != 0xE0;
}

static bool ipv6_is_unicast(const uint8_t *a)
{
	static const uint8_t zero[16];

	return a[0] != 0xFF && memcmp(a, zero, 16);
}

/* The longest prefix of @family that holds @addr, or NULL. */
static const struct model_prefix *longest_match(const struct model_state *st, int family,
						const uint8_t *addr)
{
	const struct model_prefix *best = NULL;
	size_t i;

	for (i = 0; i < st->nr_entries; i++) {
		const struct model_prefix *p = &st->entries[i];
		unsigned int whole = p->len / 8, rest = p->len % 8;

		if (p->family != family || memcmp(p->addr, addr, whole))
			continue;
		if (rest && ((p->addr[whole] ^ addr[whole]) & (0xFF << (8 - rest)) & 0xFF))
			continue;
		if (!best || p->len > best->len)
			best = p;
	}
	return best;
}

bool model_in_prefix(const struct model_state *st, int family, const uint8_t *addr)
{
	return longest_match(st, family, addr) != NULL;
}

/*
 * Whether another MAC's claim of @addr is live for a request from @mac
 * (steps 16a, A7, N7, L6a, T6a). A request from the claimant itself voids
 * the claim (@res says so; the test drops it from the model's state).
 */
static bool claimed(const struct vnet_config *cfg, const struct model_state *st, int family,
		    const uint8_t *addr, const uint8_t *mac, struct model_result *res)
{
	if (!cfg->claim_age)
		return false;
	for (size_t i = 0; i < st->nr_claims; i++) {
		if (st->claims[i].family != family ||
		    memcmp(st->claims[i].addr, addr, family == 4 ? 4 : 16))
			continue;
		if (memcmp(st->claims[i].mac, mac, 6))
			return true;
		res->unclaim = true;
		return false;
	}
	return false;
}

/*
 * A frame in which @mac says it has @addr: a claim if stepping aside is
 * on, the MAC a station's other than cfg.mac and the address inside a
 * prefix. Only noted in @res; the frame's verdict does not change.
 */
static void note_claim(const struct vnet_config *cfg, const struct model_state *st, int family,
		       const uint8_t *addr, const uint8_t *mac, struct model_result *res)
{
	if (!cfg->claim_age || mac_is_group(mac) || mac_is_zero(mac) ||
	    !memcmp(mac, cfg->mac, 6) || !model_in_prefix(st, family, addr))
		return;
	res->claim = true;
	memset(&res->claimed, 0, sizeof(res->claimed));
	res->claimed.family = family;
	memcpy(res->claimed.addr, addr, family == 4 ? 4 : 16);
	memcpy(res->claimed.mac, mac, 6);
}

static bool rate_checked(const struct vnet_config *cfg)
{
	return cfg->rate_per_source || cfg->rate_global;
}

/*
 * A TTL that left a host at cfg.ttl (or 64, Linux's default) and crossed
 * @dist routers; it arrives, so at least 1.
 */
static uint8_t ttl_after(const struct vnet_config *cfg, unsigned int dist)
{
	unsigned int base = cfg->ttl ? cfg->ttl : 64;

	return base > dist ? base - dist : 1;
}

/*
 * Router @k's address of @p: router 1 is ",via=" or else the network's
 * address plus one, router k is router 1 plus k - 1, carried through the
 * address's last four bytes as one big-endian number.
 */
static void router_addr(const struct model_prefix *p, unsigned int k, uint8_t *out)
{
	size_t alen = p->family == 4 ? 4 : 16;
	uint32_t last;

	memcpy(out, p->via ? p->router : p->addr, alen);
	last = (uint32_t)out[alen - 4] << 24 | out[alen - 3] << 16 | out[alen - 2] << 8 |
	       out[alen - 1];
	last += (p->via ? 0 : 1) + k - 1;
	out[alen - 4] = last >> 24;
	out[alen - 3] = last >> 16;
	out[alen - 2] = last >> 8;
	out[alen - 1] = last;
}

/*
 * An ICMP error about the probe at @in from @src with TTL @ttl: RFC 792
 * (the IP header and 8 bytes of data) or RFC 4443 (as much of the packet
 * as keeps the message within 1280 bytes), behind the probe's Ethernet
 * header with the MACs swapped and its tags.
 */
static void icmp_error(const uint8_t *in, size_t l3, int family, uint8_t type, uint8_t code,
		       const uint8_t *src, uint8_t ttl, uint8_t *out, struct model_result *res)
{
	const uint8_t *probe = in + l3;
	size_t hdr = family == 4 ? IPV4_HDR : IPV6_HDR;
	size_t ip_len = family == 4 ? get_be16(probe + 2) : IPV6_HDR + get_be16(probe + 4);
	/* IPv4: within 576 bytes (RFC 1812 4.3.2.3); IPv6: within 1280 (RFC 4443 2.4). */
	size_t quote = family == 4 ? 576 - IPV4_HDR - ICMP_HDR : 1280 - IPV6_HDR - ICMP_HDR;
	uint8_t *ip = out + l3, *icmp = out + l3 + hdr;

	if (ip_len < quote)
		quote = ip_len;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, in, 6);
	memcpy(out + 12, in + 12, l3 - 12);
	memset(ip, 0, hdr + ICMP_HDR);
	memmove(icmp + ICMP_HDR, probe, quote);	/* probe is in @in: no overlap */
	if (family == 4) {
		ip[0] = 0x45;
		put_be16(ip + 2, IPV4_HDR + ICMP_HDR + quote);
		ip[8] = ttl;
		ip[9] = 1;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, probe + 12, 4);
		put_be16(ip + 10, csum_finish(csum_add(0, ip, IPV4_HDR)));
		icmp[0] = type;
		icmp[1] = code;
		put_be16(icmp + 2, csum_finish(csum_add(0, icmp, ICMP_HDR + quote)));
	} else {
		ip[0] = 0x60;
		put_be16(ip + 4, ICMP_HDR + quote);
		ip[6] = 58;
		ip[7] = ttl;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, probe + 8, 16);
		icmp[0] = type;
		icmp[1] = code;
		put_be16(icmp + 2, csum_finish(csum_add(csum_pseudo6(ip + 8, ip + 24,
								     ICMP_HDR + quote, 58),
							icmp, ICMP_HDR + quote)));
	}
	res->out_len = l3 + hdr + ICMP_HDR + quote;
}

/* Router @k's Time Exceeded (RFC 792 type 11, RFC 4443 type 3; code 0). */
static void time_exceeded(const uint8_t *in, size_t l3, int family, unsigned int k,
			  const struct model_prefix *p, const struct vnet_config *cfg,
			  uint8_t *out, struct model_result *res)
{
	uint8_t router[16];

	router_addr(p, k, router);
	icmp_error(in, l3, family, family == 4 ? 11 : 3, 0, router, ttl_after(cfg, k - 1), out,
		   res);
	res->answer = family == 4 ? MODEL_TIMEX4 : MODEL_TIMEX6;
}

/*
 * A TCP segment to a closed port gets what RFC 9293 3.10.7.1 has a closed
 * port send; a SYN to an open port a SYN-ACK whose sequence number is the
 * complement of the SYN's (the specification's choice: no state). A fresh
 * IP header, a 20-byte TCP header with no options; nothing after it.
 * False where nothing is sent.
 */
static bool tcp_answer(const uint8_t *in, size_t l3, int family, size_t ip_len,
		       const struct model_prefix *p, uint8_t ttl, uint8_t *out,
		       struct model_result *res)
{
	size_t hdr = family == 4 ? IPV4_HDR : IPV6_HDR, alen = family == 4 ? 4 : 16;
	const uint8_t *ip = in + l3, *tcp = ip + hdr;
	const uint8_t *src = ip + (family == 4 ? 12 : 8), *dst = src + alen;
	uint8_t flags = tcp[13], rflags;
	uint32_t seq = get_be32(tcp + 4), ack = get_be32(tcp + 8), rseq, rack;
	uint32_t seg_len = ip_len - hdr - (tcp[12] >> 4) * 4 + !!(flags & 0x02) + !!(flags & 0x01);
	uint16_t win = 0;
	uint8_t *o = out + l3, *t = o + hdr;
	bool open = false;
	uint64_t sum;

	for (unsigned int i = 0; i < p->nr_ports; i++)
		open |= p->ports[i] == get_be16(tcp + 2);
	if (flags & 0x04)
		return false;					/* RST */
	if ((flags & 0x12) == 0x02 && open) {
		rflags = 0x12, rseq = ~seq, rack = seq + 1, win = 64240;
		res->answer = MODEL_TCP_SYNACK;
	} else if (open) {
		return false;
	} else if (flags & 0x10) {
		rflags = 0x04, rseq = ack, rack = 0;
		res->answer = MODEL_TCP_RST;
	} else {
		rflags = 0x14, rseq = 0, rack = seq + seg_len;
		res->answer = MODEL_TCP_RST;
	}
	memcpy(out, in + 6, 6);
	memcpy(out + 6, in, 6);
	memset(o, 0, hdr + 20);
	if (family == 4) {
		o[0] = 0x45;
		put_be16(o + 2, 40);
		o[8] = ttl;
		o[9] = 6;
		memcpy(o + 12, dst, 4);
		memcpy(o + 16, src, 4);
		put_be16(o + 10, csum_finish(csum_add(0, o, IPV4_HDR)));
		sum = csum_add(0, o + 12, 8) + 6 + 20;
	} else {
		o[0] = 0x60;
		put_be16(o + 4, 20);
		o[6] = 6;
		o[7] = ttl;
		memcpy(o + 8, dst, 16);
		memcpy(o + 24, src, 16);
		sum = csum_pseudo6(o + 8, o + 24, 20, 6);
	}
	memcpy(t, tcp + 2, 2);
	memcpy(t + 2, tcp, 2);
	put_be32(t + 4, rseq);
	put_be32(t + 8, rack);
	t[12] = 0x50;
	t[13] = rflags;
	put_be16(t + 14, win);
	put_be16(t + 16, csum_finish(csum_add(sum, t, 20)));
	res->out_len = l3 + hdr + 20;
	return true;
}

/*
 * Steps L1-L9: UDP and TCP to a prefix that answers them (hops or ports).
 * The IP header at @l3 passed steps 4-9; @ip_len is its total length.
 */
static enum vnet_verdict model_l4(const uint8_t *in, size_t l3, int family, uint8_t proto,
				  size_t ip_len, const struct vnet_config *cfg,
				  const struct model_state *st, uint8_t *out,
				  struct model_result *res)
{
	size_t hdr = family == 4 ? IPV4_HDR : IPV6_HDR, alen = family == 4 ? 4 : 16;
	const uint8_t *ip = in + l3, *l4 = ip + hdr;
	const uint8_t *src = ip + (family == 4 ? 12 : 8), *dst = src + alen;
	bool dst_ok = family == 4 ? ipv4_is_unicast(dst) : ipv6_is_unicast(dst);
	bool src_ok = family == 4 ? ipv4_is_unicast(src) : ipv6_is_unicast(src);
	const struct model_prefix *p;
	unsigned int k;

	if (!st->nr_prefixes || (proto != 17 && proto != 6))
		return VNET_PASS_NOT_ECHO;
	p = longest_match(st, family, dst);
	if (!p || !(p->hops || p->l4))
		return VNET_PASS_NOT_ECHO;			/* L1 */
	if (family == 4 ? cfg->no_ipv4 : cfg->no_ipv6)
		return VNET_PASS_DISABLED;			/* L2 */
	if (ip_len < hdr + (proto == 17 ? 8 : 20))
		return VNET_PASS_MALFORMED;			/* L3 */
	if (proto == 6 && ((l4[12] >> 4) < 5 || (size_t)(l4[12] >> 4) * 4 > ip_len - hdr))
		return VNET_PASS_MALFORMED;
	if (mac_is_group(in) || !dst_ok)
		return VNET_PASS_MCAST_DST;			/* L5 */
	if (mac_is_group(in + 6) || mac_is_zero(in + 6) || !src_ok)
		return VNET_PASS_BAD_SRC;			/* L6 */
	if (claimed(cfg, st, family, dst, in + 6, res))
		return VNET_PASS_CLAIMED;			/* L6a */
	if (rate_checked(cfg) && st->over_limit)		/* L7 */
		return cfg->rate_drop ? VNET_DROP_RATE_LIMITED : VNET_PASS_RATE_LIMITED;
	k = ip[family == 4 ? 8 : 7];
	if (p->hops && k >= 1 && k <= p->hops) {		/* L8 */
		time_exceeded(in, l3, family, k, p, cfg, out, res);
		return VNET_REPLY;
	}
	if (proto == 6)						/* L9 */
		return tcp_answer(in, l3, family, ip_len, p, ttl_after(cfg, p->hops), out, res) ?
		       VNET_REPLY : VNET_PASS_NOT_ECHO;
	icmp_error(in, l3, family, family == 4 ? 3 : 1, family == 4 ? 3 : 4, dst,
		   ttl_after(cfg, p->hops), out, res);
	res->answer = family == 4 ? MODEL_UNREACH4 : MODEL_UNREACH6;
	return VNET_REPLY;
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[16];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

/*
 * Give the reply in @out (type already rewritten) its checksum. A request
 * that verified gets the reply's checksum computed from scratch, which is
 * what its sender would have written. One that did not verify keeps its
 * error: RFC 1624's update moves the sum by exactly the change of the type
 * word, so a receiver rejects the reply just as it would the request.
 */
static void reply_checksum(uint64_t pseudo, const uint8_t *req, uint8_t *rep, size_t msg_len)
{
	if (csum_verifies(csum_add(pseudo, req, msg_len))) {
		put_be16(rep + 2, 0);
		put_be16(rep + 2, csum_finish(csum_add(pseudo, rep, msg_len)));
	} else {
		put_be16(rep + 2, csum_update16(get_be16(req + 2), get_be16(req),
						get_be16(rep)));
	}
}

/*
 * Step 1a: with cfg.dst_mac_on, cfg.dst_mac16/32 hold the interface's MAC as
 * the frame's own bytes (raw words). Group addresses are never another host's.
 */
static bool to_other_host(const uint8_t *dst, const struct vnet_config *cfg)
{
	uint8_t own[6];

	memcpy(own, &cfg->dst_mac16, 2);
	memcpy(own + 2, &cfg->dst_mac32, 4);
	return cfg->dst_mac_on && !mac_is_group(dst) && memcmp(dst, own, sizeof(own)) != 0;
}

/*
 * Steps 14 to 18, then the rewrite of MACs and addresses; *@ttl is the
 * reply's TTL / hop limit to set (0: keep the request's). Step 18 may
 * answer with a Time Exceeded instead (res->answer says so).
 */
static enum vnet_verdict answer(const uint8_t *in, uint8_t *out, bool dst_ok, bool src_ok,
				size_t src_off, size_t addr_len, const struct vnet_config *cfg,
				const struct model_state *st, size_t l3, unsigned int *ttl,
				struct model_result *res)
{
	int family = addr_len == 4 ? 4 : 6;
	const struct model_prefix *p;
	unsigned int k;

	if (mac_is_group(in) || !dst_ok)
		return VNET_PASS_MCAST_DST;
	if (mac_is_group(in + 6) || mac_is_zero(in + 6) || !src_ok)
		return VNET_PASS_BAD_SRC;
	if (st->nr_prefixes &&
	    !model_in_prefix(st, addr_len == 4 ? 4 : 6, in + src_off + addr_len))
		return VNET_PASS_FILTERED;				/* 16 */
	if (st->nr_prefixes && claimed(cfg, st, family, in + src_off + addr_len, in + 6, res))
		return VNET_PASS_CLAIMED;				/* 16a */
	if (rate_checked(cfg) && st->over_limit)			/* 17 */
		return cfg->rate_drop ? VNET_DROP_RATE_LIMITED : VNET_PASS_RATE_LIMITED;
	*ttl = cfg->ttl;
	p = st->nr_prefixes ? longest_match(st, family, in + src_off + addr_len) : NULL;
	if (p && p->loss_ppm == 1000000) {				/* 18: loss= */
		res->answer = MODEL_LOST;
		return VNET_REPLY;
	}
	if (p && p->hops) {						/* 18 */
		k = in[family == 4 ? l3 + 8 : l3 + 7];
		if (k >= 1 && k <= p->hops) {
			time_exceeded(in, l3, family, k, p, cfg, out, res);
			return VNET_REPLY;
		}
		*ttl = ttl_after(cfg, p->hops);
	}

	swap_bytes(out, out + 6, 6);
	swap_bytes(out + src_off, out + src_off + addr_len, addr_len);
	return VNET_REPLY;
}

/*
 * Steps T1-T8: an ICMP timestamp request (RFC 792 type 13) to a prefix
 * that answers as a host (hops or ports=) gets type 14 with the originate
 * timestamp kept and receive = transmit = the time now; the reply is the
 * IP header (length 40, the TTL of step 18, checksum) and 20 bytes of ICMP.
 */
static enum vnet_verdict model_ts(const uint8_t *in, size_t l3, size_t tot_len,
				  const struct vnet_config *cfg, const struct model_state *st,
				  uint8_t *out, struct model_result *res)
{
	const uint8_t *ip = in + l3, *icmp = ip + IPV4_HDR;
	uint8_t *o = out + l3, *t = o + IPV4_HDR;
	const struct model_prefix *p;
	unsigned int k;

	if (icmp[0] != 13 || icmp[1] != 0 || !st->nr_prefixes)
		return VNET_PASS_NOT_ECHO;
	p = longest_match(st, 4, ip + 16);
	if (!p || !(p->hops || p->l4))
		return VNET_PASS_NOT_ECHO;			/* T1 */
	if (tot_len < IPV4_HDR + 20)
		return VNET_PASS_MALFORMED;			/* T2 */
	if (cfg->no_ipv4)
		return VNET_PASS_DISABLED;			/* T4 */
	if (mac_is_group(in) || !ipv4_is_unicast(ip + 16))
		return VNET_PASS_MCAST_DST;			/* T5 */
	if (mac_is_group(in + 6) || mac_is_zero(in + 6) || !ipv4_is_unicast(ip + 12))
		return VNET_PASS_BAD_SRC;			/* T6 */
	if (claimed(cfg, st, 4, ip + 16, in + 6, res))
		return VNET_PASS_CLAIMED;			/* T6a */
	if (rate_checked(cfg) && st->over_limit)		/* T7 */
		return cfg->rate_drop ? VNET_DROP_RATE_LIMITED : VNET_PASS_RATE_LIMITED;
	k = ip[8];
	if (p->hops && k >= 1 && k <= p->hops) {		/* T8 */
		time_exceeded(in, l3, 4, k, p, cfg, out, res);
		return VNET_REPLY;
	}
	memcpy(out, in + 6, 6);
	memcpy(out + 6, in, 6);
	memcpy(o + 12, ip + 16, 4);
	memcpy(o + 16, ip + 12, 4);
	put_be16(o + 2, IPV4_HDR + 20);
	o[8] = ttl_after(cfg, p->hops);
	put_be16(o + 10, 0);
	put_be16(o + 10, csum_finish(csum_add(0, o, IPV4_HDR)));
	t[0] = 14;
	t[1] = 0;
	put_be32(t + 12, st->now_ms);
	put_be32(t + 16, st->now_ms);
	put_be16(t + 2, 0);
	put_be16(t + 2, csum_finish(csum_add(0, t, 20)));
	res->answer = MODEL_TS4;
	res->out_len = l3 + IPV4_HDR + 20;
	res->ts_off = l3 + IPV4_HDR + 12;
	return VNET_REPLY;
}

/* The reply's TTL @ttl in the IPv4 header @o, a copy of the request's @ip. */
static void set_ttl4(const uint8_t *ip, uint8_t *o, unsigned int ttl)
{
	o[8] = ttl;
	/* As for ICMP: a right header checksum is recomputed, a wrong one stays wrong. */
	if (csum_verifies(csum_add(0, ip, IPV4_HDR))) {
		put_be16(o + 10, 0);
		put_be16(o + 10, csum_finish(csum_add(0, o, IPV4_HDR)));
	} else {
		put_be16(o + 10, csum_update16(get_be16(ip + 10), get_be16(ip + 8),
					       get_be16(o + 8)));
	}
}

/* ---- fragments (bpf/frag.h) ---- */

void model_frag_key(const uint8_t *ip, int family, struct vnet_frag_key *key)
{
	uint16_t id16;

	memset(key, 0, sizeof(*key));
	if (family == 4) {
		memcpy(key->src, ip + 12, 4);
		memcpy(key->dst, ip + 16, 4);
		memcpy(&id16, ip + 4, 2);	/* as the header holds it */
		key->id = id16;
		key->proto = VNET_FRAG_KEY4 | ip[9];
	} else {
		memcpy(key->src, ip + 8, 16);
		memcpy(key->dst, ip + 24, 16);
		memcpy(&key->id, ip + IPV6_HDR + 4, 4);
		key->proto = VNET_FRAG_KEY6;
	}
}

static size_t frag_slot(const struct vnet_frag_key *key)
{
	const uint8_t *b = (const uint8_t *)key;
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < sizeof(*key); i++)
		h = (h ^ b[i]) * 16777619u;
	return h & (MODEL_FRAG_SLOTS - 1);
}

const struct model_frag *model_frag_find(const struct model_frags *f,
					 const struct vnet_frag_key *key)
{
	size_t i = frag_slot(key);

	if (!f)
		return NULL;
	for (; f->slot[i].used; i = (i + 1) & (MODEL_FRAG_SLOTS - 1))
		if (!memcmp(&f->slot[i].key, key, sizeof(*key)))
			return &f->slot[i];
	return NULL;
}

/* Remember @key (again); false when the table is full (the test's limit). */
static bool frag_remember(struct model_frags *f, const struct vnet_frag_key *key,
			  uint32_t first_end)
{
	size_t i = frag_slot(key);

	if (!f)
		return true;
	for (; f->slot[i].used; i = (i + 1) & (MODEL_FRAG_SLOTS - 1))
		if (!memcmp(&f->slot[i].key, key, sizeof(*key)))
			break;
	if (!f->slot[i].used) {
		if (f->n + 1 >= MODEL_FRAG_SLOTS / 2)
			return false;
		f->n++;
	}
	f->slot[i].used = true;
	f->slot[i].key = *key;
	f->slot[i].first_end = first_end;
	return true;
}

/*
 * A fragment of @family at @l3 (steps 4-8 passed), @len bytes of the
 * datagram after the IP header (and, IPv6, the Fragment header) at @off,
 * @more: more fragments follow.
 */
static enum vnet_verdict model_frag(const uint8_t *in, size_t l3, int family, uint32_t off,
				    uint32_t len, bool more, const struct vnet_config *cfg,
				    const struct model_state *st, uint8_t *out,
				    struct model_result *res)
{
	size_t alen = family == 4 ? 4 : 16, src_off = l3 + (family == 4 ? 12 : 8);
	size_t icmp_off = l3 + (family == 4 ? IPV4_HDR : IPV6_HDR + 8);
	const uint8_t *ip = in + l3, *icmp = in + icmp_off;
	const struct model_prefix *p;
	const struct model_frag *f;
	struct vnet_frag_key key;
	uint16_t csum;
	uint8_t hop = ip[family == 4 ? 8 : 7];

	if (!len || (more && len % 8))
		return VNET_PASS_FRAGMENT;		/* RFC 791, RFC 8200 */
	model_frag_key(ip, family, &key);
	if (off) {
		f = model_frag_find(st->frags, &key);
		if (!f || off < f->first_end ||
		    (st->frag_held && !st->frag_held(st->frag_ctx, &key)))
			return VNET_PASS_FRAGMENT;	/* unknown, overlapping, forgotten */
		res->answer = family == 4 ? MODEL_FRAGN4 : MODEL_FRAGN6;
	} else {
		if (ip[family == 4 ? 9 : IPV6_HDR] != (family == 4 ? 1 : 58) || len < ICMP_HDR ||
		    icmp[0] != (family == 4 ? 8 : 128) || icmp[1] != 0)
			return VNET_PASS_FRAGMENT;	/* not an echo request, or tiny */
		if (family == 4 ? cfg->no_ipv4 : cfg->no_ipv6)
			return VNET_PASS_DISABLED;
		if (!hop)
			return VNET_PASS_TTL_ZERO;
		if (mac_is_group(in) ||
		    !(family == 4 ? ipv4_is_unicast(ip + 16) : ipv6_is_unicast(ip + 24)))
			return VNET_PASS_MCAST_DST;
		if (mac_is_group(in + 6) || mac_is_zero(in + 6) ||
		    !(family == 4 ? ipv4_is_unicast(ip + 12) : ipv6_is_unicast(ip + 8)))
			return VNET_PASS_BAD_SRC;
		p = st->nr_prefixes ? longest_match(st, family, in + src_off + alen) : NULL;
		if (st->nr_prefixes && !p)
			return VNET_PASS_FILTERED;
		if (p && (p->hops || p->loss_ppm || p->dup_ppm))
			return VNET_PASS_FRAGMENT;	/* those answers need it whole */
		if (rate_checked(cfg) && st->over_limit)
			return cfg->rate_drop ? VNET_DROP_RATE_LIMITED : VNET_PASS_RATE_LIMITED;
		/*
		 * The checksum covers the reassembled message: only RFC 1624's
		 * update is possible, and its 0x0000 may be wrong (all zero).
		 */
		csum = csum_update16(get_be16(icmp + 2), get_be16(icmp),
				     family == 4 ? 0x0000 : 0x8100);
		if (family == 4 && !csum)
			return VNET_PASS_FRAGMENT;
		if (!frag_remember(st->frags, &key, len))
			return VNET_PASS_FRAGMENT;
		out[icmp_off] = family == 4 ? 0 : 129;
		put_be16(out + icmp_off + 2, csum);
		res->answer = family == 4 ? MODEL_FRAG4 : MODEL_FRAG6;
	}
	swap_bytes(out, out + 6, 6);
	swap_bytes(out + src_off, out + src_off + alen, alen);
	if (cfg->ttl && family == 4)
		set_ttl4(ip, out + l3, cfg->ttl);
	else if (cfg->ttl)
		out[l3 + 7] = cfg->ttl;
	return VNET_REPLY;
}

/*
 * Steps 13 to 18 of an echo request of @family, and its type made an echo
 * reply's; the checksum and the TTL (*@ttl) are the caller's to write.
 */
static enum vnet_verdict echo_steps(const uint8_t *in, size_t l3, int family,
				    const struct vnet_config *cfg, const struct model_state *st,
				    uint8_t *out, unsigned int *ttl, struct model_result *res)
{
	const uint8_t *ip = in + l3;
	bool v4 = family == 4;
	enum vnet_verdict v;

	if (v4 ? cfg->no_ipv4 : cfg->no_ipv6)
		return VNET_PASS_DISABLED;			/* 13 */
	if (ip[v4 ? 8 : 7] == 0)
		return VNET_PASS_TTL_ZERO;			/* 13a */
	if (v4)
		v = answer(in, out, ipv4_is_unicast(ip + 16), ipv4_is_unicast(ip + 12), l3 + 12,
			   4, cfg, st, l3, ttl, res);
	else
		v = answer(in, out, ipv6_is_unicast(ip + 24), ipv6_is_unicast(ip + 8), l3 + 8,
			   16, cfg, st, l3, ttl, res);
	if (v != VNET_REPLY || res->answer != MODEL_NONE)
		return v;
	res->answer = v4 ? MODEL_ECHO4 : MODEL_ECHO6;
	out[l3 + (v4 ? IPV4_HDR : IPV6_HDR)] = v4 ? 0 : 129;	/* echo reply */
	return VNET_REPLY;
}

static enum vnet_verdict model_ipv4(const uint8_t *in, size_t len, size_t l3,
				    const struct vnet_config *cfg, const struct model_state *st,
				    uint8_t *out, struct model_result *res)
{
	unsigned int ttl;
	const uint8_t *ip = in + l3;
	size_t l3_len = len - l3;
	unsigned int version, ihl, tot_len;
	const uint8_t *icmp;
	enum vnet_verdict v;

	if (l3_len < IPV4_HDR)
		return VNET_PASS_TRUNCATED;			/* 4 */
	version = ip[0] >> 4;
	ihl = ip[0] & 0x0F;
	if (version != 4 || ihl < 5)
		return VNET_PASS_MALFORMED;			/* 5 */
	if (ihl != 5)
		return VNET_PASS_IP_OPTIONS;			/* 6 */
	tot_len = get_be16(ip + 2);
	if (tot_len < IPV4_HDR)
		return VNET_PASS_MALFORMED;			/* 7 */
	if (tot_len > l3_len)
		return VNET_PASS_TRUNCATED;			/* 8 */
	if (get_be16(ip + 6) & 0x3FFF)				/* 9: MF or offset */
		return model_frag(in, l3, 4, (get_be16(ip + 6) & 0x1FFF) * 8, tot_len - IPV4_HDR,
				  get_be16(ip + 6) & 0x2000, cfg, st, out, res);
	if (ip[9] != 1)						/* 10 */
		return model_l4(in, l3, 4, ip[9], tot_len, cfg, st, out, res);
	if (tot_len < IPV4_HDR + ICMP_HDR)
		return VNET_PASS_MALFORMED;			/* 11 */
	icmp = ip + IPV4_HDR;
	if (icmp[0] != 8 || icmp[1] != 0)			/* 12 */
		return model_ts(in, l3, tot_len, cfg, st, out, res);
	v = echo_steps(in, l3, 4, cfg, st, out, &ttl, res);		/* 13-18 */
	if (v != VNET_REPLY || res->answer != MODEL_ECHO4)
		return v;
	/* The IPv4 header checksum stays: swapping two words keeps their sum. */
	reply_checksum(0, icmp, out + l3 + IPV4_HDR, tot_len - IPV4_HDR);
	if (ttl)
		set_ttl4(ip, out + l3, ttl);
	return VNET_REPLY;
}

/*
 * The last steps of ARP and ND (A6-A7, N6-N7): the @target of @family must
 * be in a prefix and not claimed; then the answer goes back to the asker
 * from cfg.mac.
 */
static enum vnet_verdict neigh_target(const uint8_t *in, int family, const uint8_t *target,
				      const struct vnet_config *cfg,
				      const struct model_state *st, uint8_t *out,
				      struct model_result *res)
{
	if (!model_in_prefix(st, family, target))
		return VNET_PASS_FILTERED;
	if (claimed(cfg, st, family, target, in + 6, res))
		return VNET_PASS_CLAIMED;
	memcpy(out, in + 6, 6);
	memcpy(out + 6, cfg->mac, 6);
	return VNET_REPLY;
}

/* Steps N1-N6 and the advertisement, which replaces everything after the MACs' tags. */
static enum vnet_verdict model_ns(const uint8_t *in, size_t l3, unsigned int payload_len,
				  const struct vnet_config *cfg, const struct model_state *st,
				  uint8_t *out, struct model_result *res)
{
	const uint8_t *ip = in + l3, *icmp = ip + IPV6_HDR, *target = icmp + 8;
	static const uint8_t unspecified[16];
	uint8_t *oip = out + l3, *na = oip + IPV6_HDR;
	enum vnet_verdict v;
	uint64_t sum;

	if (icmp[1] != 0)
		return VNET_PASS_NOT_ECHO;			/* N1 */
	if (ip[7] != 255 || payload_len < NS_LEN)
		return VNET_PASS_MALFORMED;			/* N2 */
	if (cfg->no_ipv6)
		return VNET_PASS_DISABLED;			/* N3 */
	if (target[0] == 0xFF || !memcmp(target, unspecified, 16))
		return VNET_PASS_MCAST_DST;			/* N4 */
	if (mac_is_group(in + 6) || mac_is_zero(in + 6) || !ipv6_is_unicast(ip + 8)) {
		if (!memcmp(ip + 8, unspecified, 16))	/* DAD: a claim of the target */
			note_claim(cfg, st, 6, target, in + 6, res);
		return VNET_PASS_BAD_SRC;			/* N5 */
	}
	v = neigh_target(in, 6, target, cfg, st, out, res);	/* N6, N7 */
	if (v != VNET_REPLY)
		return v;
	memset(oip, 0, IPV6_HDR + NA_LEN);
	oip[0] = 0x60;
	put_be16(oip + 4, NA_LEN);
	oip[6] = 58;
	oip[7] = 255;
	memcpy(oip + 8, target, 16);
	memcpy(oip + 24, ip + 8, 16);
	na[0] = 136;
	na[4] = 0x60;						/* Solicited, Override */
	memcpy(na + 8, target, 16);
	na[24] = 2;						/* target link-layer address */
	na[25] = 1;
	memcpy(na + 26, cfg->mac, 6);
	sum = csum_add(csum_pseudo6(oip + 8, oip + 24, NA_LEN, 58), na, NA_LEN);
	put_be16(na + 2, csum_finish(sum));
	res->answer = MODEL_ND;
	res->out_len = l3 + IPV6_HDR + NA_LEN;
	return VNET_REPLY;
}

static enum vnet_verdict model_ipv6(const uint8_t *in, size_t len, size_t l3,
				    const struct vnet_config *cfg, const struct model_state *st,
				    uint8_t *out, struct model_result *res)
{
	const uint8_t *ip = in + l3;
	size_t l3_len = len - l3;
	unsigned int payload_len;
	const uint8_t *icmp;
	enum vnet_verdict v;
	uint64_t pseudo;
	unsigned int ttl;

	if (l3_len < IPV6_HDR)
		return VNET_PASS_TRUNCATED;			/* 4 */
	if (ip[0] >> 4 != 6)
		return VNET_PASS_MALFORMED;			/* 5 */
	payload_len = get_be16(ip + 4);
	if (IPV6_HDR + payload_len > l3_len)
		return VNET_PASS_TRUNCATED;			/* 8 */
	if (ip[6] == 44) {					/* 9 */
		uint16_t fo;

		if (payload_len < 8)
			return VNET_PASS_FRAGMENT;
		fo = get_be16(ip + IPV6_HDR + 2);
		if (!(fo & 0xFFF9))
			return VNET_PASS_FRAGMENT;		/* atomic (RFC 6946) */
		return model_frag(in, l3, 6, fo & 0xFFF8, payload_len - 8, fo & 1, cfg, st,
				  out, res);
	}
	if (is_ipv6_extension(ip[6]))
		return VNET_PASS_IPV6_EXT;			/* 10 */
	if (ip[6] != 58)
		return model_l4(in, l3, 6, ip[6], IPV6_HDR + payload_len, cfg, st, out, res);
	if (payload_len < ICMP_HDR)
		return VNET_PASS_MALFORMED;			/* 11 */
	icmp = ip + IPV6_HDR;
	if (icmp[0] == 135 && st->nr_prefixes)
		return model_ns(in, l3, payload_len, cfg, st, out, res);	/* 12 */
	if (icmp[0] == 136 && st->nr_prefixes) {			/* C1-C3 */
		/* A Neighbor Advertisement: its sender has the target. */
		if (icmp[1] == 0 && ip[7] == 255 && payload_len >= NS_LEN &&
		    ipv6_is_unicast(icmp + 8))
			note_claim(cfg, st, 6, icmp + 8, in + 6, res);
		return VNET_PASS_NOT_ECHO;
	}
	if (icmp[0] != 128 || icmp[1] != 0)
		return VNET_PASS_NOT_ECHO;			/* 12 */
	v = echo_steps(in, l3, 6, cfg, st, out, &ttl, res);		/* 13-18 */
	if (v != VNET_REPLY || res->answer != MODEL_ECHO6)
		return v;
	if (ttl)
		out[l3 + 7] = ttl;				/* hop limit: in no checksum */
	/* The pseudo-header's sum is the same with the addresses swapped. */
	pseudo = csum_pseudo6(ip + 8, ip + 24, payload_len, 58);
	reply_checksum(pseudo, icmp, out + l3 + IPV6_HDR, payload_len);
	return VNET_REPLY;
}

/* Steps A1-A6 and the ARP reply, in place. */
static enum vnet_verdict model_arp(const uint8_t *in, size_t len, size_t l3,
				   const struct vnet_config *cfg, const struct model_state *st,
				   uint8_t *out, struct model_result *res)
{
	const uint8_t *a = in + l3, *sha = a + 8, *spa = a + 14, *tpa = a + 24;
	static const uint8_t zero[4];
	uint8_t *o = out + l3;
	enum vnet_verdict v;

	if (len - l3 < ARP_LEN)
		return VNET_PASS_TRUNCATED;			/* A1 */
	if (get_be16(a) != 1 || get_be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
		return VNET_PASS_NON_IP;			/* A2 */
	/* A0: a reply claims its sender address, an announcement or a probe the target. */
	if (get_be16(a + 6) == 2 && ipv4_is_unicast(spa))
		note_claim(cfg, st, 4, spa, sha, res);
	if (get_be16(a + 6) == 1 && (!memcmp(spa, tpa, 4) || !memcmp(spa, zero, 4)) &&
	    ipv4_is_unicast(tpa))
		note_claim(cfg, st, 4, tpa, sha, res);
	if (get_be16(a + 6) != 1)
		return VNET_PASS_NON_IP;			/* A2 */
	if (cfg->no_ipv4)
		return VNET_PASS_DISABLED;			/* A3 */
	if (!ipv4_is_unicast(tpa))
		return VNET_PASS_MCAST_DST;			/* A4 */
	if (mac_is_group(in + 6) || mac_is_zero(in + 6) || mac_is_group(sha) ||
	    mac_is_zero(sha) || !ipv4_is_unicast(spa) || !memcmp(spa, tpa, 4))
		return VNET_PASS_BAD_SRC;			/* A5 */
	v = neigh_target(in, 4, tpa, cfg, st, out, res);	/* A6, A7 */
	if (v != VNET_REPLY)
		return v;
	put_be16(o + 6, 2);					/* reply */
	memcpy(o + 8, cfg->mac, 6);
	memcpy(o + 14, tpa, 4);
	memcpy(o + 18, sha, 6);
	memcpy(o + 24, spa, 4);
	return VNET_REPLY;
}

enum vnet_verdict model_reflect(const uint8_t *in, size_t len, const struct vnet_config *cfg,
				const struct model_state *st, uint8_t *out,
				struct model_result *res)
{
	enum vnet_verdict v;
	size_t l3 = ETH_HDR;
	unsigned int tags;
	uint16_t type;

	memcpy(out, in, len);
	res->family = 0;
	res->answer = MODEL_NONE;
	res->out_len = len;
	res->claim = false;
	res->unclaim = false;
	if (len < ETH_HDR)
		return VNET_PASS_TRUNCATED;			/* 1 */
	if (to_other_host(in, cfg))
		return VNET_PASS_OTHER_HOST;			/* 1a */
	type = get_be16(in + 12);
	for (tags = 0; is_vlan_tpid(type); tags++) {		/* 2 */
		if (tags == MAX_TAGS)
			return VNET_PASS_VLAN_DEPTH;
		if (len < l3 + TAG_LEN)
			return VNET_PASS_TRUNCATED;
		type = get_be16(in + l3 + 2);			/* after the TCI */
		l3 += TAG_LEN;
	}
	if (type == 0x0800) {
		res->family = 4;
		return model_ipv4(in, len, l3, cfg, st, out, res);
	}
	if (type == 0x86DD) {
		res->family = 6;
		return model_ipv6(in, len, l3, cfg, st, out, res);
	}
	if (type == 0x0806 && st->nr_prefixes) {		/* 3 */
		v = model_arp(in, len, l3, cfg, st, out, res);
		if (v == VNET_REPLY)
			res->answer = MODEL_ARP;
		return v;
	}
	return VNET_PASS_NON_IP;				/* 3 */
}

void model_count(struct vnet_stats *s, enum vnet_verdict v, const struct model_result *res,
		 uint64_t len)
{
	s->rx_packets++;
	s->rx_bytes += len;
	if (v == VNET_REPLY && res->answer == MODEL_LOST) {
		s->drop_loss++;
		return;
	}
	if (v == VNET_REPLY) {
		switch (res->answer) {
		case MODEL_ECHO4:	s->echo4++;	break;
		case MODEL_ECHO6:	s->echo6++;	break;
		case MODEL_ARP:		s->arp++;	break;
		case MODEL_ND:		s->nd++;	break;
		case MODEL_TIMEX4:	s->timex4++;	break;
		case MODEL_TIMEX6:	s->timex6++;	break;
		case MODEL_UNREACH4:	s->port_unreach4++; break;
		case MODEL_UNREACH6:	s->port_unreach6++; break;
		case MODEL_TCP_RST:	s->tcp_rst++;	break;
		case MODEL_TCP_SYNACK:	s->tcp_synack++; break;
		case MODEL_TS4:		s->ts4++;	break;
		case MODEL_LOST:			break;
		case MODEL_FRAG4:	s->echo4++;	s->frag4++;	break;
		case MODEL_FRAG6:	s->echo6++;	s->frag6++;	break;
		case MODEL_FRAGN4:	s->frag4++;	break;
		case MODEL_FRAGN6:	s->frag6++;	break;
		case MODEL_NONE:			break;
		}
		s->tx_packets++;
		s->tx_bytes += res->out_len;
		return;
	}
	if (v == VNET_DROP_RATE_LIMITED) {
		s->drop_rate_limited++;
		return;
	}
	s->pass++;
	if (res->claim)
		s->claims++;
	switch (v) {
	case VNET_PASS_NON_IP:		s->pass_non_ip++;	break;
	case VNET_PASS_VLAN_DEPTH:	s->pass_vlan_depth++;	break;
	case VNET_PASS_NOT_ECHO:	s->pass_not_echo++;	break;
	case VNET_PASS_IP_OPTIONS:	s->pass_ip_options++;	break;
	case VNET_PASS_IPV6_EXT:	s->pass_ipv6_ext++;	break;
	case VNET_PASS_FRAGMENT:	s->pass_fragment++;	break;
	case VNET_PASS_TRUNCATED:	s->pass_truncated++;	break;
	case VNET_PASS_MALFORMED:	s->pass_malformed++;	break;
	case VNET_PASS_MCAST_DST:	s->pass_mcast_dst++;	break;
	case VNET_PASS_BAD_SRC:		s->pass_bad_src++;	break;
	case VNET_PASS_DISABLED:	s->pass_disabled++;	break;
	case VNET_PASS_FILTERED:	s->pass_filtered++;	break;
	case VNET_PASS_RATE_LIMITED:	s->pass_rate_limited++;	break;
	case VNET_PASS_OTHER_HOST:	s->pass_other_host++;	break;
	case VNET_PASS_TTL_ZERO:	s->pass_ttl_zero++;	break;
	case VNET_PASS_CLAIMED:		s->pass_claimed++;	break;
	default:						break;
	}
}

bool verdict_is_one(int v)
{
	/*
	 * 14 and 15 are the places of arp and nd among the counters, no
	 * verdicts; nor is any place between pass_ttl_zero and pass_claimed.
	 */
	if (v == VNET_PASS_CLAIMED)
		return true;
	return v >= 0 && v <= VNET_PASS_TTL_ZERO && v != VNET_PASS_RATE_LIMITED + 1 &&
	       v != VNET_PASS_RATE_LIMITED + 2;
}

const char *verdict_name(int v)
{
	static const char *const names[VNET_NR_VERDICTS] = {
		[VNET_REPLY]		= "reply",
		[VNET_PASS_NON_IP]	= "non_ip",
		[VNET_PASS_VLAN_DEPTH]	= "vlan_depth",
		[VNET_PASS_NOT_ECHO]	= "not_echo",
		[VNET_PASS_IP_OPTIONS]	= "ip_options",
		[VNET_PASS_IPV6_EXT]	= "ipv6_ext",
		[VNET_PASS_FRAGMENT]	= "fragment",
		[VNET_PASS_TRUNCATED]	= "truncated",
		[VNET_PASS_MALFORMED]	= "malformed",
		[VNET_PASS_MCAST_DST]	= "mcast_dst",
		[VNET_PASS_BAD_SRC]	= "bad_src",
		[VNET_PASS_DISABLED]	= "disabled",
		[VNET_PASS_FILTERED]	= "filtered",
		[VNET_PASS_RATE_LIMITED] = "rate_limited",
		[VNET_PASS_OTHER_HOST]	= "other_host",
		[VNET_PASS_TTL_ZERO]	= "ttl_zero",
		[VNET_DROP_RATE_LIMITED] = "drop_rate_limited",
		[VNET_PASS_CLAIMED]	= "claimed",
	};

	if (!verdict_is_one(v))
		return "?";
	return names[v];
}
