// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_fuzz.c - seeded differential testing: valid echo requests (plain,
 * tagged, padded, v4 and v6) are mutated at random, in the bytes, in the
 * length, and in the fields the specification looks at; for every frame,
 * return code, output bytes and counted reason must equal the model's.
 * The first mismatch prints the frame and stops the subtest.
 *
 * A quarter of the frames go through the "fuzz" instance, which has
 * prefixes (fuzz_prefixes), cfg.ttl and cfg.mac: there the filter, ARP
 * requests and Neighbor Solicitations (templates of their own) are
 * answered or refused by the same mutations. The rate limits are not
 * fuzzed: their verdicts depend on time, which the model does not know;
 * test_ratelimit.c counts them.
 *
 * VNET_FUZZ_SEED repeats a run; VNET_FUZZ_COUNT frames go through XDP, a
 * tenth of that through each TC program.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "csum.h"
#include "frames.h"
#include "model.h"
#include "prng.h"
#include "tap.h"
#include "tests.h"

#define FUZZ_MAX	512	/* longest mutated frame */
#define MAX_TEMPLATES	24

struct tmpl {
	uint8_t buf[FUZZ_MAX];
	size_t len;
	struct frame_layout lo;
	int family;		/* 4, 6, or 0: ARP */
	bool ns;		/* a Neighbor Solicitation: the target is an address too */
};

/* Around the templates' addresses, so mutated ones fall on both sides of each edge. */
static const char *const fuzz_prefixes[] = {
	/* With hops and ports, so mutated probes also take l4.h and hops.h. */
	"198.18.0.0/29,hops=2,ports=7", "1.2.3.4/32", "2001:db8::/125,hops=1,ports=none",
	"fe80::1/128", NULL,
};

static struct tmpl tmpls[MAX_TEMPLATES];
static size_t nr_tmpls;

static void add_tmpl(const struct frame_spec *fs)
{
	struct tmpl *t = &tmpls[nr_tmpls];
	uint8_t buf[FRAME_MAX];

	t->len = frame_build(buf, fs, &t->lo);
	if (!t->len || t->len > FUZZ_MAX || nr_tmpls + 1 >= MAX_TEMPLATES)
		return;
	memcpy(t->buf, buf, t->len);
	t->family = fs->family;
	t->ns = fs->family == 6 && fs->type == 135;
	nr_tmpls++;
}

/*
 * The frames mutated: echo requests of both families (payload 0..56,
 * padding, one and two tags, options, extension headers), ARP and NS.
 * FAMILY_ARP/FAMILY_NS pick frame_spec_arp()/frame_spec_ns(); payload -1 is
 * the builder's, ext -1 none.
 */
#define FAMILY_ARP	1
#define FAMILY_NS	2

static const struct tmpl_def {
	int family;
	int payload;
	unsigned int pad, ip_opt_len;
	int ext;
	struct { uint16_t tpid, vid; } tag[2];
} tmpl_defs[] = {
	{ 4,		-1,	0,	0,	-1, { { 0 } } },
	{ 4,		0,	0,	0,	-1, { { 0 } } },
	{ 4,		7,	0,	0,	-1, { { 0 } } },
	{ 4,		0,	18,	0,	-1, { { 0 } } },
	{ 4,		16,	0,	0,	-1, { { 0x8100, 100 } } },
	{ 4,		32,	0,	0,	-1, { { 0x88A8, 100 }, { 0x8100, 200 } } },
	{ 4,		-1,	0,	4,	-1, { { 0 } } },
	{ 6,		-1,	0,	0,	-1, { { 0 } } },
	{ 6,		0,	0,	0,	-1, { { 0 } } },
	{ 6,		2,	6,	0,	-1, { { 0 } } },
	{ 6,		9,	0,	0,	-1, { { 0x88A8, 300 } } },
	{ 6,		24,	0,	0,	-1, { { 0x8100, 300 }, { 0x8100, 400 } } },
	{ 6,		-1,	0,	0,	0, { { 0 } } },
	{ 6,		-1,	0,	0,	44, { { 0 } } },
	{ FAMILY_ARP,	-1,	0,	0,	-1, { { 0 } } },
	{ FAMILY_ARP,	-1,	18,	0,	-1, { { 0x8100, 500 } } },
	{ FAMILY_NS,	-1,	0,	0,	-1, { { 0 } } },
	{ FAMILY_NS,	16,	0,	0,	-1, { { 0x88A8, 600 } } },	/* no option */
};

