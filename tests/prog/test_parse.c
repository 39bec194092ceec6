// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_parse.c - one small subtest per rule of the specification
 * (bpf/reflect.h): VLAN tags, ethertypes, IPv4 options, fragments, IPv6
 * extension headers, destinations and sources, not-echo, malformed and
 * truncated length fields, Ethernet padding, and the order of the checks
 * where two rules meet. Every case states its pass reason; the model must
 * agree with it, and every hook with the model.
 */
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "tap.h"
#include "tests.h"

#define TPID_Q		0x8100
#define TPID_AD		0x88A8

static bool run_spec(struct env *env, const struct frame_spec *fs, int want, const char *what)
{
	return expect_spec(&env->vnet, HOOKS_ALL, fs, want, what);
}

/* A field of the IP header, for each_patch(). */
struct l3_field {
	const char *name;
	size_t off, size;	/* size 1: a byte; 2: big-endian, the v4 header checksum fixed */
};

static const struct l3_field ip4_ver_ihl = { "ip.version/ihl", 0, 1 };
static const struct l3_field ip4_tot_len = { "ip.tot_len", 2, 2 };
static const struct l3_field ip6_version = { "ip6.version", 0, 1 };
static const struct l3_field ip6_payload_len = { "ip6.payload_len", 4, 2 };

/*
 * Build @fs, then for each of @n values: put it into @f of the IP header,
 * run, expect @want. A failure names the frame: "@label: ip.tot_len 19".
 */
static bool each_patch(struct env *env, const struct frame_spec *fs, const char *label,
		       const struct l3_field *f, const uint16_t *values, size_t n, int want)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	size_t len = frame_build(buf, fs, &lo), i;
	bool ok = true;
	char what[96];

	for (i = 0; i < n; i++) {
		if (f->size == 1) {
			buf[lo.l3 + f->off] = values[i];
		} else {
			put_be16(buf + lo.l3 + f->off, values[i]);
			if (fs->family == 4)
				frame_fix_ip4_csum(buf, &lo);
		}
		snprintf(what, sizeof(what), "v%d %s: %s %u (0x%x)", fs->family, label, f->name,
			 values[i], values[i]);
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len, want, what);
	}
	return ok;
}

#define EACH_PATCH(env, fs, label, field, values, want)			\
	each_patch(env, fs, label, field, values, ARRAY_SIZE(values), want)

/* ---- VLAN tags ---- */

/*
 * @nr_tags tags in each TPID mix from @first to @last (bit i set: tag i is
 * 802.1ad, else 802.1Q), v4 and v6, expected @want.
 */
struct tag_mixes {
	unsigned int nr_tags, first, last;
	int want;
};

static bool tag_mixes(struct env *env, const void *arg)
{
	const struct tag_mixes *m = arg;
	struct frame_spec fs;
	unsigned int mix, i;
	char what[64];
	bool ok = true;
	int family;

	for (mix = m->first; mix <= m->last; mix++) {
		for (family = 4; family <= 6; family += 2) {
			fs = frame_echo(family);
			for (i = 0; i < m->nr_tags; i++)
				frame_add_tag(&fs, mix & 1u << i ? TPID_AD : TPID_Q, 100 + i);
			snprintf(what, sizeof(what), "v%d, %u tags, TPIDs 0x%04x 0x%04x 0x%04x",
				 family, m->nr_tags, fs.tpid[0], fs.tpid[1], fs.tpid[2]);
			ok &= run_spec(env, &fs, m->want, what);
		}
	}
	return ok;
}

#define MIXES(n, first, last, want)	(&(const struct tag_mixes){ n, first, last, want })

SUBTEST_WITH(tag_mixes, MIXES(1, 0, 0, VNET_REPLY),
	"vlan: one 802.1Q tag, v4 and v6 answered, tag kept");
SUBTEST_WITH(tag_mixes, MIXES(1, 1, 1, VNET_REPLY),
	"vlan: one 802.1ad tag, v4 and v6 answered, tag kept");
SUBTEST_WITH(tag_mixes, MIXES(2, 0, 3, VNET_REPLY),
	"vlan: two tags, every 802.1Q/802.1ad pair, answered");
SUBTEST_WITH(tag_mixes, MIXES(3, 0, 7, VNET_PASS_VLAN_DEPTH),
	"vlan: three tags, every TPID mix -> vlan_depth");

