// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_trunc.c - every truncation of a full echo request, from 0 bytes to
 * the whole frame, through every hook.
 *
 * Below the lengths BPF_PROG_TEST_RUN accepts (see hook_refuses()), the
 * kernel refuses the run before the program sees it: those lengths are a
 * subtest of their own, which asserts exactly EINVAL and no counter change.
 * Every accepted length must be truncated, except the whole frame (and,
 * with padding, any cut that keeps the IP datagram), which is answered.
 */
#include <stdio.h>

#include "frames.h"
#include "tap.h"
#include "tests.h"

struct cut_frame {
	int family;
	unsigned int nr_tags;
	uint16_t tpid[2];
	unsigned int pad;
};

static const struct cut_frame v4_plain = { 4, 0, { 0 }, 0 };
static const struct cut_frame v6_plain = { 6, 0, { 0 }, 0 };
static const struct cut_frame v4_q = { 4, 1, { 0x8100 }, 0 };
static const struct cut_frame v6_qinq = { 6, 2, { 0x88A8, 0x8100 }, 0 };
static const struct cut_frame v4_padded = { 4, 1, { 0x8100 }, 12 };

static size_t build_cut_frame(uint8_t *buf, const struct cut_frame *c, struct frame_layout *lo)
{
	struct frame_spec fs = frame_echo(c->family);
	unsigned int i;

	for (i = 0; i < c->nr_tags; i++)
		frame_add_tag(&fs, c->tpid[i], 10 + i);
	fs.pad = c->pad;
	fs.pad_byte = 0x5a;
	return frame_build(buf, &fs, lo);
}

/*
 * Every length of @c's frame, each through the hooks that refuse it
 * (@refused: exactly EINVAL, no counter change) or accept it (truncated,
 * or answered once the IP datagram is whole).
 */
static bool cut_lengths(struct env *env, const struct cut_frame *c, bool refused)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	size_t full = build_cut_frame(buf, c, &lo), len;
	unsigned int hooks;
	char what[48];
	bool ok = true;
	int h;

	for (len = 0; len <= full; len++) {
		hooks = 0;
		for (h = 0; h < NR_HOOKS; h++)
			if (hook_refuses(h, buf, len) == refused)
				hooks |= HOOK_BIT(h);
		if (!hooks)
			continue;
		snprintf(what, sizeof(what), "%s %zu of %zu bytes",
			 refused ? "refused length" : "cut to", len, full);
		ok &= expect_frame(&env->vnet, hooks, buf, len, refused ? WANT_MODEL :
				   len >= lo.ip_end ? VNET_REPLY : VNET_PASS_TRUNCATED, what);
	}
	return ok;
}

/* Lengths the kernel refuses for at least one hook: each hook must refuse exactly those. */
static bool refused_lengths(struct env *env, const void *arg)
{
	return cut_lengths(env, arg, true);
}

static bool accepted_lengths(struct env *env, const void *arg)
{
	return cut_lengths(env, arg, false);
}

SUBTEST_WITH(refused_lengths, &v4_plain,
	"truncation v4 (98 bytes): 0-13 refused by test_run with EINVAL (all hooks), "
	"14-33 by TC (skb IPv4 needs 34)");
SUBTEST_WITH(accepted_lengths, &v4_plain,
	"truncation v4 (98 bytes): every accepted length truncated, 98 answered");
SUBTEST_WITH(refused_lengths, &v6_plain,
	"truncation v6 (118 bytes): 0-13 refused by test_run with EINVAL (all hooks), "
	"14-53 by TC (skb IPv6 needs 54)");
SUBTEST_WITH(accepted_lengths, &v6_plain,
	"truncation v6 (118 bytes): every accepted length truncated, 118 answered");
SUBTEST_WITH(refused_lengths, &v4_q,
	"truncation v4 802.1Q (102 bytes): 0-13 refused by test_run with EINVAL (all hooks)");
SUBTEST_WITH(accepted_lengths, &v4_q,
	"truncation v4 802.1Q (102 bytes): every length 14-102 per the model");
SUBTEST_WITH(refused_lengths, &v6_qinq,
	"truncation v6 QinQ (126 bytes): 0-13 refused by test_run with EINVAL (all hooks)");
SUBTEST_WITH(accepted_lengths, &v6_qinq,
	"truncation v6 QinQ (126 bytes): every length 14-126 per the model");
SUBTEST_WITH(accepted_lengths, &v4_padded,
	"truncation v4 802.1Q + 12 padding: cuts into the padding still answered");