static void make_templates(void)
{
	const struct tmpl_def *d;
	struct frame_spec fs;
	size_t i;

	if (nr_tmpls)
		return;
	for (d = tmpl_defs; d < tmpl_defs + ARRAY_SIZE(tmpl_defs); d++) {
		if (d->family == FAMILY_ARP)
			frame_spec_arp(&fs, frame_ip4_reflector);
		else if (d->family == FAMILY_NS)
			frame_spec_ns(&fs, frame_ip6_reflector);
		else
			fs = frame_echo(d->family);
		if (d->payload >= 0)
			fs.payload_len = d->payload;
		fs.pad = d->pad;
		fs.ip_opt_len = d->ip_opt_len;
		if (d->ext >= 0) {
			fs.nr_ext = 1;
			fs.ext[0] = d->ext;
		}
		for (i = 0; i < ARRAY_SIZE(d->tag) && d->tag[i].tpid; i++)
			frame_add_tag(&fs, d->tag[i].tpid, d->tag[i].vid);
		add_tmpl(&fs);
	}
}

/* Writes that land past the (possibly cut) frame are dropped. */
static void put8(uint8_t *buf, size_t len, size_t off, uint8_t v)
{
	if (off < len)
		buf[off] = v;
}

static void put16(uint8_t *buf, size_t len, size_t off, uint16_t v)
{
	put8(buf, len, off, v >> 8);
	put8(buf, len, off + 1, v & 0xFF);
}

#define PICK(r, arr)	((arr)[prng_below((r), ARRAY_SIZE(arr))])

static uint16_t pick_ethertype(struct prng *r)
{
	static const uint16_t types[] = {
		0x0800, 0x86DD, 0x8100, 0x88A8, 0x0806, 0x9100, 0x0000, 0xFFFF,
	};

	return prng_below(r, 8) ? PICK(r, types) : (uint16_t)prng_next(r);
}

static void mut_addr(struct prng *r, uint8_t *buf, size_t len, const struct tmpl *t)
{
	static const uint8_t v4[][4] = {
		{ 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 224, 0, 0, 1 }, { 239, 1, 2, 3 },
		{ 240, 0, 0, 1 }, { 198, 18, 0, 9 }, { 223, 255, 255, 255 }, { 1, 2, 3, 4 },
	};
	static const uint8_t v6[][16] = {
		{ 0 }, { 0xff, 0x02, [15] = 1 }, { 0xff, [15] = 0 }, { 0xfe, 0x80, [15] = 1 },
		{ 0x20, 0x01, 0x0d, 0xb8, [15] = 7 }, { [15] = 1 }, { 0xff, [1 ... 15] = 0xff },
	};
	bool src = prng_below(r, 2);
	size_t i;

	if (t->family == 0) {		/* ARP: sender or target IP */
		size_t off = t->lo.l3 + (src ? 14 : 24);
		const uint8_t *a = PICK(r, v4);

		for (i = 0; i < 4; i++)
			put8(buf, len, off + i, prng_below(r, 4) ? a[i] : prng_byte(r));
	} else if (t->family == 4) {
		size_t off = t->lo.l3 + (src ? 12 : 16);
		const uint8_t *a = PICK(r, v4);

		for (i = 0; i < 4; i++)
			put8(buf, len, off + i, prng_below(r, 4) ? a[i] : prng_byte(r));
	} else {
		size_t off = t->lo.l3 + (src ? 8 : 24);
		const uint8_t *a = PICK(r, v6);

		if (t->ns && prng_below(r, 2))
			off = t->lo.l4 + 8;	/* the solicitation's target */

		for (i = 0; i < 16; i++)
			put8(buf, len, off + i, prng_below(r, 8) ? a[i] : prng_byte(r));
	}
}

static void mut_mac(struct prng *r, uint8_t *buf, size_t len)
{
	size_t off = prng_below(r, 2) ? 0 : 6, i;

	switch (prng_below(r, 5)) {
	case 0:
		put8(buf, len, off, buf[off] ^ 0x01);		/* I/G bit */
		break;
	case 1:
		for (i = 0; i < 6; i++)
			put8(buf, len, off + i, 0);
		break;
	case 2:
		for (i = 0; i < 6; i++)
			put8(buf, len, off + i, 0xff);
		break;
	case 3:
		for (i = 0; i < 6; i++)
			put8(buf, len, off + i, prng_byte(r));
		break;
	default:
		put8(buf, len, off, buf[off] ^ 0x02);		/* U/L bit: no effect */
		break;
	}
}

