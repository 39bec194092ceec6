// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_hops.c - prefixes behind virtual routers (PREFIX,hops=N,via=ADDR):
 * a probe with TTL / hop limit k <= N is answered by router k with an ICMP
 * Time Exceeded (v4 type 11, v6 type 3) quoting it; one that gets through
 * is answered with a TTL N lower. Every frame goes through every hook and
 * is judged byte for byte against the model; on top of that, each Time
 * Exceeded is checked on its own terms (type, router address, quote,
 * checksums from scratch), so the model cannot be wrong in the same way as
 * the program unnoticed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "tap.h"
#include "tests.h"

static const char *const prefixes[] = {
	"198.18.4.0/22,hops=3",			/* routers 198.18.4.1, .2, .3 */
	"198.19.0.0/24,hops=2,via=198.18.200.1",	/* routers 198.18.200.1, .2 */
	"198.19.0.128/25",			/* more specific, on the link */
	"2001:db8:1::4:0/118,hops=4",		/* routers 2001:db8:1::4:1 .. :4 */
	"2001:db8:2::/64,hops=1,via=2001:db8:ff::fe",
	NULL,
};

/*
 * The Time Exceeded in @out (a @len-byte frame, IP header at @l3) as the
 * RFCs want it from @router for the probe @in (IP header at @l3 too).
 */
static bool check_timex(const char *what, int family, const uint8_t *out, size_t len,
			const uint8_t *in, size_t l3, const char *router)
{
	size_t hdr = family == 4 ? 20 : 40, quote;
	const uint8_t *ip = out + l3, *icmp = ip + hdr;
	uint8_t want_src[16];
	uint64_t sum;

	inet_pton(family == 4 ? AF_INET : AF_INET6, router, want_src);
	quote = len - l3 - hdr - 8;
	if (family == 4) {
		if (ip[0] != 0x45 || ip[9] != 1 || get_be16(ip + 2) != len - l3 ||
		    !csum_verifies(csum_add(0, ip, 20)) || icmp[0] != 11 || icmp[1] != 0 ||
		    memcmp(ip + 12, want_src, 4) || memcmp(ip + 16, in + l3 + 12, 4) ||
		    quote != (get_be16(in + l3 + 2) < 548 ? get_be16(in + l3 + 2) : 548) ||
		    memcmp(icmp + 8, in + l3, quote))
			goto bad;
		sum = csum_add(0, icmp, 8 + quote);
	} else {
		size_t plen = 40 + get_be16(in + l3 + 4);

		if (ip[0] >> 4 != 6 || ip[6] != 58 || get_be16(ip + 4) != len - l3 - 40 ||
		    icmp[0] != 3 || icmp[1] != 0 || memcmp(ip + 8, want_src, 16) ||
		    memcmp(ip + 24, in + l3 + 8, 16) ||
		    quote != (plen < 1232 ? plen : 1232) || memcmp(icmp + 8, in + l3, quote))
			goto bad;
		sum = csum_add(csum_pseudo6(ip + 8, ip + 24, 8 + quote, 58), icmp, 8 + quote);
	}
	if (!csum_verifies(sum))
		goto bad;
	return true;
bad:
	tap_diag("%s: not a Time Exceeded from %s quoting the probe", what, router);
	return false;
}

/*
 * A probe to @dst with TTL @ttl and @payload bytes, @tags VLAN tags, through
 * every hook: a Time Exceeded from @router, or (NULL) a reply with @want_ttl.
 */
struct hop_probe {
	const char *dst;
	unsigned int ttl, payload, tags;
	const char *router;
	unsigned int want_ttl;
};