/* The third TPID decides alone: no third tag, no IP header needs to follow. */
static bool t_vlan_depth_bare(struct env *env)
{
	uint8_t buf[22];
	bool ok = true;
	int inner;

	memcpy(buf, frame_mac_reflector, 6);
	memcpy(buf + 6, frame_mac_client, 6);
	put_be16(buf + 12, TPID_AD);
	put_be16(buf + 14, 10);
	put_be16(buf + 16, TPID_Q);
	put_be16(buf + 18, 20);
	for (inner = 0; inner < 2; inner++) {
		put_be16(buf + 20, inner ? TPID_AD : TPID_Q);
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, sizeof(buf), VNET_PASS_VLAN_DEPTH,
				   "two tags, third TPID, frame ends");
	}
	return ok;
}
SUBTEST(t_vlan_depth_bare, "vlan: third TPID with the frame ending there -> vlan_depth");

/* A TPID promises 4 more bytes; fewer is truncated, for the first and second tag. */
static bool t_vlan_cut(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs = frame_echo(4);
	bool ok = true;
	size_t len;

	frame_add_tag(&fs, TPID_Q, 1);
	frame_add_tag(&fs, TPID_AD, 2);
	frame_build(buf, &fs, &lo);
	for (len = 14; len < 22; len++)
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_PASS_TRUNCATED,
				   "tag cut short");
	return ok;
}
SUBTEST(t_vlan_cut, "vlan: first or second tag cut short -> truncated");

/* PCP, DEI and VID are not looked at. */
static bool t_vlan_tci(struct env *env)
{
	static const uint16_t tcis[] = { 0x0000, 0x0fff, 0x1000, 0xe000, 0xffff };
	struct frame_spec fs;
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tcis); i++) {
		fs = frame_echo(i & 1 ? 6 : 4);
		frame_add_tag(&fs, TPID_Q, tcis[i]);
		frame_add_tag(&fs, TPID_Q, tcis[ARRAY_SIZE(tcis) - 1 - i]);
		ok &= run_spec(env, &fs, VNET_REPLY, "TCI bits");
	}
	return ok;
}
SUBTEST(t_vlan_tci, "vlan: PCP/DEI/VID values do not matter");

/* ---- ethertypes ---- */

static bool raw_frame(struct env *env, uint16_t ethertype, unsigned int nr_tags, int want,
		      const char *what)
{
	/* An ARP request body, 28 bytes, padded to the 60-byte minimum. */
	static const uint8_t body[46] = {
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 198, 18, 0, 2,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 1,
	};
	struct frame_spec fs = frame_echo(4);
	unsigned int i;

	fs.family = 0;
	fs.ethertype = ethertype;
	fs.payload = body;
	fs.payload_len = sizeof(body);
	memset(fs.dst_mac, 0xff, 6);
	for (i = 0; i < nr_tags; i++)
		frame_add_tag(&fs, TPID_Q, 7);
	return run_spec(env, &fs, want, what);
}

static bool t_non_ip(struct env *env)
{
	static const uint16_t types[] = {
		0x0806,		/* ARP */
		0x88cc,		/* LLDP */
		0x8035,		/* RARP */
		0x9100,		/* pre-standard QinQ TPID: not a tag here */
		0x8847,		/* MPLS */
		0x0000, 0x0040, 0x05dc,	/* 802.3 length fields */
		0xffff,
	};
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ok &= raw_frame(env, types[i], 0, VNET_PASS_NON_IP, "non-IP ethertype");
		ok &= raw_frame(env, types[i], 2, VNET_PASS_NON_IP, "non-IP behind two tags");
	}
	return ok;
}
SUBTEST(t_non_ip,
	"ethertype: ARP, LLDP, RARP, 0x9100, MPLS, 802.3 lengths (bare and tagged) -> non_ip");

/* The default v@family request with the ethertype @type instead of its own. */
static bool under_ethertype(struct env *env, int family, uint16_t type, int want)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs = frame_echo(family);
	size_t len = frame_build(buf, &fs, &lo);
	char what[64];

	put_be16(buf + 12, type);
	snprintf(what, sizeof(what), "v%d echo request: eth.type 0x%04x", family, type);
	return expect_frame(&env->vnet, HOOKS_ALL, buf, len, want, what);
}