/* Checksums: wrong by some amount, random, or made right again for the current bytes. */
static void mut_csum(struct prng *r, uint8_t *buf, size_t len, const struct tmpl *t)
{
	size_t off = t->lo.l4 + 2;
	struct frame_layout lo = t->lo;

	switch (prng_below(r, 4)) {
	case 0:
		put16(buf, len, off, (uint16_t)prng_next(r));
		break;
	case 1:
		if (off + 1 < len)
			put16(buf, len, off, get_be16(buf + off) + 1 + prng_below(r, 0xfffe));
		break;
	default:
		/* Valid for the message the current length fields describe. */
		if (t->family == 4 && lo.l3 + 20 <= len) {
			size_t tot = get_be16(buf + lo.l3 + 2);

			if (tot >= 28 && lo.l3 + tot <= len) {
				lo.l4_len = tot - 20;
				frame_fix_icmp_csum(buf, &lo, 4);
			}
			if ((buf[lo.l3] & 0x0F) == 5)
				frame_fix_ip4_csum(buf, &lo);
		} else if (t->family == 6 && lo.l3 + 40 <= len) {
			size_t plen = get_be16(buf + lo.l3 + 4);

			if (plen >= 8 && lo.l3 + 40 + plen <= len && lo.l4 == lo.l3 + 40) {
				lo.l4_len = plen;
				frame_fix_icmp_csum(buf, &lo, 6);
			}
		}
		break;
	}
}

static void mut_length_field(struct prng *r, uint8_t *buf, size_t len, const struct tmpl *t)
{
	static const uint16_t v4_fixed[] = { 0, 1, 19, 20, 21, 27, 28, 29, 0xFFFF };
	static const uint16_t v6_fixed[] = { 0, 1, 7, 8, 9, 0xFFFF };
	long l3_len = (long)len - (long)t->lo.l3;
	long delta = (long)prng_below(r, 5) - 2;

	if (t->family == 4)
		put16(buf, len, t->lo.l3 + 2, prng_below(r, 2) ? (uint16_t)(l3_len + delta) :
			  prng_below(r, 4) ? PICK(r, v4_fixed) : (uint16_t)prng_next(r));
	else
		put16(buf, len, t->lo.l3 + 4, prng_below(r, 2) ? (uint16_t)(l3_len - 40 + delta) :
			  prng_below(r, 4) ? PICK(r, v6_fixed) : (uint16_t)prng_next(r));
}

/* Insert or remove a 4-byte VLAN tag right after the MACs. */
static size_t mut_tags(struct prng *r, uint8_t *buf, size_t len)
{
	if (prng_below(r, 2) && len >= 16) {
		memmove(buf + 12, buf + 16, len - 16);
		return len - 4;
	}
	if (len + 4 > FUZZ_MAX || len < 12)
		return len;
	memmove(buf + 16, buf + 12, len - 12);
	put16(buf, len + 4, 12, prng_below(r, 2) ? 0x8100 : 0x88A8);
	put16(buf, len + 4, 14, (uint16_t)prng_next(r));
	return len + 4;
}

