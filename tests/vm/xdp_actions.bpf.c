// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_actions.bpf.c - one XDP program per verdict, for the vnet driver's
 * guest tests: each returns the same action for every frame, so a test can
 * see what the driver does with exactly that action. The guest loads them
 * all with `bpftool prog loadall` (pinned under their names) and attaches
 * one at a time with `ip link set dev vnet0 xdpdrv pinned ...`.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The program @name, which returns @action for every frame. */
#define XDP_ALWAYS(name, action)			\
	SEC("xdp")					\
	int name(struct xdp_md *ctx)			\
	{						\
		return action;				\
	}

XDP_ALWAYS(xdp_drop_all, XDP_DROP)
XDP_ALWAYS(xdp_abort_all, XDP_ABORTED)
/* Every frame to the driver's built-in responder. */
XDP_ALWAYS(xdp_pass_all, XDP_PASS)
/* Every frame back to the host unchanged: the far end as a mirror. */
XDP_ALWAYS(xdp_tx_all, XDP_TX)
/* A redirect with no target set: vnet has no ndo_xdp_xmit path for it. */
XDP_ALWAYS(xdp_redir_all, XDP_REDIRECT)
/* Not an XDP action at all. */
XDP_ALWAYS(xdp_bogus_all, 42)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
