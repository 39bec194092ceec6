// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_neigh.c - ARP replies and Neighbor Advertisements (steps A1-A6 and
 * N1-N6 of bpf/reflect.h): byte for byte against hand-written frames (the
 * advertisement's checksum worked out outside this code), the rules one by
 * one, the probes that must stay unanswered (RFC 5227 ARP probe, RFC 4862
 * duplicate address detection), the resize of the advertisement, nothing
 * at all without prefixes, and the counters.
 */
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "model.h"
#include "tap.h"
#include "tests.h"

static const char *const prefixes[] = { "198.18.0.0/24", "2001:db8::/64", NULL };

/* 02:00:00:00:00:02 198.18.0.2 asks, to broadcast, who has 198.18.0.1; 18 bytes of padding. */
static const uint8_t arp_request[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x01,	/* ARP, Ethernet */
	0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,	/* IPv4, 6, 4, request, sha */
	0x00, 0x00, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x02,	/* spa 198.18.0.2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x12,	/* tha 0, tpa 198.18.0.1 */
	0x00, 0x01,
};

/* 198.18.0.1 is at 02:76:6e:65:74:5e (cfg.mac), told to the asker; padding kept. */
static const uint8_t arp_reply[60] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x76,
	0x6e, 0x65, 0x74, 0x5e, 0x08, 0x06, 0x00, 0x01,
	0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x76,	/* reply, sha = cfg.mac */
	0x6e, 0x65, 0x74, 0x5e, 0xc6, 0x12, 0x00, 0x01,	/* spa 198.18.0.1 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0xc6, 0x12,	/* tha, tpa: the asker */
	0x00, 0x02,
};

/* 2001:db8::2 solicits 2001:db8::1 at ff02::1:ff00:1, with its link-layer address. */
static const uint8_t ns_request[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,	/* payload 32, ICMPv6, hop 255 */
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0xff, 0x00, 0x00, 0x01, 0x87, 0x00,	/* NS */
	0x1c, 0x27, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01,	/* csum, reserved, target */
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01,	/* SLLA option */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
};

/* The advertisement: S|O, target, TLLA = cfg.mac; checksum 0xa73a (worked out by hand). */
static const uint8_t na_reply[86] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x76,
	0x6e, 0x65, 0x74, 0x5e, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* from the target */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* to the solicitor */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x88, 0x00,	/* NA */
	0xa7, 0x3a, 0x60, 0x00, 0x00, 0x00, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01,	/* TLLA option */
	0x02, 0x76, 0x6e, 0x65, 0x74, 0x5e,
};

/* The model and every hook against the hand-written answer. */
static bool literal(struct env *env, const uint8_t *req, size_t len, const uint8_t *rep,
		    size_t rep_len)
{
	if (inst_respond(&env->subnet, prefixes))
		return false;
	return expect_model_literal(&env->subnet.cfg, &env->subnet.st, req, len, rep, rep_len) &
	       expect_literal(&env->subnet, req, len, rep, rep_len);
}

static bool t_builders(struct env *env)
{
	static const uint8_t tpa[4] = { 198, 18, 0, 1 };
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	size_t len;
	bool ok;

	(void)env;
	frame_spec_arp(&fs, tpa);
	fs.pad = 18;
	len = frame_build(buf, &fs, &lo);
	ok = expect_bytes("frame_spec_arp()", buf, len, arp_request, sizeof(arp_request));
	frame_spec_ns(&fs, frame_ip6_reflector);
	len = frame_build(buf, &fs, &lo);
	ok &= expect_bytes("frame_spec_ns()", buf, len, ns_request, sizeof(ns_request));
	return ok;
}
SUBTEST(t_builders, "neigh: builders make the hand-written ARP request and NS");

static bool t_arp_literal(struct env *env)
{
	return literal(env, arp_request, sizeof(arp_request), arp_reply, sizeof(arp_reply));
}
SUBTEST(t_arp_literal, "neigh ARP: model and all hooks give the hand-written reply");

