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
extern const struct subtest_group fuzz_group;	/* test_fuzz.c */
extern const struct subtest_group bench_group;	/* test_bench.c */

#endif /* VNET_TEST_TESTS_H */