static bool probe(struct vnet_inst *in, const char *dst, unsigned int ttl, unsigned int payload,
		  unsigned int tags, const char *router, unsigned int want_ttl)
{
	static uint8_t frame[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	struct model_prefix p;
	char what[128];
	bool ok;

	if (!echo_spec_to(dst, &fs, &p))
		return false;
	fs.ttl = ttl;
	fs.payload_len = payload;
	for (unsigned int i = 0; i < tags; i++)
		frame_add_tag(&fs, i ? 0x8100 : 0x88A8, 10 + i);
	frame_build(frame, &fs, &lo);
	snprintf(what, sizeof(what), "%s ttl %u, %u bytes, %u tags", dst, ttl, payload, tags);
	ok = expect_frame(in, HOOKS_ALL, frame, lo.len, VNET_REPLY, what);
	for (int h = 0; h < NR_HOOKS && ok; h++) {
		const struct hook_run *r = last_run(h);

		if (router) {
			ok = check_timex(what, p.family, r->out, r->out_len, frame, lo.l3, router);
		} else if (r->out[lo.l3 + (p.family == 4 ? 8 : 7)] != want_ttl) {
			tap_diag("%s, %s: reply TTL %u, want %u", what, hook_name(h),
				 r->out[lo.l3 + (p.family == 4 ? 8 : 7)], want_ttl);
			ok = false;
		}
	}
	return ok;
}

/* Probes through @inst with @prefixes set, cleared after. */
struct probe_set {
	size_t inst;
	const char *const *prefixes;
	const struct hop_probe *probes;
	size_t n;
};

static bool run_probes(struct env *env, const void *arg)
{
	const struct probe_set *ps = arg;
	struct vnet_inst *in = ENV_INST(env, ps->inst);
	const struct hop_probe *p;
	bool ok = true;

	if (inst_respond(in, ps->prefixes))
		return false;
	for (p = ps->probes; p < ps->probes + ps->n; p++)
		ok &= probe(in, p->dst, p->ttl, p->payload, p->tags, p->router, p->want_ttl);
	return (inst_flush(in) == 0) & ok;
}

#define PROBES(instance, prefixes, table)					\
	(&(const struct probe_set){ offsetof(struct env, instance), prefixes, table,	\
				    ARRAY_SIZE(table) })

static const struct hop_probe v4_probes[] = {
	{ "198.18.5.9",		1,	56,	0, "198.18.4.1",	0 },
	{ "198.18.5.9",		2,	56,	0, "198.18.4.2",	0 },
	{ "198.18.7.255",	3,	0,	0, "198.18.4.3",	0 },
	{ "198.18.5.9",		4,	56,	0, NULL,		61 },
	{ "198.18.5.9",		64,	56,	0, NULL,		61 },
	{ "198.18.5.9",		255,	1400,	0, NULL,		61 },
	/* via=: routers counted from the given address. */
	{ "198.19.0.7",		1,	56,	0, "198.18.200.1",	0 },
	{ "198.19.0.7",		2,	56,	0, "198.18.200.2",	0 },
	{ "198.19.0.7",		3,	56,	0, NULL,		62 },
	/* The longest prefix decides: this one is on the link. */
	{ "198.19.0.200",	1,	56,	0, NULL,		1 },
};
SUBTEST_WITH(run_probes, PROBES(subnet, prefixes, v4_probes),
	"hops: IPv4 Time Exceeded from router k (quotes up to 576 bytes), replies N hops down");

static const struct hop_probe v6_probes[] = {
	{ "2001:db8:1::4:1",	1,	56,	0, "2001:db8:1::4:1",	0 },
	{ "2001:db8:1::4:3ff",	4,	56,	0, "2001:db8:1::4:4",	0 },
	{ "2001:db8:1::4:1",	5,	56,	0, NULL,		60 },
	/* Quotes of every size up to the 1280-byte cap, and past it. */
	{ "2001:db8:1::4:9",	2,	0,	0, "2001:db8:1::4:2",	0 },
	{ "2001:db8:1::4:9",	2,	63,	0, "2001:db8:1::4:2",	0 },
	{ "2001:db8:1::4:9",	2,	1184,	0, "2001:db8:1::4:2",	0 },
	{ "2001:db8:1::4:9",	2,	1185,	0, "2001:db8:1::4:2",	0 },
	{ "2001:db8:1::4:9",	3,	1452,	0, "2001:db8:1::4:3",	0 },
	{ "2001:db8:2::77",	1,	56,	0, "2001:db8:ff::fe",	0 },
	{ "2001:db8:2::77",	2,	56,	0, NULL,		63 },
};
SUBTEST_WITH(run_probes, PROBES(subnet, prefixes, v6_probes),
	"hops: IPv6 Time Exceeded from router k, quotes up to 1280 bytes");

/* Tags stay; the frame is rebuilt behind them. */
static const struct hop_probe tagged_probes[] = {
	{ "198.18.4.20",	2,	56,	1, "198.18.4.2",	0 },
	{ "2001:db8:1::4:20",	3,	100,	1, "2001:db8:1::4:3",	0 },
	{ "198.18.4.20",	9,	56,	1, NULL,		61 },
	{ "198.18.4.20",	2,	56,	2, "198.18.4.2",	0 },
	{ "2001:db8:1::4:20",	3,	100,	2, "2001:db8:1::4:3",	0 },
	{ "198.18.4.20",	9,	56,	2, NULL,		61 },
};
SUBTEST_WITH(run_probes, PROBES(subnet, prefixes, tagged_probes),
	"hops: one and two VLAN tags kept");

/* cfg.ttl (200) is where the replies start from: a reply from N routers away has TTL - N. */
static const struct hop_probe cfg_ttl_probes[] = {
	{ "198.18.5.1",		30,	56,	0, NULL,		197 },
	{ "2001:db8:1::4:1",	30,	56,	0, NULL,		196 },
	{ "198.18.5.1",		3,	56,	0, "198.18.4.3",	0 },
};
SUBTEST_WITH(run_probes, PROBES(ttl, prefixes, cfg_ttl_probes),
	"hops: --ttl is where the replies start");

/* Without hops nothing changes: the request's TTL stays, every TTL is echoed. */
static const char *const plain[] = { "198.18.4.0/22", "2001:db8:1::4:0/118", NULL };
static const struct hop_probe plain_probes[] = {
	{ "198.18.5.9",		1,	56,	0, NULL,		1 },
	{ "2001:db8:1::4:1",	1,	56,	0, NULL,		1 },
	{ "198.18.5.9",		2,	56,	0, NULL,		2 },
	{ "2001:db8:1::4:1",	2,	56,	0, NULL,		2 },
	{ "198.18.5.9",		3,	56,	0, NULL,		3 },
	{ "2001:db8:1::4:1",	3,	56,	0, NULL,		3 },
};
SUBTEST_WITH(run_probes, PROBES(subnet, plain, plain_probes),
	"hops: a prefix without hops answers as before");

/*
 * loss=100% drops every echo request of its prefix (drop_loss); dup= in
 * XDP, which cannot clone, is one plain reply. A loss= between draws: its
 * share over many frames, XDP alone (tc's dup= is the e2e test's).
 */
static bool t_loss(struct env *env)
{
	static const char *const chaos[] = {
		"198.18.4.0/22,loss=100%", "198.18.8.0/22,dup=100%,hops=2",
		"198.18.12.0/22,loss=30%", "2001:db8:1::4:0/118,loss=100%", NULL,
	};
	struct vnet_inst *in = &env->subnet;
	struct vnet_stats before, after;
	struct frame_layout lo;
	struct frame_spec fs;
	uint8_t frame[FRAME_MAX];
	struct hook_run r;
	unsigned int lost = 0, n = 4000;
	bool ok;

	if (inst_respond(in, chaos))
		return false;
	ok = probe(in, "198.18.5.9", 64, 56, 0, NULL, 64);
	ok &= probe(in, "2001:db8:1::4:1", 64, 56, 0, NULL, 64);
	ok &= probe(in, "198.18.9.9", 1, 56, 0, "198.18.8.1", 0);
	/*
	 * dup= in XDP: one plain reply. (Not through tc here: its clone would
	 * go out of the test run's device, the loopback.)
	 */
	frame_spec_v4(&fs);
	fs.dst_ip[2] = 9;
	frame_build(frame, &fs, &lo);
	ok &= expect_frame(in, HOOK_BIT(HOOK_XDP), frame, lo.len, VNET_REPLY, "dup=100%, XDP");

	/* 30%: the share of n requests within 5 standard deviations (1.8%). */
	frame_spec_v4(&fs);
	fs.dst_ip[2] = 13;
	frame_build(frame, &fs, &lo);
	if (stats_read(in, &before, NULL))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (!hook_run(in, HOOK_XDP, frame, lo.len, &r) && r.retval == 1)	/* XDP_DROP */
			lost++;
	if (stats_read(in, &after, NULL))
		return false;
	if (lost < n * 30 / 100 - n * 36 / 1000 || lost > n * 30 / 100 + n * 36 / 1000 ||
	    after.drop_loss - before.drop_loss != lost) {
		tap_diag("loss=30%%: %u of %u dropped, drop_loss rose by %llu", lost, n,
			 (unsigned long long)(after.drop_loss - before.drop_loss));
		ok = false;
	}
	ok &= inst_flush(in) == 0;
	return ok;
}
SUBTEST(t_loss, "hops: loss= drops its share, dup= in XDP is one reply");
