// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_config.c - the vnet_cfg switches, set in .rodata before load on
 * instances of their own: a family switched off hands its echo requests
 * on as pass_disabled (step 13), after every earlier rule and before the
 * address rules.
 */
#include <string.h>

#include "frames.h"
#include "tap.h"
#include "tests.h"


static bool t_rodata(struct env *env)
{
	struct vnet_inst *insts[] = {
		&env->vnet, &env->no_ipv4, &env->no_ipv6, &env->no_both, &env->owns_clsact,
	};
	struct vnet_config got;
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(insts); i++) {
		int err = inst_read_cfg(insts[i], &got);

		if (err) {
			tap_diag("%s: reading .rodata: %s", insts[i]->name, strerror(-err));
			ok = false;
		} else if (memcmp(&got, &insts[i]->cfg, sizeof(got))) {
			tap_diag("%s: .rodata holds no_ipv4 %u no_ipv6 %u owns_clsact %u",
				 insts[i]->name, got.no_ipv4, got.no_ipv6, got.owns_clsact);
			ok = false;
		}
	}
	return ok;
}
SUBTEST(t_rodata, "config: each instance's .rodata holds the vnet_cfg set before load");

/* An instance and what its echo requests of each family get. */
struct family_switch {
	size_t inst;
	int want4, want6;
};

static bool echo_both(struct env *env, const void *arg)
{
	const struct family_switch *sw = arg;
	struct vnet_inst *in = ENV_INST(env, sw->inst);
	struct frame_spec fs = frame_echo(4);
	bool ok;

	ok = expect_spec(in, HOOKS_ALL, &fs, sw->want4, "v4 echo");
	frame_add_tag(&fs, 0x8100, 5);
	fs.pad = 7;
	ok &= expect_spec(in, HOOKS_ALL, &fs, sw->want4, "v4 echo, tagged and padded");
	fs = frame_echo(6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, sw->want6, "v6 echo");
	frame_add_tag(&fs, 0x88A8, 5);
	frame_add_tag(&fs, 0x8100, 6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, sw->want6, "v6 echo, QinQ");
	return ok;
}

#define SWITCH(instance, want4, want6)					\
	(&(const struct family_switch){ offsetof(struct env, instance), want4, want6 })

SUBTEST_WITH(echo_both, SWITCH(no_ipv4, VNET_PASS_DISABLED, VNET_REPLY),
	"config no_ipv4: v4 echo requests -> disabled, v6 answered");
SUBTEST_WITH(echo_both, SWITCH(no_ipv6, VNET_REPLY, VNET_PASS_DISABLED),
	"config no_ipv6: v6 echo requests -> disabled, v4 answered");
SUBTEST_WITH(echo_both, SWITCH(no_both, VNET_PASS_DISABLED, VNET_PASS_DISABLED),
	"config no_ipv4+no_ipv6: both -> disabled");
/* The loader's note is not read by the programs. */
SUBTEST_WITH(echo_both, SWITCH(owns_clsact, VNET_REPLY, VNET_REPLY),
	"config owns_clsact: the loader's note changes nothing");

/* Step 13 before 14 and 15: a disabled family's request is disabled whatever its addresses. */
static const struct echo_case v4_bad_addresses[] = {
	{ 4, 0, { SET_BYTES(dst_mac, BCAST6) }, VNET_PASS_DISABLED,
	  "to broadcast" },
	{ 4, 0, { SET_BYTES(src_ip, ZERO4) },	VNET_PASS_DISABLED, "from 0.0.0.0" },
};
static const struct echo_case v6_bad_addresses[] = {
	{ 6, 0, { SET_BYTES(dst_ip, "\xff") },	VNET_PASS_DISABLED, "to ff.." },
	{ 6, 0, { SET_BYTES(src_mac, ZERO6) },	VNET_PASS_DISABLED, "from zero MAC" },
};

static bool t_disabled_before_addresses(struct env *env)
{
	return RUN_ECHO_CASES(&env->no_ipv4, v4_bad_addresses) &
	       RUN_ECHO_CASES(&env->no_ipv6, v6_bad_addresses);
}
SUBTEST(t_disabled_before_addresses,
	"config: disabled before mcast_dst/bad_src (step 13 before 14, 15)");

/* Steps 1-12 keep their reasons: only echo requests are "disabled". */
static const struct echo_case earlier_reasons[] = {
	{ 4, 0, { SET_NUM(type, 0) },		VNET_PASS_NOT_ECHO,	"echo reply" },
	{ 4, 0, { SET_NUM(frag, 0x0001) },	VNET_PASS_FRAGMENT,	"later fragment" },
	{ 4, 0, { SET_NUM(ip_opt_len, 8) },	VNET_PASS_IP_OPTIONS,	"options" },
	{ 6, 0, { SET_NUM(code, 1) },		VNET_PASS_NOT_ECHO,	"code 1" },
	{ 6, 0, { SET_NUM(nr_ext, 1), SET_NUM(ext[0], 60) }, VNET_PASS_IPV6_EXT, "DstOpts" },
	{ 6, 3, { },				VNET_PASS_VLAN_DEPTH,	"three tags" },
};
ECHO_SUBTEST(no_both, earlier_reasons, "config: earlier reasons kept when the family is off");