/* A perfect echo request behind an ethertype one off from IPv4/IPv6. */
static bool t_near_ethertype(struct env *env)
{
	static const uint16_t types[] = { 0x0801, 0x0700, 0x86dc, 0x86de, 0x0008, 0xdd86 };
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		ok &= under_ethertype(env, i < 2 ? 4 : 6, types[i], VNET_PASS_NON_IP);
	return ok;
}
SUBTEST(t_near_ethertype, "ethertype: echo request behind a near-miss ethertype -> non_ip");

/* The ethertype picks the parser; the version nibble must then agree. */
static bool t_crossed_ethertype(struct env *env)
{
	return under_ethertype(env, 4, 0x86DD, VNET_PASS_MALFORMED) &
	       under_ethertype(env, 6, 0x0800, VNET_PASS_MALFORMED);
}
SUBTEST(t_crossed_ethertype, "ethertype: IPv4 under 0x86dd and IPv6 under 0x0800 -> malformed");

/* ---- IPv4 options ---- */

static bool t_ip_options(struct env *env)
{
	/* IHL 6..15 */
	static const unsigned int opt_lens[] = { 4, 8, 12, 16, 20, 24, 28, 32, 36, 40 };

	return EACH_REQUEST(&env->vnet, 4, ip_opt_len, opt_lens, VNET_PASS_IP_OPTIONS);
}
SUBTEST(t_ip_options, "ipv4 options: IHL 6..15 -> ip_options");

/*
 * One step of a v4 request changed in place, step after step (the header
 * checksum left as built): version/IHL (0: as is), tot_len and frag_off
 * (-1: as is), then @ip_bytes of it through every hook.
 */
struct header_step {
	uint8_t ver_ihl;
	int tot_len, frag_off;
	size_t ip_bytes;
	int want;
	const char *what;
};

struct header_steps {
	unsigned int payload_len;
	const struct header_step *steps;
	size_t n;
};

static bool header_steps(struct env *env, const void *arg)
{
	const struct header_steps *hs = arg;
	struct frame_spec fs = frame_echo(4);
	const struct header_step *st;
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	char what[96];
	bool ok = true;

	fs.payload_len = hs->payload_len;
	frame_build(buf, &fs, &lo);
	for (st = hs->steps; st < hs->steps + hs->n; st++) {
		if (st->ver_ihl)
			buf[lo.l3] = st->ver_ihl;
		if (st->tot_len >= 0)
			put_be16(buf + lo.l3 + 2, st->tot_len);
		if (st->frag_off >= 0)
			put_be16(buf + lo.l3 + 6, st->frag_off);
		snprintf(what, sizeof(what), "v4 %s, %zu bytes of IP", st->what, st->ip_bytes);
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, lo.l3 + st->ip_bytes, st->want,
				   what);
	}
	return ok;
}

#define HEADER_STEPS(payload, steps)						\
	(&(const struct header_steps){ payload, steps, ARRAY_SIZE(steps) })

/* IHL is judged before any length: the options need not even be in the frame. */
static const struct header_step options_first[] = {
	{ 0x4f,	-1,	-1,	20, VNET_PASS_IP_OPTIONS, "IHL 15 (60 bytes promised)" },
	{ 0,	0,	-1,	20, VNET_PASS_IP_OPTIONS, "IHL 15, tot_len 0" },
	{ 0,	-1,	0x2000,	28, VNET_PASS_IP_OPTIONS, "IHL 15, tot_len 0, MF" },
};
SUBTEST_WITH(header_steps, HEADER_STEPS(0, options_first),
	"ipv4 options: IHL judged before tot_len, length and MF");

/* ---- fragments ---- */

static bool t_fragment_v4(struct env *env)
{
	static const uint16_t frags[] = { 0x2000, 0x0001, 0x1fff, 0x2001, 0x6000, 0x4001, 0xffff };
	struct frame_spec fs = frame_echo(4);

	/* Of an echo reply: no fragment of it is answered (test_frag.c: requests). */
	fs.type = 0;
	fs.ip_id = 0xF100;
	return EACH_VALUE(&env->vnet, &fs, frag, frags, VNET_PASS_FRAGMENT);
}
SUBTEST(t_fragment_v4, "fragment v4: MF and/or offset -> fragment");