static size_t mutate_one(struct prng *r, uint8_t *buf, size_t len, const struct tmpl *t)
{
	static const uint8_t v4_protos[] = { 1, 1, 6, 17, 58, 0, 47 };
	static const uint8_t v6_nexthdrs[] = {
		58, 58, 0, 43, 44, 50, 51, 59, 60, 135, 139, 140, 253, 254, 6, 17, 1,
	};
	static const uint16_t frags[] = { 0x2000, 0x0001, 0x1FFF, 0x4000, 0x8000, 0x0000 };
	static const uint8_t types[] = { 8, 0, 128, 129, 3, 11, 135, 136 };
	static const uint8_t codes[] = { 0, 0, 0, 1, 255 };
	static const uint8_t versions[] = { 4, 4, 6, 6, 0, 15 };
	static const uint8_t ihls[] = { 5, 5, 5, 0, 4, 6, 15 };
	static const uint8_t ttls[] = { 255, 255, 254, 0, 1, 64, 128 };
	size_t l3 = t->lo.l3, l4 = t->lo.l4, n, i;

	switch (prng_below(r, 17)) {
	case 0:		/* any bit */
		if (len)
			buf[prng_below(r, len)] ^= 1 << prng_below(r, 8);
		break;
	case 1:		/* any byte */
		if (len)
			buf[prng_below(r, len)] = prng_byte(r);
		break;
	case 2:		/* a header byte */
		n = len < l4 + 8 ? len : l4 + 8;
		if (n)
			buf[prng_below(r, n)] = prng_byte(r);
		break;
	case 3:		/* cut: mostly a little, sometimes anywhere */
		if (prng_below(r, 4))
			len -= len ? 1 + prng_below(r, len < 16 ? len : 16) : 0;
		else
			len = prng_below(r, len + 1);
		break;
	case 4:		/* pad */
		n = 1 + prng_below(r, 64);
		if (len + n > FUZZ_MAX)
			n = FUZZ_MAX - len;
		for (i = 0; i < n; i++)
			buf[len + i] = prng_below(r, 2) ? 0 : prng_byte(r);
		len += n;
		break;
	case 5:		/* an ethertype: outer, inner, or after a would-be tag */
		put16(buf, len, PICK(r, ((const size_t[]){ 12, 16, 20, l3 - 2 })),
		      pick_ethertype(r));
		break;
	case 6:
		if (t->family == 4)
			put8(buf, len, l3, PICK(r, versions) << 4 | PICK(r, ihls));
		else
			put8(buf, len, l3, PICK(r, versions) << 4 |
					   (l3 < len ? buf[l3] & 0x0F : 0));
		break;
	case 7:
		mut_length_field(r, buf, len, t);
		break;
	case 8:
		if (t->family == 4)
			put16(buf, len, l3 + 6, PICK(r, frags) | (prng_below(r, 4) ? 0 :
							       prng_below(r, 0x2000)));
		else
			put8(buf, len, l3 + 6, 44);
		break;
	case 9:
		if (t->family == 4)
			put8(buf, len, l3 + 9, prng_below(r, 8) ? PICK(r, v4_protos) :
					       prng_byte(r));
		else
			put8(buf, len, l3 + 6, prng_below(r, 8) ? PICK(r, v6_nexthdrs) :
					       prng_byte(r));
		break;
	case 10:
		put8(buf, len, l4, prng_below(r, 8) ? PICK(r, types) : prng_byte(r));
		put8(buf, len, l4 + 1, PICK(r, codes));
		break;
	case 11:
		mut_addr(r, buf, len, t);
		break;
	case 12:
		mut_mac(r, buf, len);
		break;
	case 13:
	case 14:
		mut_csum(r, buf, len, t);
		break;
	case 15:	/* TTL / hop limit (NS wants 255), or the ARP operation */
		if (t->family == 4)
			put8(buf, len, l3 + 8, PICK(r, ttls));
		else if (t->family == 6)
			put8(buf, len, l3 + 7, PICK(r, ttls));
		else
			put8(buf, len, l3 + 7, prng_below(r, 4));
		break;
	default:
		len = mut_tags(r, buf, len);
		break;
	}
	return len;
}

static size_t make_frame(struct prng *r, uint8_t *buf)
{
	const struct tmpl *t = &tmpls[prng_below(r, nr_tmpls)];
	size_t len = t->len;
	unsigned int n;

	memcpy(buf, t->buf, len);
	/* One frame in eight keeps its fields, only its checksum may change: answered. */
	if (!prng_below(r, 8)) {
		mut_csum(r, buf, len, t);
		return len;
	}
	for (n = 1 + prng_below(r, 4); n; n--)
		len = mutate_one(r, buf, len, t);
	return len;
}

