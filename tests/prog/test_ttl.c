// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ttl.c - cfg.ttl (--ttl): the echo reply's IPv4 TTL or IPv6 hop limit
 * is set, and the IPv4 header checksum, updated incrementally by the
 * program, must equal a recomputation from scratch for every request TTL
 * and many header contents. ARP and ND answers are not touched.
 */
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "prng.h"
#include "tap.h"
#include "tests.h"

#define TTL	200	/* the ttl instance's cfg.ttl */

/* The reply's IPv4 header, checked on its own terms: TTL, and a sum that verifies. */
static bool check_v4_header(const char *what, const uint8_t *out, size_t l3)
{
	const uint8_t *ip = out + l3;
	uint16_t want;
	uint8_t hdr[20];

	memcpy(hdr, ip, 20);
	put_be16(hdr + 10, 0);
	want = csum_finish(csum_add(0, hdr, 20));
	if (ip[8] != TTL || get_be16(ip + 10) != want) {
		tap_diag("%s: reply TTL %u checksum 0x%04x, want TTL %u checksum 0x%04x "
			 "(recomputed)", what, ip[8], get_be16(ip + 10), TTL, want);
		return false;
	}
	return true;
}

/* Every request TTL, random ids, TOS and addresses: model, program, recomputation agree. */
static bool t_v4(struct env *env)
{
	struct prng r;
	struct frame_spec fs;
	bool ok = true;
	unsigned int ttl;
	int h;

	prng_seed(&r, env->seed, 40);
	/* From 1: a request with TTL 0 is handed on (test_ownmac.c). */
	for (ttl = 1; ttl < 256 && ok; ttl++) {
		frame_spec_v4(&fs);
		fs.ttl = ttl;
		fs.ip_id = (uint16_t)prng_next(&r);
		fs.tos = prng_byte(&r);
		fs.frag = prng_below(&r, 2) ? 0x4000 : 0;
		fs.dst_ip[3] = prng_byte(&r) | 1;
		fs.src_ip[2] = prng_byte(&r);
		ok &= expect_spec(&env->ttl, HOOKS_ALL, &fs, VNET_REPLY, "v4 echo, cfg.ttl 200");
		for (h = 0; h < NR_HOOKS && ok; h++)
			ok &= check_v4_header(hook_name(h), last_run(h)->out, 14);
	}
	if (!ok)
		tap_diag("request TTL %u", ttl - 1);
	return ok;
}
SUBTEST(t_v4, "ttl v4: every request TTL -> 200, header checksum equals a recomputation");

/* A header whose checksum is wrong keeps exactly its error (the model: RFC 1624 update). */
static bool t_v4_bad_header_csum(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	size_t len;
	bool ok;

	frame_spec_v4(&fs);
	len = frame_build(buf, &fs, &lo);
	buf[lo.l3 + 11] ^= 0x5a;
	ok = expect_frame(&env->ttl, HOOKS_ALL, buf, len, VNET_REPLY, "v4, header csum off");
	frame_add_tag(&fs, 0x8100, 3);
	len = frame_build(buf, &fs, &lo);
	ok &= expect_frame(&env->ttl, HOOKS_ALL, buf, len, VNET_REPLY, "v4, tagged");
	ok &= check_v4_header("tagged (XDP)", last_run(HOOK_XDP)->out, lo.l3);
	return ok;
}
SUBTEST(t_v4_bad_header_csum, "ttl v4: a wrong header checksum keeps its error; tagged");

static bool t_v6(struct env *env)
{
	static const uint8_t limits[] = { 1, 64, 200, 255 };
	struct frame_spec fs;
	bool ok = true;
	size_t i;
	int h;

	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		frame_spec_v6(&fs);
		fs.ttl = limits[i];
		ok &= expect_spec(&env->ttl, HOOKS_ALL, &fs, VNET_REPLY, "v6 echo, cfg.ttl 200");
		for (h = 0; h < NR_HOOKS; h++) {
			if (last_run(h)->out[14 + 7] != TTL) {
				tap_diag("%s: hop limit %u, want %u", hook_name(h),
					 last_run(h)->out[14 + 7], TTL);
				ok = false;
			}
		}
	}
	return ok;
}
SUBTEST(t_v6, "ttl v6: hop limit -> 200");

/* Without cfg.ttl the request's TTL stays (the default instance). */
static bool t_default_keeps(struct env *env)
{
	struct frame_spec fs;
	bool ok;

	frame_spec_v4(&fs);
	fs.ttl = 3;
	ok = expect_spec(&env->vnet, HOOKS_ALL, &fs, VNET_REPLY, "v4 TTL 3, no cfg.ttl");
	ok &= last_run(HOOK_XDP)->out[14 + 8] == 3;
	frame_spec_v6(&fs);
	fs.ttl = 3;
	ok &= expect_spec(&env->vnet, HOOKS_ALL, &fs, VNET_REPLY, "v6 hop limit 3, no cfg.ttl");
	ok &= last_run(HOOK_XDP)->out[14 + 7] == 3;
	return ok;
}
SUBTEST(t_default_keeps, "ttl: without cfg.ttl the request's TTL and hop limit stay");

/* ARP has no TTL; the advertisement's hop limit is 255 whatever cfg.ttl says. */
static bool t_neigh_untouched(struct env *env)
{
	static const char *const prefixes[] = { "198.18.0.0/24", "2001:db8::/64", NULL };
	static const uint8_t tpa[4] = { 198, 18, 0, 1 };
	struct frame_spec fs;
	bool ok;

	if (inst_respond(&env->ttl, prefixes))
		return false;
	frame_spec_arp(&fs, tpa);
	ok = expect_spec(&env->ttl, HOOKS_ALL, &fs, VNET_REPLY, "ARP, cfg.ttl 200");
	frame_spec_ns(&fs, frame_ip6_reflector);
	ok &= expect_spec(&env->ttl, HOOKS_ALL, &fs, VNET_REPLY, "NS, cfg.ttl 200");
	ok &= last_run(HOOK_TC_LOOP)->out[14 + 7] == 255;
	frame_spec_v4(&fs);
	ok &= expect_spec(&env->ttl, HOOKS_ALL, &fs, VNET_REPLY, "v4 echo inside, cfg.ttl 200");
	ok &= check_v4_header("v4 inside (TC loop)", last_run(HOOK_TC_LOOP)->out, 14);
	return !inst_flush(&env->ttl) && ok;
}
SUBTEST(t_neigh_untouched, "ttl: ARP untouched, the advertisement keeps hop limit 255");