/* DF and the reserved bit do not make a fragment. */
static bool t_not_fragment_v4(struct env *env)
{
	static const uint16_t frags[] = { 0x0000, 0x4000, 0x8000, 0xc000 };

	return EACH_REQUEST(&env->vnet, 4, frag, frags, VNET_REPLY);
}
SUBTEST(t_not_fragment_v4, "fragment v4: DF or reserved bit alone is no fragment, answered");

/* Fragment (9) comes before the protocol (10): a fragment of anything is a fragment. */
static bool t_fragment_v4_any_proto(struct env *env)
{
	static const uint8_t protos[] = { 6, 17, 58, 0 };
	struct frame_spec fs = frame_echo(4);

	fs.frag = 0x2000;
	return EACH_VALUE(&env->vnet, &fs, proto, protos, VNET_PASS_FRAGMENT);
}
SUBTEST(t_fragment_v4_any_proto, "fragment v4: of TCP/UDP/... -> fragment (step 9 before 10)");

/* First, middle, last fragment and the atomic fragment (RFC 6946). */
static bool t_fragment_v6(struct env *env)
{
	static const uint16_t frags[] = { 0x0001, 0x0009, 0x0008, 0x0000, 0xfff9 };
	static const uint8_t tcp[] = { 6 };
	struct frame_spec fs = frame_echo(6);
	bool ok;

	fs.nr_ext = 1;
	fs.ext[0] = 44;
	ok = EACH_VALUE(&env->vnet, &fs, proto, tcp, VNET_PASS_FRAGMENT);
	fs.type = 129;		/* an echo reply's: test_frag.c has requests */
	return EACH_VALUE(&env->vnet, &fs, frag, frags, VNET_PASS_FRAGMENT) & ok;
}
SUBTEST(t_fragment_v6, "fragment v6: fragment header first/middle/last/atomic -> fragment");

/* Only the first next header is looked at: behind Hop-by-Hop, it is an extension. */
static const struct echo_case frag_behind_hbh[] = {
	{ 6, 0, { SET_NUM(nr_ext, 2), SET_BYTES(ext, "\x00\x2c") }, VNET_PASS_IPV6_EXT,
	  "HBH then fragment" },
};
ECHO_SUBTEST(vnet, frag_behind_hbh, "fragment v6: fragment header behind Hop-by-Hop -> ipv6_ext");

/* ---- IPv6 extension headers ---- */

/* One extension header of each type in @types before the ICMPv6 header. */
#define EXT_HEADERS(env, types)						\
	({								\
		struct frame_spec fs = frame_echo(6);				\
									\
		fs.nr_ext = 1;						\
		EACH_VALUE(&env->vnet, &fs, ext[0], types, VNET_PASS_IPV6_EXT);	\
	})

static bool t_ipv6_ext(struct env *env)
{
	/* Hop-by-Hop, Routing, Destination Options, AH, Mobility, HIP, Shim6, experimental. */
	static const uint8_t types[] = { 0, 43, 60, 51, 135, 139, 140, 253, 254 };

	return EXT_HEADERS(env, types);
}
SUBTEST(t_ipv6_ext,
	"ipv6 ext: HBH, Routing, DstOpts, AH, Mobility, HIP, Shim6, 253, 254 -> ipv6_ext");

/* ESP is in RFC 8200's list of extension headers and in the IANA registry. */
static bool t_ipv6_ext_esp(struct env *env)
{
	static const uint8_t types[] = { 50 };

	return EXT_HEADERS(env, types);
}
SUBTEST(t_ipv6_ext_esp, "ipv6 ext: ESP (50, RFC 8200 section 4 / IANA) -> ipv6_ext");

static const struct echo_case ext_chain[] = {
	{ 6, 0, { SET_NUM(nr_ext, 3), SET_BYTES(ext, "\x00\x3c\x2b") }, VNET_PASS_IPV6_EXT,
	  "HBH, DstOpts, Routing, ICMPv6" },
};
ECHO_SUBTEST(vnet, ext_chain, "ipv6 ext: a chain of three -> ipv6_ext");

/* The length check (8) precedes the next-header checks (9, 10). */
static bool t_ipv6_ext_truncated(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs = frame_echo(6);
	size_t len;
	bool ok;

	fs.nr_ext = 1;
	fs.ext[0] = 0;
	len = frame_build(buf, &fs, &lo);
	ok = expect_frame(&env->vnet, HOOKS_ALL, buf, len - 1, VNET_PASS_TRUNCATED,
			  "HBH, one byte short");
	buf[lo.l3 + 6] = 44;
	ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len - 1, VNET_PASS_TRUNCATED,
			   "fragment, one byte short");
	return ok;
}
SUBTEST(t_ipv6_ext_truncated, "ipv6 ext: payload_len beyond the frame -> truncated (step 8 first)");

