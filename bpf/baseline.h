/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * baseline.h - what the two `make bench` baselines (bounce.bpf.c,
 * drop.bpf.c) share: a per-CPU counter of the frames they saw, which
 * bench/run.sh reads (rx_packets, by BTF name) where no reply tells the rate.
 */
#ifndef VNET_BASELINE_H
#define VNET_BASELINE_H

struct bench_base_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
};

/* One slot, one copy per CPU: the counter must not cost an atomic. */
#define BENCH_BASE_STATS_MAP(name)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, 1);					\
		__type(key, __u32);					\
		__type(value, struct bench_base_stats);			\
	} name SEC(".maps")

/* Count one frame of @len bytes (the caller has data and data_end at hand). */
static __always_inline void bench_base_count(void *map, __u64 len)
{
	struct bench_base_stats *s;
	__u32 key = 0;

	s = bpf_map_lookup_elem(map, &key);
	if (s) {
		s->rx_packets++;
		s->rx_bytes += len;
	}
}

#endif /* VNET_BASELINE_H */