static bool t_na_literal(struct env *env)
{
	return literal(env, ns_request, sizeof(ns_request), na_reply, sizeof(na_reply));
}
SUBTEST(t_na_literal, "neigh NA: model and all hooks give the hand-written advertisement");

/* Without prefixes vnet claims no address: ARP stays non_ip, NS not_echo (the count decides). */
static bool t_no_prefixes(struct env *env)
{
	bool ok;

	if (inst_flush(&env->subnet))
		return false;
	ok = expect_frame(&env->subnet, HOOKS_ALL, arp_request, sizeof(arp_request),
			  VNET_PASS_NON_IP, "ARP, no prefixes");
	ok &= expect_frame(&env->subnet, HOOKS_ALL, ns_request, sizeof(ns_request),
			   VNET_PASS_NOT_ECHO, "NS, no prefixes");
	if (inst_prefix_add(&env->subnet, "198.18.0.0/24") ||
	    inst_prefix_add(&env->subnet, "2001:db8::/64"))
		return false;
	ok &= expect_frame(&env->subnet, HOOKS_ALL, arp_request, sizeof(arp_request),
			   VNET_PASS_NON_IP, "ARP, prefixes in the tries, count 0");
	ok &= expect_frame(&env->subnet, HOOKS_ALL, ns_request, sizeof(ns_request),
			   VNET_PASS_NOT_ECHO, "NS, prefixes in the tries, count 0");
	/* The default instance has never had any. */
	ok &= expect_frame(&env->vnet, HOOKS_ALL, arp_request, sizeof(arp_request),
			   VNET_PASS_NON_IP, "ARP, default instance");
	ok &= expect_frame(&env->vnet, HOOKS_ALL, ns_request, sizeof(ns_request),
			   VNET_PASS_NOT_ECHO, "NS, default instance");
	return ok;
}
SUBTEST(t_no_prefixes, "neigh: without prefixes (count 0) ARP is non_ip and NS not_echo");

/* The ARP request (IPv4 @target) or the Neighbor Solicitation (IPv6) for @target. */
static struct frame_spec asking(const char *target)
{
	struct model_prefix p;
	struct frame_spec fs;

	prefix_parse(target, &p);
	if (p.family == 4)
		frame_spec_arp(&fs, p.addr);
	else
		frame_spec_ns(&fs, p.addr);
	return fs;
}

static bool run(struct env *env, const struct frame_spec *fs, int want, const char *what)
{
	return expect_spec(&env->subnet, HOOKS_ALL, fs, want, what);
}

#define REFLECTOR	"\x02\x76\x6e\x65\x74\x01"	/* frame_mac_reflector */

/* A request for @target with up to two changes, and the verdict it must get. */
struct neigh_case {
	const char *target;
	struct spec_patch set[2];
	int want;
	const char *what;
};

static bool run_cases(struct env *env, const struct neigh_case *c, size_t n)
{
	struct frame_spec fs;
	char what[128];
	bool ok = true;

	for (; n--; c++) {
		fs = asking(c->target);
		spec_apply(&fs, c->set, ARRAY_SIZE(c->set));
		snprintf(what, sizeof(what), "%s for %s: %s", fs.family ? "NS" : "ARP", c->target,
			 c->what);
		ok &= run(env, &fs, c->want, what);
	}
	return ok;
}

#define A	"198.18.0.1"

