/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tests.h - what the subtest files share: the loaded instances, the seed,
 * and the subtests main.c strings into one TAP plan.
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

/*
 * One subtest. SUBTEST(t_vlan, "vlan: ...") after the function registers it
 * (SUBTEST_WITH and ECHO_SUBTEST: a shared function and its argument):
 * a pointer goes into the linker section vnet_subtests, which main.c walks
 * (__start_/__stop_) in order of file and line. No list to edit: a new
 * test_*.c is built (the Makefile's wildcard) and run. A file's subtests
 * are a group; each group starts from instances inst_reset() cleared.
 */
struct subtest {
	const char *name;
	bool (*run)(struct env *env);
	/* SUBTEST_WITH: one function, many subtests, each with its own @arg. */
	bool (*run_with)(struct env *env, const void *arg);
	const void *arg;
	const char *file;
	unsigned int line;
};

#define SUBTEST_CAT2(a, b)	a##b
#define SUBTEST_CAT(a, b)	SUBTEST_CAT2(a, b)
#define SUBTEST_REGISTER(var, ...)					\
	static const struct subtest var = {				\
		__VA_ARGS__, .file = __FILE__, .line = __LINE__		\
	};								\
	static const struct subtest *const SUBTEST_CAT(var, _ptr)	\
	__attribute__((section("vnet_subtests"), used)) = &var

#define SUBTEST(fn, title)						\
	SUBTEST_REGISTER(fn##_subtest, .name = title, .run = fn)
/* SUBTEST_WITH(accepted_lengths, &v4_plain, "..."): @fn(env, @arg). */
#define SUBTEST_WITH(fn, argp, title)					\
	SUBTEST_REGISTER(SUBTEST_CAT(subtest_, __LINE__), .name = title, \
			 .run_with = fn, .arg = argp)

/* SUBTEST_WITH's argument for a function of either family: *(const int *)arg. */
#define FAMILY(f)		(&(const int){ f })

/* The instance at @offset (offsetof(struct env, ...)) in @env. */
#define ENV_INST(env, offset)	((struct vnet_inst *)((char *)(env) + (offset)))

/* ECHO_SUBTEST(no_both, cases, "..."): run_echo_cases() on one instance. */
struct echo_subtest {
	size_t inst;
	const struct echo_case *cases;
	size_t n;
};

bool echo_subtest(struct env *env, const void *arg);
#define ECHO_SUBTEST(instance, table, title)				\
	SUBTEST_WITH(echo_subtest, (&(const struct echo_subtest){	\
		offsetof(struct env, instance), table, ARRAY_SIZE(table) }), title)

/* The MAC the instances with cfg.mac answer ARP and ND with. */
extern const uint8_t subnet_mac[6];

#endif /* VNET_TEST_TESTS_H */
