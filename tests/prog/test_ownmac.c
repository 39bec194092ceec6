// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ownmac.c - steps 14a and 15a of reflect.h: with cfg.dst_mac set (what
 * attach sets in native, generic and tc mode) only echo requests sent to
 * that MAC are answered, others are handed on as pass_other_host; a request
 * with TTL or hop limit 0 is never answered (pass_ttl_zero), whatever the
 * configuration. Each case states its verdict, the model must agree, and
 * the counters of a known mix are worked out by hand.
 */
#include <string.h>

#include "frames.h"
#include "tap.h"
#include "tests.h"

#define V4_LEN		98	/* 14 + 20 + 8 + 56 */
#define V6_LEN		118	/* 14 + 40 + 8 + 56 */

/* Another host on the same segment: what a client's wrong neighbour entry points at. */
static const uint8_t other_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };

static bool run_both(const struct vnet_inst *in, const uint8_t *dst_mac, unsigned int ttl,
		     int want, const char *what)
{
	struct frame_spec fs;
	bool ok;

	frame_spec_v4(&fs);
	memcpy(fs.dst_mac, dst_mac, 6);
	fs.ttl = ttl;
	ok = expect_spec(in, HOOKS_ALL, &fs, want, what);
	frame_spec_v6(&fs);
	memcpy(fs.dst_mac, dst_mac, 6);
	fs.ttl = ttl;
	ok &= expect_spec(in, HOOKS_ALL, &fs, want, what);
	return ok;
}

/* Own MAC answered; another host's MAC, even one differing in one bit, handed on. */
static bool t_own_only(struct env *env)
{
	uint8_t near[6];
	bool ok;
	int i;

	ok = run_both(&env->own_mac, frame_mac_reflector, 64, VNET_REPLY, "to the own MAC");
	ok &= run_both(&env->own_mac, other_mac, 64, VNET_PASS_OTHER_HOST, "to another host's MAC");
	for (i = 0; i < 6; i++) {
		memcpy(near, frame_mac_reflector, 6);
		near[i] ^= i ? 0x01 : 0x02;	/* byte 0: keep it unicast */
		ok &= run_both(&env->own_mac, near, 64, VNET_PASS_OTHER_HOST,
			       "to a MAC one bit away from the own");
	}
	/* A group MAC stays MCAST_DST: step 14 comes first. */
	memset(near, 0xff, 6);
	ok &= run_both(&env->own_mac, near, 64, VNET_PASS_MCAST_DST, "broadcast");
	return ok;
}
SUBTEST(t_own_only, "own MAC: only echo requests to cfg.dst_mac answered, others pass_other_host");

/* Without cfg.dst_mac (loopback mode, --any-dst-mac) any unicast MAC is answered. */
static bool t_any_without(struct env *env)
{
	return run_both(&env->vnet, other_mac, 64, VNET_REPLY, "another MAC, no cfg.dst_mac");
}
SUBTEST(t_any_without, "own MAC: without cfg.dst_mac any unicast MAC is answered");

/* TTL / hop limit 0 handed on, with and without cfg.ttl; 1 answered. */
static bool t_ttl_zero(struct env *env)
{
	bool ok;

	ok = run_both(&env->vnet, frame_mac_reflector, 0, VNET_PASS_TTL_ZERO, "TTL 0");
	ok &= run_both(&env->ttl, frame_mac_reflector, 0, VNET_PASS_TTL_ZERO, "TTL 0, cfg.ttl 200");
	ok &= run_both(&env->own_mac, frame_mac_reflector, 0, VNET_PASS_TTL_ZERO,
		       "TTL 0, own MAC");
	ok &= run_both(&env->vnet, frame_mac_reflector, 1, VNET_REPLY, "TTL 1");
	/* Another host's TTL-0 request is that host's business: OTHER_HOST (14a before 15a). */
	ok &= run_both(&env->own_mac, other_mac, 0, VNET_PASS_OTHER_HOST, "TTL 0, other MAC");
	return ok;
}
SUBTEST(t_ttl_zero, "ttl 0: IPv4 TTL / IPv6 hop limit 0 handed on (pass_ttl_zero)");

/* The counters of a known mix through XDP, by hand: each reason counted once. */
static bool t_counters(struct env *env)
{
	struct vnet_stats want = {
		.rx_packets = 6, .rx_bytes = 3 * V4_LEN + 3 * V6_LEN,
		.echo4 = 1, .echo6 = 1, .tx_packets = 2, .tx_bytes = V4_LEN + V6_LEN,
		.pass = 4, .pass_other_host = 2, .pass_ttl_zero = 2,
	};
	bool ok;

	if (stats_reset(&env->own_mac))
		return false;
	ok = run_both(&env->own_mac, frame_mac_reflector, 64, VNET_REPLY, "mix: own");
	ok &= run_both(&env->own_mac, other_mac, 64, VNET_PASS_OTHER_HOST, "mix: other");
	ok &= run_both(&env->own_mac, frame_mac_reflector, 0, VNET_PASS_TTL_ZERO, "mix: TTL 0");
	/* HOOKS_ALL ran each frame through three hooks: three times the XDP-only mix. */
	stats_scale(&want, 3);
	return expect_stats(&env->own_mac, &want, "after the mix") & ok;
}
SUBTEST(t_counters, "own MAC, ttl 0: counters of a known mix, each reason once");