/* A1-A6 one by one, the probe and the announcement, the edges of the /24. */
static const struct neigh_case arp_cases[] = {
	{ A, { SET_BYTES(body[ARP_OP + 1], "\x02") },	VNET_PASS_NON_IP, "ARP reply" },
	{ A, { SET_BYTES(body[ARP_OP + 1], "\x03") },	VNET_PASS_NON_IP, "RARP request op" },
	{ A, { SET_BYTES(body[1], "\x06") },		VNET_PASS_NON_IP, "htype 6" },
	{ A, { SET_BYTES(body[2], "\x86\xdd") },	VNET_PASS_NON_IP, "ptype IPv6" },
	{ A, { SET_BYTES(body[4], "\x08") },		VNET_PASS_NON_IP, "hlen 8" },
	{ A, { SET_BYTES(body[5], "\x10") },		VNET_PASS_NON_IP, "plen 16" },
	{ "224.0.0.1",		{ },	VNET_PASS_MCAST_DST,	"target multicast" },
	{ "255.255.255.255",	{ },	VNET_PASS_MCAST_DST,	"target broadcast" },
	{ "0.0.0.0",		{ },	VNET_PASS_MCAST_DST,	"target 0.0.0.0" },
	{ A, { SET_BYTES(src_mac, ZERO6) },	VNET_PASS_BAD_SRC, "Ethernet source zero" },
	{ A, { SET_BYTES(src_mac, "\x01") },	VNET_PASS_BAD_SRC, "Ethernet source multicast" },
	{ A, { SET_BYTES(body[ARP_SHA], "\x01") }, VNET_PASS_BAD_SRC, "sender MAC multicast" },
	{ A, { SET_BYTES(body[ARP_SHA], ZERO6) }, VNET_PASS_BAD_SRC, "sender MAC zero" },
	{ A, { SET_BYTES(body[ARP_SPA], ZERO4) }, VNET_PASS_BAD_SRC,
	  "ARP probe (sender 0.0.0.0, RFC 5227)" },
	{ A, { SET_BYTES(body[ARP_SPA], "\xc6\x12\x00\x01") }, VNET_PASS_BAD_SRC,
	  "ARP announcement (sender = target)" },
	{ A, { SET_BYTES(body[ARP_SPA], "\xff\xff\xff\xff") }, VNET_PASS_BAD_SRC,
	  "sender broadcast" },
	{ "198.18.1.0",		{ },	VNET_PASS_FILTERED,	"one above the /24" },
	{ "198.17.255.255",	{ },	VNET_PASS_FILTERED,	"one below the /24" },
	{ "198.18.0.0",		{ },	VNET_REPLY,		"first of the /24" },
	{ "198.18.0.255",	{ },	VNET_REPLY,		"last of the /24" },
	{ "198.18.0.77", { SET_BYTES(dst_mac, REFLECTOR) }, VNET_REPLY,
	  "unicast request (cache refresh)" },
	/* The sender MAC differs from the frame's source. */
	{ "198.18.0.77", { SET_BYTES(body[ARP_THA], REFLECTOR), SET_BYTES(src_mac, REFLECTOR) },
	  VNET_REPLY, "target MAC filled in, Ethernet source != sender MAC" },
};

#define N	"2001:db8::1"
#define N5	"2001:db8::5"

