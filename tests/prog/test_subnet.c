// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_subnet.c - the prefix filter (--respond, step 16): with prefixes, an
 * echo request is answered only for a destination inside a prefix of its
 * family. Each prefix is probed at its edges: the first and last address
 * inside, the one below and the one above outside; /0, /32, /128 and
 * lengths that end inside a byte; overlapping prefixes as they come and go;
 * and the count in vnet_state as the switch, whatever the tries hold.
 */
#include <string.h>

#include "frames.h"
#include "model.h"
#include "tap.h"
#include "tests.h"

/* An echo request from the client to @dst (an IPv4 or IPv6 address). */
static bool echo_to(struct vnet_inst *in, const char *dst, int want)
{
	struct model_prefix p;
	struct frame_spec fs;

	if (!echo_spec_to(dst, &fs, &p))
		return false;
	return expect_spec(in, HOOKS_ALL, &fs, want, dst);
}

struct probe {
	const char *dst;
	int want;
};

static bool probes(struct vnet_inst *in, const struct probe *pr, size_t n)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < n; i++)
		ok &= echo_to(in, pr[i].dst, pr[i].want);
	return ok;
}

#define R	VNET_REPLY
#define F	VNET_PASS_FILTERED

static bool t_none(struct env *env)
{
	static const struct probe pr[] = {
		{ "198.18.0.1", R }, { "198.19.255.254", R }, { "1.2.3.4", R },
		{ "2001:db8::1", R }, { "2001:db8:ffff::9", R },
	};

	if (inst_flush(&env->subnet))
		return false;
	return probes(&env->subnet, pr, ARRAY_SIZE(pr));
}
SUBTEST(t_none, "subnet: without prefixes every unicast destination is answered");

static bool t_edges_v4(struct env *env)
{
	static const char *const prefixes[] = {
		"198.18.4.0/22", "198.19.0.5/32", "198.19.1.64/27", "198.19.2.0/31", NULL,
	};
	static const struct probe pr[] = {
		{ "198.18.3.255", F }, { "198.18.4.0", R }, { "198.18.5.77", R },
		{ "198.18.7.255", R }, { "198.18.8.0", F },
		{ "198.19.0.4", F }, { "198.19.0.5", R }, { "198.19.0.6", F },
		{ "198.19.1.63", F }, { "198.19.1.64", R }, { "198.19.1.95", R },
		{ "198.19.1.96", F },
		{ "198.19.1.255", F }, { "198.19.2.0", R }, { "198.19.2.1", R },
		{ "198.19.2.2", F },
		{ "198.18.0.1", F }, { "2001:db8::1", F },
	};

	if (inst_respond(&env->subnet, prefixes))
		return false;
	return probes(&env->subnet, pr, ARRAY_SIZE(pr));
}
SUBTEST(t_edges_v4, "subnet v4: first/last inside, one below/above outside (/22 /32 /27 /31)");

static bool t_edges_v6(struct env *env)
{
	static const char *const prefixes[] = {
		"2001:db8:1::/48", "2001:db8:2::7/128", "2001:db8:3:0:8000::/65",
		"2001:db8:4::/127", NULL,
	};
	static const struct probe pr[] = {
		{ "2001:db8:0:ffff:ffff:ffff:ffff:ffff", F }, { "2001:db8:1::", R },
		{ "2001:db8:1:abcd::1", R }, { "2001:db8:1:ffff:ffff:ffff:ffff:ffff", R },
		{ "2001:db8:2::", F },
		{ "2001:db8:2::6", F }, { "2001:db8:2::7", R }, { "2001:db8:2::8", F },
		{ "2001:db8:3:0:7fff:ffff:ffff:ffff", F }, { "2001:db8:3:0:8000::", R },
		{ "2001:db8:3:0:ffff:ffff:ffff:ffff", R }, { "2001:db8:3:1::", F },
		{ "2001:db8:3:ffff:ffff:ffff:ffff:ffff", F }, { "2001:db8:4::", R },
		{ "2001:db8:4::1", R }, { "2001:db8:4::2", F },
		{ "198.18.0.1", F },
	};

	if (inst_respond(&env->subnet, prefixes))
		return false;
	return probes(&env->subnet, pr, ARRAY_SIZE(pr));
}
SUBTEST(t_edges_v6, "subnet v6: first/last inside, one below/above outside (/48 /128 /65 /127)");

