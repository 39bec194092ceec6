/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tests.h - what the subtest files share: the loaded instances, the seed,
 * and the tables main.c strings into one TAP plan.
 */
#ifndef VNET_TEST_TESTS_H
#define VNET_TEST_TESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

struct env {
	struct vnet_inst vnet;		/* default configuration: both families on */
	struct vnet_inst no_ipv4;	/* vnet_cfg.no_ipv4 = 1 */
	struct vnet_inst no_ipv6;	/* vnet_cfg.no_ipv6 = 1 */
	struct vnet_inst no_both;	/* both switched off */
	struct vnet_inst owns_clsact;	/* only the loader's note set */
	struct vnet_inst subnet;	/* cfg.mac set: for --respond prefixes */
	struct vnet_inst ttl;		/* cfg.ttl = 200, cfg.mac set */
	struct vnet_inst fuzz;		/* cfg.mac, cfg.ttl = 7, cfg.dst_mac, prefixes: see test_fuzz.c */
	struct vnet_inst own_mac;	/* cfg.dst_mac = frame_mac_reflector: attach's default */
	struct vnet_inst rate_src;	/* 10 requests/s per source */
	struct vnet_inst rate_global;	/* 10 requests/s over all sources */
	struct vnet_inst rate_drop;	/* 10/s per source, 15/s global, drop */
	struct vnet_inst rate_race;	/* 1000/s global: CPUs racing for one bucket */
	struct vnet_inst claims;	/* cfg.mac, cfg.claim_age = 2: stepping aside */
	struct vnet_inst frags;		/* XDP loaded with BPF_F_XDP_HAS_FRAGS, cfg.xdp_frags */
	uint64_t seed;			/* VNET_FUZZ_SEED, or drawn at start */
	unsigned long fuzz_count;	/* VNET_FUZZ_COUNT: frames through XDP */
};

struct subtest {
	const char *name;
	bool (*run)(struct env *env);
};

struct subtest_group {
	const struct subtest *tests;
	size_t count;
};

/* SUBTEST_GROUP(csum) publishes csum_tests[] as csum_group. */
#define SUBTEST_GROUP(name)						\
	const struct subtest_group name##_group = {			\
		name##_tests, ARRAY_SIZE(name##_tests)			\
	}

extern const struct subtest_group reply_group;	/* test_reply.c */
extern const struct subtest_group csum_group;	/* test_csum.c */
extern const struct subtest_group parse_group;	/* test_parse.c */
extern const struct subtest_group trunc_group;	/* test_trunc.c */
extern const struct subtest_group stats_group;	/* test_stats.c */
extern const struct subtest_group config_group;	/* test_config.c */
extern const struct subtest_group subnet_group;	/* test_subnet.c */
extern const struct subtest_group neigh_group;	/* test_neigh.c */
extern const struct subtest_group ttl_group;	/* test_ttl.c */
extern const struct subtest_group ownmac_group;	/* test_ownmac.c */
extern const struct subtest_group rate_group;	/* test_ratelimit.c */
extern const struct subtest_group fuzz_group;	/* test_fuzz.c */
extern const struct subtest_group bench_group;	/* test_bench.c */
extern const struct subtest_group hops_group;	/* test_hops.c */
extern const struct subtest_group l4_group;	/* test_l4.c */
extern const struct subtest_group claims_group;	/* test_claims.c */
extern const struct subtest_group frag_group;	/* test_frag.c */
extern const struct subtest_group delay_group;	/* test_delay.c */

/* The MAC the instances with cfg.mac answer ARP and ND with. */
extern const uint8_t subnet_mac[6];

#endif /* VNET_TEST_TESTS_H */