/* N1-N6 one by one, DAD, the edges of the /64, NUD, the resize. */
static const struct neigh_case ns_cases[] = {
	{ N, { SET_NUM(code, 1) },		VNET_PASS_NOT_ECHO, "code 1" },
	{ N, { SET_NUM(ttl, 254) },		VNET_PASS_MALFORMED, "hop limit 254 (forwarded)" },
	{ N, { SET_NUM(payload_len, 12) },	VNET_PASS_MALFORMED, "20-byte solicitation" },
	{ "ff02::1",	{ },	VNET_PASS_MCAST_DST,	"multicast target" },
	{ "::",		{ },	VNET_PASS_MCAST_DST,	"unspecified target" },
	/* DAD carries no source option. */
	{ N, { SET_BYTES(src_ip, ZERO4 ZERO4 ZERO4 ZERO4), SET_NUM(payload_len, 16) },
	  VNET_PASS_BAD_SRC, "DAD (source ::, RFC 4862)" },
	{ N, { SET_BYTES(src_ip, "\xff") },	VNET_PASS_BAD_SRC, "multicast source" },
	{ N, { SET_BYTES(src_mac, ZERO6) },	VNET_PASS_BAD_SRC, "zero source MAC" },
	{ "2001:db8:0:1::",			{ }, VNET_PASS_FILTERED, "one above the /64" },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", { }, VNET_PASS_FILTERED, "one below the /64" },
	{ "2001:db8::",				{ }, VNET_REPLY, "first of the /64" },
	{ "2001:db8::ffff:ffff:ffff:ffff",	{ }, VNET_REPLY, "last of the /64" },
	{ N5, { SET_BYTES(dst_ip, "\x20\x01\x0d\xb8" ZERO4 ZERO4 "\0\0\0\x05"),
		SET_BYTES(dst_mac, REFLECTOR) }, VNET_REPLY, "unicast solicitation (NUD)" },
	{ N5, { SET_NUM(payload_len, 16) },	VNET_REPLY, "no option: the frame grows by 8" },
	/* A second, all-zero option area. */
	{ N5, { SET_NUM(payload_len, 40), SET_NUM(pad, 9) }, VNET_REPLY,
	  "longer and padded: the frame shrinks" },
	{ N5, { SET_NUM(nr_ext, 1), SET_NUM(ext[0], 0) }, VNET_PASS_IPV6_EXT,
	  "behind a hop-by-hop header (MLD style)" },
};

/* The tables, truncation and tags. */
static bool t_arp_rules(struct env *env)
{
	struct frame_spec fs;
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	size_t len;
	bool ok;

	if (inst_respond(&env->subnet, prefixes))
		return false;
	fs = asking(A);
	len = frame_build(buf, &fs, &lo);
	ok = expect_frame(&env->subnet, HOOKS_ALL, buf, len - 1, VNET_PASS_TRUNCATED,
			  "27 bytes of ARP");
	ok &= expect_frame(&env->subnet, HOOKS_ALL, buf, 14, VNET_PASS_TRUNCATED, "no ARP body");
	ok &= run_cases(env, arp_cases, ARRAY_SIZE(arp_cases));
	fs = asking("198.18.0.9");
	frame_add_tag(&fs, 0x8100, 7);
	ok &= run(env, &fs, VNET_REPLY, "802.1Q tagged");
	frame_add_tag(&fs, 0x8100, 8);
	fs.tpid[0] = 0x88A8;
	fs.pad = 3;
	ok &= run(env, &fs, VNET_REPLY, "QinQ, padded");
	return ok;
}
SUBTEST(t_arp_rules,
	"neigh ARP: steps A1-A6, probe and announcement unanswered, prefix edges, tags");

static bool t_ns_rules(struct env *env)
{
	struct frame_spec fs;
	bool ok;

	if (inst_respond(&env->subnet, prefixes))
		return false;
	ok = run_cases(env, ns_cases, ARRAY_SIZE(ns_cases));
	fs = asking(N5);
	frame_add_tag(&fs, 0x88A8, 1);
	frame_add_tag(&fs, 0x8100, 2);
	ok &= run(env, &fs, VNET_REPLY, "QinQ tagged");
	return ok;
}
SUBTEST(t_ns_rules, "neigh NS: steps N1-N6, DAD unanswered, NUD, prefix edges, grow/shrink, tags");