static void note_frame(const uint8_t *buf, size_t len)
{
	char hex[FUZZ_MAX * 2 + 1];
	size_t i;

	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	hex[2 * len] = '\0';
	tap_note("frame (%zu bytes): %s", len, hex);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool fuzz(struct env *env, enum hook hook, unsigned long count, uint64_t stream)
{
	unsigned long seen[VNET_NR_VERDICTS] = { 0 }, refused = 0, i, floor = count / 10000;
	/* Every answer the model can give: a fragment's once wrote past the end (into seen[]). */
	static const char *const answer_names[] = {
		"", "echo4", "echo6", "arp", "nd", "timex4", "timex6", "unreach4", "unreach6",
		"tcp_rst", "tcp_synack", "ts4", "lost", "frag4", "frag6", "fragn4", "fragn6",
	};
	unsigned long answers[MODEL_FRAGN6 + 1] = { 0 };
	static uint8_t buf[FUZZ_MAX], out[FUZZ_MAX];
	struct vnet_inst *in;
	double start = seconds();
	struct prng r;
	char what[64];
	struct model_result mr;
	bool ok = true;
	int v;

	make_templates();
	if (inst_respond(&env->fuzz, fuzz_prefixes))
		return false;
	prng_seed(&r, env->seed, stream);
	for (i = 0; i < count; i++) {
		size_t len = make_frame(&r, buf);

		/* Some frames through the instances with a family switched off or prefixes. */
		in = i % 16 == 7 ? &env->no_ipv4 : i % 16 == 15 ? &env->no_ipv6 :
		     i % 4 == 1 ? &env->fuzz : &env->vnet;
		snprintf(what, sizeof(what), "fuzz frame %lu", i);
		if (!expect_frame(in, HOOK_BIT(hook), buf, len, WANT_MODEL, what)) {
			tap_note("mismatch at frame %lu of %lu, %s, seed 0x%016llx (stream %llu)",
				 i, count, in->name, (unsigned long long)env->seed,
				 (unsigned long long)stream);
			note_frame(buf, len);
			return false;
		}
		if (hook_refuses(hook, buf, len))
			refused++;
		else if ((v = model_reflect(buf, len, &in->cfg, &in->st, out, &mr)) >= 0) {
			seen[v]++;
			if (v == VNET_REPLY)
				answers[mr.answer]++;
		}
	}

	tap_note("%s: %lu frames in %.1f s; refused by test_run %lu; by verdict:", hook_name(hook),
		 count, seconds() - start, refused);
	for (v = 0; v < VNET_NR_VERDICTS; v++) {
		if (!verdict_is_one(v))
			continue;	/* the places of arp and nd (vnet.shared.h) */
		tap_note("  %-10s %lu", verdict_name(v), seen[v]);
		/*
		 * A mutator that stopped reaching a rule would make this test
		 * blind to it. The rate limits are not fuzzed (see the top).
		 */
		if (v == VNET_PASS_RATE_LIMITED || v == VNET_DROP_RATE_LIMITED)
			continue;
		/* Nor claims: they are state, test_claims.c's (cfg.claim_age 0 here). */
		if (v == VNET_PASS_CLAIMED)
			continue;
		if (floor && seen[v] < floor) {
			tap_diag("verdict %s reached %lu times, want at least %lu", verdict_name(v),
				 seen[v], floor);
			ok = false;
		}
	}
	_Static_assert(ARRAY_SIZE(answer_names) == ARRAY_SIZE(answers), "a name per answer");
	for (v = MODEL_ECHO4; v < (int)ARRAY_SIZE(answers); v++) {
		tap_note("  answered %-6s %lu", answer_names[v], answers[v]);
		/*
		 * The templates are ICMP frames: a mutated protocol byte makes
		 * UDP of them, but hardly ever a TCP header that holds
		 * together (test_l4.c has those). Timestamps, loss and
		 * fragments are rarer still (test_hops.c, test_frag.c).
		 */
		if (v >= MODEL_TCP_RST)
			continue;
		if (floor && answers[v] < floor) {
			tap_diag("%s answered %lu times, want at least %lu", answer_names[v],
				 answers[v], floor);
			ok = false;
		}
	}
	return ok;
}

static bool t_fuzz_xdp(struct env *env)
{
	return fuzz(env, HOOK_XDP, env->fuzz_count, 2);
}
SUBTEST(t_fuzz_xdp,
	"fuzz: mutated frames through vnet_xdp equal the model (VNET_FUZZ_COUNT, default 1000000)");

static bool t_fuzz_tc_ingress(struct env *env)
{
	return fuzz(env, HOOK_TC_INGRESS, (env->fuzz_count + 9) / 10, 3);
}
SUBTEST(t_fuzz_tc_ingress,
	"fuzz: mutated frames through vnet_tc_ingress equal the model (a tenth of the count)");

static bool t_fuzz_tc_loop(struct env *env)
{
	return fuzz(env, HOOK_TC_LOOP, (env->fuzz_count + 9) / 10, 4);
}
SUBTEST(t_fuzz_tc_loop,
	"fuzz: mutated frames through vnet_tc_loop equal the model (a tenth of the count)");