/* ---- destinations and sources ---- */

/*
 * A subtest: each value in the default request of the family (0: v4, then
 * v6), one verdict; the values stand right above it.
 */
#define VALUE_SUBTEST(fn, family, member, values, want)			\
	static bool fn(struct env *env)					\
	{								\
		return family ? EACH_REQUEST(&env->vnet, family, member, values, want) : \
				BOTH_FAMILIES(&env->vnet, member, values, want);	\
	}

static const uint8_t group_dst_macs[][6] = {
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* broadcast */
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },	/* IPv4 multicast */
	{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },	/* IPv6 multicast */
	{ 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e },	/* LLDP / STP group */
	{ 0x03, 0x76, 0x6e, 0x65, 0x74, 0x01 },	/* the reflector's, I/G set */
};
VALUE_SUBTEST(t_dst_mac,	0, dst_mac,	group_dst_macs,	VNET_PASS_MCAST_DST)
SUBTEST(t_dst_mac, "dst: broadcast/multicast/I/G-set MAC, v4 and v6 -> mcast_dst");

static const uint8_t group_dst_ip4[][4] = {
	{ 255, 255, 255, 255 }, { 224, 0, 0, 1 }, { 239, 255, 255, 255 },
	{ 232, 1, 2, 3 }, { 0, 0, 0, 0 },
};
VALUE_SUBTEST(t_dst_ip4,	4, dst_ip,	group_dst_ip4,	VNET_PASS_MCAST_DST)
SUBTEST(t_dst_ip4, "dst v4: 255.255.255.255, 224/4, 0.0.0.0 -> mcast_dst");

static const uint8_t group_dst_ip6[][16] = {
	{ 0xff, 0x02, [15] = 1 }, { 0xff, 0x05, [15] = 2 },
	{ 0xff, 0x0e, 0x20, 0x01, 0x0d, 0xb8, [15] = 9 }, { 0xff, [1 ... 15] = 0xff },
	{ 0 },
};
VALUE_SUBTEST(t_dst_ip6,	6, dst_ip,	group_dst_ip6,	VNET_PASS_MCAST_DST)
SUBTEST(t_dst_ip6, "dst v6: ff00::/8, :: -> mcast_dst");

static const uint8_t bad_src_macs[][6] = {
	{ 0, 0, 0, 0, 0, 0 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff },
	{ 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 },
	{ 0x03, 0x00, 0x00, 0x00, 0x00, 0x02 },
};
VALUE_SUBTEST(t_src_mac,	0, src_mac,	bad_src_macs,	VNET_PASS_BAD_SRC)
SUBTEST(t_src_mac, "src: zero/broadcast/multicast MAC, v4 and v6 -> bad_src");

static const uint8_t bad_src_ip4[][4] = {
	{ 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 224, 0, 0, 5 }, { 239, 1, 1, 1 },
};
VALUE_SUBTEST(t_src_ip4,	4, src_ip,	bad_src_ip4,	VNET_PASS_BAD_SRC)
SUBTEST(t_src_ip4, "src v4: 0.0.0.0, 255.255.255.255, 224/4 -> bad_src");

static const uint8_t bad_src_ip6[][16] = {
	{ 0 }, { 0xff, 0x02, [15] = 1 }, { 0xff, 0x02, [11] = 1, 0xff, 0, 0, 2 },
};
VALUE_SUBTEST(t_src_ip6,	6, src_ip,	bad_src_ip6,	VNET_PASS_BAD_SRC)
SUBTEST(t_src_ip6, "src v6: ::, ff00::/8 -> bad_src");

/* Step 14 before 15: with both ends wrong the destination is the reason. */
static const struct echo_case dst_and_src_bad[] = {
	{ 4, 0, { SET_BYTES(dst_mac, BCAST6), SET_BYTES(src_mac, ZERO6) }, VNET_PASS_MCAST_DST,
	  "bcast dst MAC, zero src MAC" },
	{ 4, 0, { SET_BYTES(dst_ip, "\xff\xff\xff\xff"), SET_BYTES(src_ip, ZERO4) },
	  VNET_PASS_MCAST_DST, "bcast dst IP, zero src IP" },
	{ 6, 0, { SET_BYTES(dst_ip, ZERO4 ZERO4 ZERO4 ZERO4), SET_BYTES(src_mac, BCAST6) },
	  VNET_PASS_MCAST_DST, "zero dst IP, bcast src MAC" },
};
ECHO_SUBTEST(vnet, dst_and_src_bad, "order: bad destination and bad source -> mcast_dst");

