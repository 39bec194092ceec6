// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnet_prog_test - the program tests of vnet: crafted frames through the
 * XDP and TC hooks with BPF_PROG_TEST_RUN, each run judged by an independent
 * reference model (model.c). Prints TAP; needs root for bpf().
 *
 * Environment:
 *   VNET_FUZZ_SEED   seed of every randomized subtest (default: drawn, and printed)
 *   VNET_FUZZ_COUNT  mutated frames through XDP (default 1000000); a tenth of
 *                    that goes through each TC program
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "tap.h"
#include "tests.h"

#define FUZZ_COUNT_DEFAULT	1000000ul
#define SUBNET_MAC		{ 0x02, 0x76, 0x6e, 0x65, 0x74, 0x5e }

const uint8_t subnet_mac[6] = SUBNET_MAC;
/*
 * frame_mac_reflector (02:76:6e:65:74:01) as cfg.dst_mac16/32 hold it: the
 * frame's bytes read as words on this (little-endian) machine.
 */
#define REFLECTOR_MAC16		0x7602
#define REFLECTOR_MAC32		0x0174656e
#define FUZZ_COUNT_MAX		1000000000ul

/* What SUBTEST() registered (tests.h). */
extern const struct subtest *const __start_vnet_subtests[];
extern const struct subtest *const __stop_vnet_subtests[];

/* By file, then line: a file's subtests together (a group), in the order they stand. */
static int subtest_cmp(const void *a, const void *b)
{
	const struct subtest *const *x = a, *const *y = b;
	int c = strcmp((*x)->file, (*y)->file);

	return c ? c : (int)(*x)->line - (int)(*y)->line;
}

/* Warnings only: a failed load's verifier log is one; libbpf's notes are not. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

/* Parse @name as an unsigned number in [@min, @max]; 0 if unset, -1 (said why) if bad. */
static int env_number(const char *name, unsigned long long min, unsigned long long max,
		      unsigned long long *val)
{
	const char *s = getenv(name);
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || *end || *s == '-' || *val < min || *val > max) {
		fprintf(stderr, "vnet_prog_test: %s=%s: want a number from %llu to %llu\n",
			name, s, min, max);
		return -1;
	}
	return 1;
}

static int read_env(struct env *env)
{
	unsigned long long v;
	int got;

	got = env_number("VNET_FUZZ_SEED", 0, UINT64_MAX, &v);
	if (got < 0)
		return -1;
	if (got) {
		env->seed = v;
	} else if (getrandom(&env->seed, sizeof(env->seed), 0) != sizeof(env->seed)) {
		env->seed = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
	}

	got = env_number("VNET_FUZZ_COUNT", 1, FUZZ_COUNT_MAX, &v);
	if (got < 0)
		return -1;
	env->fuzz_count = got ? v : FUZZ_COUNT_DEFAULT;
	return 0;
}

#define INST(field, ...)	{ offsetof(struct env, field), #field, { __VA_ARGS__ } }

static const struct inst_def {
	size_t offset;			/* of the struct vnet_inst in struct env */
	const char *name;
	struct vnet_config cfg;
} inst_defs[] = {
	INST(vnet,		0),
	INST(no_ipv4,		.no_ipv4 = 1),
	INST(no_ipv6,		.no_ipv6 = 1),
	INST(no_both,		.no_ipv4 = 1, .no_ipv6 = 1),
	INST(owns_clsact,	.owns_clsact = 1),
	INST(subnet,		.mac = SUBNET_MAC),
	INST(ttl,		.mac = SUBNET_MAC, .ttl = 200),
	INST(fuzz,		.mac = SUBNET_MAC, .ttl = 7,
				.dst_mac16 = REFLECTOR_MAC16, .dst_mac32 = REFLECTOR_MAC32,
				.dst_mac_on = 1),
	INST(own_mac,		.dst_mac16 = REFLECTOR_MAC16, .dst_mac32 = REFLECTOR_MAC32,
				.dst_mac_on = 1),
	INST(rate_src,		.rate_per_source = 10),
	INST(rate_global,	.rate_global = 10),
	INST(rate_drop,		.rate_per_source = 10, .rate_global = 15, .rate_drop = 1),
	INST(rate_race,		.rate_global = 1000),
	INST(claims,		.mac = SUBNET_MAC, .claim_age = 2),
	INST(frags,		.mac = SUBNET_MAC, .xdp_frags = 1),
};

static struct vnet_inst *env_inst(struct env *env, size_t i)
{
	return ENV_INST(env, inst_defs[i].offset);
}

bool echo_subtest(struct env *env, const void *arg)
{
	const struct echo_subtest *e = arg;

	return run_echo_cases(ENV_INST(env, e->inst), e->cases, e->n);
}

static void close_instances(struct env *env, size_t n)
{
	while (n--)
		inst_close(env_inst(env, n));
}

static int open_instances(struct env *env)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(inst_defs); i++) {
		err = inst_open(env_inst(env, i), inst_defs[i].name, &inst_defs[i].cfg);
		if (err) {
			printf("Bail out! loading vnet.bpf.o (%s): %s\n", inst_defs[i].name,
			       strerror(-err));
			close_instances(env, i);
			return -1;
		}
	}
	return 0;
}

/* Every instance as a group finds it: nothing an earlier group left. */
static int reset_instances(struct env *env, const char *group)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(inst_defs); i++) {
		err = inst_reset(env_inst(env, i));
		if (err) {
			printf("Bail out! clearing %s before group %s: %s\n", inst_defs[i].name,
			       group, strerror(-err));
			return -1;
		}
	}
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	const struct subtest *tests[__stop_vnet_subtests - __start_vnet_subtests];
	unsigned int total = ARRAY_SIZE(tests), n, failed = 0;
	const char *group = "";
	struct env env = {};
	double start;

	if (read_env(&env))
		return 2;
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (bpf() and BPF_PROG_TEST_RUN)\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus <= 0) {
		printf("Bail out! cannot count possible CPUs: %s\n", strerror(-nr_cpus));
		return 1;
	}

	memcpy(tests, __start_vnet_subtests, sizeof(tests));
	qsort(tests, total, sizeof(tests[0]), subtest_cmp);
	tap_plan(total);
	tap_note("seed 0x%016llx (VNET_FUZZ_SEED to repeat), fuzz count %lu, %d possible CPUs",
		 (unsigned long long)env.seed, env.fuzz_count, nr_cpus);
	if (open_instances(&env))
		return 1;

	start = now_seconds();
	for (n = 0; n < total; n++) {
		const struct subtest *t = tests[n];
		bool ok;

		if (strcmp(t->file, group)) {
			group = t->file;
			if (reset_instances(&env, group)) {
				close_instances(&env, ARRAY_SIZE(inst_defs));
				return 1;
			}
		}
		tap_begin();
		ok = t->run ? t->run(&env) : t->run_with(&env, t->arg);
		tap_result(n + 1, ok, t->name);
		failed += !ok;
	}
	tap_note("%u of %u subtests failed, %.1f s", failed, total, now_seconds() - start);

	close_instances(&env, ARRAY_SIZE(inst_defs));
	return failed ? 1 : 0;
}