/* /0 of one family takes every unicast address of that family, none of the other. */
static bool t_zero_length(struct env *env)
{
	static const char *const v4_all[] = { "0.0.0.0/0", NULL };
	static const char *const v6_all[] = { "::/0", NULL };
	static const struct probe pr4[] = {
		{ "0.0.0.1", R }, { "198.18.0.1", R }, { "223.255.255.255", R },
		{ "255.255.255.254", R }, { "2001:db8::1", F }, { "::1", F },
	};
	static const struct probe pr6[] = {
		{ "::1", R }, { "2001:db8::1", R }, { "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R },
		{ "198.18.0.1", F }, { "1.2.3.4", F },
	};
	bool ok;

	if (inst_respond(&env->subnet, v4_all))
		return false;
	ok = probes(&env->subnet, pr4, ARRAY_SIZE(pr4));
	if (inst_respond(&env->subnet, v6_all))
		return false;
	ok &= probes(&env->subnet, pr6, ARRAY_SIZE(pr6));
	return ok;
}
SUBTEST(t_zero_length, "subnet: /0 takes its whole family and nothing of the other");

/* Longest match is just "any match" for the filter: removing the shorter keeps the longer. */
static bool t_overlap(struct env *env)
{
	static const char *const prefixes[] = {
		"198.18.0.0/16", "198.18.5.0/24", "198.18.5.7/32",
		"2001:db8::/32", "2001:db8:5::/48", NULL,
	};
	static const struct probe all[] = {
		{ "198.18.6.1", R }, { "198.18.5.9", R }, { "198.18.5.7", R }, { "198.19.0.1", F },
		{ "2001:db8:6::1", R }, { "2001:db8:5::1", R }, { "2001:db9::1", F },
	};
	static const struct probe no16[] = {
		{ "198.18.6.1", F }, { "198.18.5.9", R }, { "198.18.5.7", R },
		{ "198.18.4.255", F }, { "198.18.6.0", F },
		{ "2001:db8:6::1", F }, { "2001:db8:5::1", R },
	};
	static const struct probe no24[] = {
		{ "198.18.5.9", F }, { "198.18.5.7", R }, { "198.18.5.6", F }, { "198.18.5.8", F },
	};
	bool ok;

	if (inst_respond(&env->subnet, prefixes))
		return false;
	ok = probes(&env->subnet, all, ARRAY_SIZE(all));
	if (inst_prefix_del(&env->subnet, "198.18.0.0/16") ||
	    inst_prefix_del(&env->subnet, "2001:db8::/32") || inst_set_count(&env->subnet, 3))
		return false;
	ok &= probes(&env->subnet, no16, ARRAY_SIZE(no16));
	if (inst_prefix_del(&env->subnet, "198.18.5.0/24") || inst_set_count(&env->subnet, 2))
		return false;
	ok &= probes(&env->subnet, no24, ARRAY_SIZE(no24));
	return ok;
}
SUBTEST(t_overlap, "subnet: overlapping prefixes, deleted one by one");

/* Step 16 after 13-15: the earlier reasons win for a destination outside. */
static const struct echo_case order_cases[] = {
	{ 4, 0, { SET_BYTES(dst_mac, BCAST6) }, VNET_PASS_MCAST_DST,
	  "outside, bcast MAC" },
	{ 4, 0, { SET_BYTES(src_ip, ZERO4) },	VNET_PASS_BAD_SRC,	"outside, from 0.0.0.0" },
	{ 6, 0, { SET_BYTES(dst_ip, "\xff") },	VNET_PASS_MCAST_DST,	"outside, to ff.." },
	{ 6, 0, { SET_NUM(type, 129) },		VNET_PASS_NOT_ECHO,	"outside, a reply" },
	{ 4, 1, { SET_BYTES(dst_ip, "\xc6\x12\x04"), SET_NUM(pad, 5) }, VNET_REPLY,
	  "inside, tagged, padded" },
};

static bool t_order(struct env *env)
{
	static const char *const prefixes[] = { "198.18.4.0/22", "2001:db8:1::/48", NULL };

	if (inst_respond(&env->subnet, prefixes))
		return false;
	return RUN_ECHO_CASES(&env->subnet, order_cases);
}
SUBTEST(t_order, "subnet: filtered after disabled/mcast_dst/bad_src (step 16 after 13-15)");

/*
 * vnet_state.nr_prefixes is the switch, as vnetctl orders its changes: an
 * entry in the tries with the count still 0 changes nothing; a count above
 * 0 with an empty trie filters everything of both families.
 */
static bool t_count(struct env *env)
{
	static const struct probe off[] = {
		{ "198.18.0.1", R }, { "198.18.4.1", R }, { "2001:db8::1", R },
	};
	static const struct probe on[] = {
		{ "198.18.0.1", F }, { "198.18.4.1", R }, { "2001:db8::1", F },
	};
	static const struct probe empty[] = {
		{ "198.18.0.1", F }, { "198.18.4.1", F }, { "2001:db8::1", F },
	};
	struct vnet_inst *in = &env->subnet;
	bool ok;

	if (inst_flush(in) || inst_prefix_add(in, "198.18.4.0/22"))
		return false;
	ok = probes(in, off, ARRAY_SIZE(off));			/* inserted, count 0 */
	if (inst_set_count(in, 1))
		return false;
	ok &= probes(in, on, ARRAY_SIZE(on));
	if (inst_set_count(in, 1000))
		return false;
	ok &= probes(in, on, ARRAY_SIZE(on));			/* only 0 or not matters */
	if (inst_set_count(in, 0))
		return false;
	ok &= probes(in, off, ARRAY_SIZE(off));			/* lowered first */
	if (inst_prefix_del(in, "198.18.4.0/22"))
		return false;
	ok &= probes(in, off, ARRAY_SIZE(off));
	if (inst_set_count(in, 1))
		return false;
	ok &= probes(in, empty, ARRAY_SIZE(empty));
	return !inst_flush(in) && ok;
}
SUBTEST(t_count, "subnet: vnet_state.nr_prefixes switches the filter (0 with entries, >0 empty)");
