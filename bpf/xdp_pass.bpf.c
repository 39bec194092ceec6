// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_pass.bpf.c - a do-nothing XDP program for the far side of a veth.
 *
 * veth delivers XDP_TX frames only to a peer that runs an XDP program of
 * its own; this one hands every frame to the stack unchanged, so a client
 * behind the peer sees the replies of a native-mode vnet.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int vnet_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The same, declaring multi-buffer support: veth's peer at MTU 9000 needs it. */
SEC("xdp.frags")
int vnet_xdp_pass_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
