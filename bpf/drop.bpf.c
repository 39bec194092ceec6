// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * drop.bpf.c - the receive ceiling for `make bench`: count every frame and
 * drop it (XDP_DROP). Nothing comes back, so its rate is read from the
 * counter: how many frames per second the responder's side can take in at
 * all, before any work is done on them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "baseline.h"

BENCH_BASE_STATS_MAP(drop_stats);

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	bench_base_count(&drop_stats, ctx->data_end - ctx->data);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
