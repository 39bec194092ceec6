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

SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int xdp_abort_all(struct xdp_md *ctx)
{
	return XDP_ABORTED;
}

/* Every frame to the driver's built-in responder. */
SEC("xdp")
int xdp_pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Every frame back to the host unchanged: the far end as a mirror. */
SEC("xdp")
int xdp_tx_all(struct xdp_md *ctx)
{
	return XDP_TX;
}

/* A redirect with no target set: vnet has no ndo_xdp_xmit path for it. */
SEC("xdp")
int xdp_redir_all(struct xdp_md *ctx)
{
	return XDP_REDIRECT;
}

/* Not an XDP action at all. */
SEC("xdp")
int xdp_bogus_all(struct xdp_md *ctx)
{
	return 42;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