/* Every earlier rule wins over the address rules (12 before 14 and 15). */
static const struct echo_case not_echo_to_groups[] = {
	{ 4, 0, { SET_NUM(type, 0), SET_BYTES(dst_mac, BCAST6), SET_BYTES(src_ip, ZERO4) },
	  VNET_PASS_NOT_ECHO, "echo reply to broadcast" },
	{ 6, 0, { SET_NUM(type, 135), SET_BYTES(dst_ip, "\xff") }, VNET_PASS_NOT_ECHO,
	  "neighbour solicitation to ff.." },
};
ECHO_SUBTEST(vnet, not_echo_to_groups, "order: not-echo to a group address -> not_echo");

/* ---- not an echo request ---- */

static bool icmp_types(struct env *env, int family, const uint8_t (*tc)[2], size_t n)
{
	struct frame_spec fs;
	bool ok = true;
	size_t i;

	for (i = 0; i < n; i++) {
		char what[48];

		fs = frame_echo(family);
		fs.type = tc[i][0];
		fs.code = tc[i][1];
		snprintf(what, sizeof(what), "v%d ICMP type %u code %u", family, tc[i][0],
			 tc[i][1]);
		ok &= run_spec(env, &fs, VNET_PASS_NOT_ECHO, what);
	}
	return ok;
}

/* ICMP type and code pairs of no echo request. */
static const uint8_t v4_types[][2] = {
	{ 0, 0 }, { 3, 3 }, { 5, 1 }, { 11, 0 }, { 13, 0 }, { 128, 0 }, { 9, 0 }, { 255, 0 },
};
static const uint8_t v4_codes[][2] = { { 8, 1 }, { 8, 128 }, { 8, 255 } };
static const uint8_t v6_types[][2] = {
	{ 129, 0 }, { 133, 0 }, { 135, 0 }, { 136, 0 }, { 1, 4 }, { 8, 0 }, { 0, 0 }, { 255, 0 },
};
static const uint8_t v6_codes[][2] = { { 128, 1 }, { 128, 255 } };

#define NOT_ECHO_SUBTEST(fn, family, tc)					\
	static bool fn(struct env *env)					\
	{								\
		return icmp_types(env, family, tc, ARRAY_SIZE(tc));	\
	}

NOT_ECHO_SUBTEST(t_not_echo_v4_types,	4, v4_types)
SUBTEST(t_not_echo_v4_types, "not echo v4: echo reply, unreachable, redirect, ... -> not_echo");
NOT_ECHO_SUBTEST(t_not_echo_v4_code,	4, v4_codes)
SUBTEST(t_not_echo_v4_code, "not echo v4: type 8 with code != 0 -> not_echo");
NOT_ECHO_SUBTEST(t_not_echo_v6_types,	6, v6_types)
SUBTEST(t_not_echo_v6_types, "not echo v6: echo reply, NDP, type 8, ... -> not_echo");
NOT_ECHO_SUBTEST(t_not_echo_v6_code,	6, v6_codes)
SUBTEST(t_not_echo_v6_code, "not echo v6: type 128 with code != 0 -> not_echo");

/* Other protocols, carrying bytes that would be an echo request under ICMP. */
static bool t_not_echo_protocols(struct env *env)
{
	static const uint8_t v4[] = { 6, 17, 58, 47, 0, 2, 255 };
	static const uint8_t v6[] = { 6, 17, 1, 59, 47, 4, 41, 255 };

	return EACH_REQUEST(&env->vnet, 4, proto, v4, VNET_PASS_NOT_ECHO) &
	       EACH_REQUEST(&env->vnet, 6, proto, v6, VNET_PASS_NOT_ECHO);
}
SUBTEST(t_not_echo_protocols,
	"not echo: TCP, UDP, GRE, ICMPv6-in-v4, ICMP-in-v6, No Next Header -> not_echo");

/* ---- malformed ---- */