/* The family switches (A3, N3) on instances with prefixes of their own. */
static bool t_disabled(struct env *env)
{
	struct frame_spec fs;
	bool ok;

	if (inst_respond(&env->no_ipv4, prefixes) || inst_respond(&env->no_ipv6, prefixes))
		return false;
	ok = expect_spec(&env->no_ipv4, HOOKS_ALL, (fs = asking("198.18.0.1"), &fs),
			 VNET_PASS_DISABLED, "ARP, no_ipv4");
	ok &= expect_spec(&env->no_ipv4, HOOKS_ALL, (fs = asking("2001:db8::1"), &fs),
			  WANT_MODEL, "NS, no_ipv4 (answered, but with cfg.mac zero)");
	ok &= expect_spec(&env->no_ipv6, HOOKS_ALL, (fs = asking("2001:db8::1"), &fs),
			  VNET_PASS_DISABLED, "NS, no_ipv6");
	ok &= expect_spec(&env->no_ipv6, HOOKS_ALL, (fs = asking("198.18.0.1"), &fs),
			  WANT_MODEL, "ARP, no_ipv6");
	ok &= !inst_flush(&env->no_ipv4) && !inst_flush(&env->no_ipv6);
	return ok;
}
SUBTEST(t_disabled, "neigh: ARP disabled by no_ipv4, NS by no_ipv6");

#define ARP_LEN		60
#define NS_LEN		86
#define NS_BARE_LEN	78	/* no option: answered with 86 bytes */
#define V4_LEN		98

/* A known mix, counted by hand: arp, nd, filtered, tx_bytes of a grown advertisement. */
static bool t_counters(struct env *env)
{
	const struct vnet_stats want = {
		.rx_packets	= 3 + 3 + 2 + 2 + 1,
		.rx_bytes	= 3 * ARP_LEN + 2 * NS_LEN + NS_BARE_LEN + 2 * ARP_LEN +
				  2 * NS_LEN + V4_LEN,
		.echo4		= 0,
		.arp		= 3,
		.nd		= 3,
		.tx_packets	= 6,
		.tx_bytes	= 3 * ARP_LEN + 3 * NS_LEN,
		.pass		= 5,
		.pass_filtered	= 1 + 1 + 1,
		.pass_bad_src	= 2,
	};
	static const struct {
		const char *target;
		bool ns, bare, probe;
		enum hook hook;
	} runs[] = {
		{ "198.18.0.1",   false, false, false, HOOK_XDP },
		{ "198.18.0.5",   false, false, false, HOOK_TC_INGRESS },
		{ "198.18.0.3",   false, false, false, HOOK_TC_LOOP },
		{ "2001:db8::1",  true,  false, false, HOOK_XDP },
		{ "2001:db8::2",  true,  false, false, HOOK_TC_INGRESS },
		{ "2001:db8::3",  true,  true,  false, HOOK_TC_LOOP },
		{ "198.18.1.1",   false, false, false, HOOK_XDP },	/* filtered */
		{ "198.18.0.4",   false, false, true,  HOOK_TC_LOOP },	/* probe */
		{ "2001:db8:1::", true,  false, false, HOOK_XDP },	/* filtered */
		{ "2001:db8::4",  true,  false, true,  HOOK_TC_INGRESS },	/* DAD */
	};
	static struct hook_run r;
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	size_t i, len;

	if (inst_respond(&env->subnet, prefixes) || stats_reset(&env->subnet))
		return false;
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		if (runs[i].ns) {
			fs = asking(runs[i].target);
			if (runs[i].bare)
				fs.payload_len = 16;
			if (runs[i].probe)
				memset(fs.src_ip, 0, 16);
		} else {
			fs = asking(runs[i].target);
			fs.pad = 18;
			if (runs[i].probe)
				memset(fs.body + ARP_SPA, 0, 4);
		}
		len = frame_build(buf, &fs, &lo);
		hook_run(&env->subnet, runs[i].hook, buf, len, &r);
	}
	/* A filtered echo request too. */
	frame_spec_v4(&fs);
	fs.dst_ip[2] = 9;
	len = frame_build(buf, &fs, &lo);
	hook_run(&env->subnet, HOOK_XDP, buf, len, &r);
	return expect_stats(&env->subnet, &want, "after the mix");
}
SUBTEST(t_counters, "neigh counters: a mix gives the hand-counted arp/nd/filtered/tx_bytes");
