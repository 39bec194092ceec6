// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * drop.bpf.c - the receive ceiling for `make bench`: count every frame and
 * drop it (XDP_DROP). Nothing comes back, so its rate is read from the
 * counter: how many frames per second the responder's side can take in at
 * all, before any work is done on them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* What bench/run.sh and bench/micro read: frames seen, bytes seen. */
struct bench_base_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_base_stats);
} drop_stats SEC(".maps");

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	struct bench_base_stats *s;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&drop_stats, &key);
	if (s) {
		s->rx_packets++;
		s->rx_bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