static bool t_malformed_v4_version(struct env *env)
{
	/* version 0, 1, 5, 6, 15 with IHL 5; version 6 and IHL 15 */
	static const uint16_t ver_ihl[] = { 0x05, 0x15, 0x55, 0x65, 0xf5, 0x6f };
	struct frame_spec fs = frame_echo(4);

	return EACH_PATCH(env, &fs, "request", &ip4_ver_ihl, ver_ihl, VNET_PASS_MALFORMED);
}
SUBTEST(t_malformed_v4_version, "malformed v4: version not 4 -> malformed");

/* Version and IHL < 5 (5) are checked before options (6). */
static bool t_malformed_v4_ihl(struct env *env)
{
	static const uint16_t ver_ihl[] = { 0x40, 0x41, 0x42, 0x43, 0x44 };
	struct frame_spec fs = frame_echo(4);

	return EACH_PATCH(env, &fs, "request", &ip4_ver_ihl, ver_ihl, VNET_PASS_MALFORMED);
}
SUBTEST(t_malformed_v4_ihl, "malformed v4: IHL 0..4 -> malformed");

static bool t_malformed_v4_tot_len(struct env *env)
{
	static const uint16_t lens[] = { 0, 1, 19 };
	struct frame_spec fs = frame_echo(4);

	return EACH_PATCH(env, &fs, "request", &ip4_tot_len, lens, VNET_PASS_MALFORMED);
}
SUBTEST(t_malformed_v4_tot_len, "malformed v4: tot_len < 20 -> malformed");

/*
 * A length @f too short for the ICMP header: malformed (11), but only once
 * the protocol is ICMP (10); for UDP, not_echo.
 */
static bool too_short_for_icmp(struct env *env, int family, const struct l3_field *f,
			       const uint16_t *lens, size_t n)
{
	struct frame_spec fs = frame_echo(family);
	bool ok;

	ok = each_patch(env, &fs, "ICMP", f, lens, n, VNET_PASS_MALFORMED);
	fs.proto = 17;
	return each_patch(env, &fs, "UDP", f, lens, n, VNET_PASS_NOT_ECHO) & ok;
}

static bool t_malformed_v4_short_icmp(struct env *env)
{
	static const uint16_t short_lens[] = { 20, 21, 22, 23, 24, 25, 26, 27 };
	static const uint16_t len20[] = { 20 };
	struct frame_spec fs = frame_echo(4);
	bool ok;

	ok = too_short_for_icmp(env, 4, &ip4_tot_len, short_lens, ARRAY_SIZE(short_lens));
	fs.frag = 0x2000;
	return EACH_PATCH(env, &fs, "fragment", &ip4_tot_len, len20, VNET_PASS_FRAGMENT) & ok;
}
SUBTEST(t_malformed_v4_short_icmp,
	"malformed v4: ICMP with tot_len 20..27 -> malformed (UDP: not_echo)");

static bool t_malformed_v6_version(struct env *env)
{
	static const uint16_t versions[] = { 0x00, 0x40, 0x70, 0xf0 };
	struct frame_spec fs = frame_echo(6);

	return EACH_PATCH(env, &fs, "request", &ip6_version, versions, VNET_PASS_MALFORMED);
}
SUBTEST(t_malformed_v6_version, "malformed v6: version not 6 -> malformed");

/* payload_len < 8 is malformed for ICMPv6 (11), after the next-header rules (9, 10). */
static bool t_malformed_v6_payload_len(struct env *env)
{
	static const uint16_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct frame_spec fs = frame_echo(6);
	bool ok;

	ok = too_short_for_icmp(env, 6, &ip6_payload_len, lens, ARRAY_SIZE(lens));
	fs.nr_ext = 1;
	fs.ext[0] = 44;
	ok &= EACH_PATCH(env, &fs, "fragment", &ip6_payload_len, lens, VNET_PASS_FRAGMENT);
	fs.ext[0] = 0;
	return EACH_PATCH(env, &fs, "HBH", &ip6_payload_len, lens, VNET_PASS_IPV6_EXT) & ok;
}
SUBTEST(t_malformed_v6_payload_len,
	"malformed v6: ICMPv6 payload_len < 8 -> malformed (after next-header rules)");

/* ---- length fields beyond the frame ---- */

static bool t_truncated_v4_tot_len(struct env *env)
{
	struct frame_spec fs = frame_echo(4);
	const uint16_t too_long[] = { 20 + 8 + fs.payload_len + 1, 0xffff };
	bool ok;

	ok = EACH_PATCH(env, &fs, "request", &ip4_tot_len, too_long, VNET_PASS_TRUNCATED);
	fs.frag = 0x2000;	/* 8 before 9 */
	ok &= EACH_PATCH(env, &fs, "fragment", &ip4_tot_len, too_long, VNET_PASS_TRUNCATED);
	fs = frame_echo(4);
	fs.proto = 6;		/* 8 before 10 */
	return EACH_PATCH(env, &fs, "TCP", &ip4_tot_len, too_long, VNET_PASS_TRUNCATED) & ok;
}
SUBTEST(t_truncated_v4_tot_len, "truncated v4: tot_len beyond the frame -> truncated");

/* tot_len < 20 (7) is malformed even when it would also be too long for the frame. */
static const struct header_step malformed_first[] = {
	{ 0,	19,	-1,	20, VNET_PASS_MALFORMED, "tot_len 19" },
	{ 0x44,	0xffff,	-1,	20, VNET_PASS_MALFORMED, "IHL 4, tot_len 65535" },
};
SUBTEST_WITH(header_steps, HEADER_STEPS(56, malformed_first),
	"order v4: tot_len < 20 or IHL < 5 -> malformed before truncated");

static bool t_truncated_v6_payload_len(struct env *env)
{
	struct frame_spec fs = frame_echo(6);
	const uint16_t too_long[] = { 8 + fs.payload_len + 1, 0xffff };
	bool ok;

	ok = EACH_PATCH(env, &fs, "request", &ip6_payload_len, too_long, VNET_PASS_TRUNCATED);
	fs.proto = 6;
	return EACH_PATCH(env, &fs, "TCP", &ip6_payload_len, too_long, VNET_PASS_TRUNCATED) &
	       ok;
}
SUBTEST(t_truncated_v6_payload_len, "truncated v6: payload_len beyond the frame -> truncated");

/* ---- Ethernet padding ---- */

static bool padded(struct env *env, int family, unsigned int nr_tags, unsigned int payload,
		   unsigned int pad)
{
	struct frame_spec fs = frame_echo(family);
	unsigned int i;

	for (i = 0; i < nr_tags; i++)
		frame_add_tag(&fs, i ? TPID_Q : TPID_AD, 42);
	fs.payload_len = payload;
	fs.pad = pad;
	fs.pad_byte = 0xa5;	/* not zero: a rewrite that strays shows */
	return run_spec(env, &fs, VNET_REPLY, "padded echo request");
}

static bool t_padding_v4(struct env *env)
{
	/* 14 + 20 + 8 + 0 = 42: 18 bytes of padding make the 60-byte minimum. */
	return padded(env, 4, 0, 0, 18) & padded(env, 4, 0, 5, 13) & padded(env, 4, 0, 56, 1) &
	       padded(env, 4, 1, 0, 14) & padded(env, 4, 2, 3, 100);
}
SUBTEST(t_padding_v4, "padding v4: tot_len shorter than the frame, answered, padding untouched");

static bool t_padding_v6(struct env *env)
{
	return padded(env, 6, 0, 0, 2) & padded(env, 6, 0, 1, 17) & padded(env, 6, 2, 0, 64);
}
SUBTEST(t_padding_v6,
	"padding v6: payload_len shorter than the frame, answered, padding untouched");

/*
 * tot_len shorter than what follows: the rest is padding, even if it looks
 * like payload. The request is valid for the 8 bytes tot_len covers.
 */
static bool t_padding_inside_payload(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	size_t len;
	bool ok;

	fs = frame_echo(4);
	len = frame_build(buf, &fs, &lo);
	put_be16(buf + lo.l3 + 2, 28);
	frame_fix_ip4_csum(buf, &lo);
	lo.l4_len = 8;
	frame_fix_icmp_csum(buf, &lo, 4);
	ok = expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, "v4 tot_len 28 of 84");
	fs = frame_echo(6);
	len = frame_build(buf, &fs, &lo);
	put_be16(buf + lo.l3 + 4, 8);
	lo.l4_len = 8;
	frame_fix_icmp_csum(buf, &lo, 6);
	ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, "v6 payload_len 8 of 64");
	return ok;
}
SUBTEST(t_padding_inside_payload,
	"padding: bytes after tot_len/payload_len are padding, not payload");
