/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ratelimit.h - the echo request rate limits (--rate-limit): a token bucket
 * per source address and one over all sources, each allowing a burst of one
 * second's worth of requests (cfg.rate_per_source, cfg.rate_global) and
 * refilling at that rate, on bpf_ktime_get_ns() time.
 *
 * Each bucket is one 64-bit word, the "theoretical arrival time" of the
 * generic cell rate algorithm (GCRA, ITU-T I.371), which is a token bucket
 * in another form: with T = 1 s / rate and tau = (burst - 1) * T, a request
 * at time t conforms when max(tat, t) - t <= tau, and then moves tat to
 * max(tat, t) + T. A full bucket (tat <= t) takes `burst` requests at once;
 * an empty one one more every T. One word means one compare-and-swap makes
 * the decision and its accounting a single atomic step, so buckets shared
 * by CPUs stay exact under concurrency, with two approximations:
 *  - T is whole nanoseconds (1e9 / rate rounded down): the long-run rate is
 *    at most 1e9 / T, a relative excess below rate / 1e9.
 *  - a CPU that loses the compare-and-swap VNET_RL_TRIES times in a row (other
 *    CPUs took tokens from the same bucket each time) counts the request as
 *    over the limit; that needs a bucket drained by several CPUs at once.
 * The per-source buckets live in an LRU hash: when more sources than
 * VNET_RL_SOURCES are active, the least recently seen one is forgotten and
 * comes back with a full bucket. The global bucket is a global variable, so
 * no number of sources can evict it.
 *
 * A request over either limit takes no token from either bucket: the
 * per-source one is checked first (a source over its own limit cannot drain
 * the global cap), and gives its token back when the global one says no.
 *
 * Everything here runs only when a rate is configured: the rates sit in
 * .rodata, so the verifier removes this code from an unlimited program.
 */
#ifndef VNET_RATELIMIT_H
#define VNET_RATELIMIT_H

#include "packet.h"
#include "vnet.shared.h"

#define VNET_NSEC_PER_SEC	1000000000ull
#define VNET_RL_SOURCES		16384	/* per-source buckets kept */
#define VNET_RL_TRIES		4	/* compare-and-swap attempts per bucket */

/* vnet_ratelimit's key: the source address; an IPv4 one in addr[0..3], the rest zero. */
struct vnet_rl_key {
	__u32 family;		/* 4 or 6 */
	__u8 addr[16];
};

struct vnet_rl_bucket {
	__u64 tat;		/* GCRA theoretical arrival time, bpf_ktime_get_ns() */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_RL_SOURCES);
	__type(key, struct vnet_rl_key);
	__type(value, struct vnet_rl_bucket);
} vnet_ratelimit SEC(".maps");

/*
 * The global bucket's tat, in .bss: one per loaded program, shared by its
 * hooks and all CPUs. A plain __u64, so the skeleton needs no type of ours.
 */
__u64 vnet_rl_global;

/* Take one token from the bucket at @tat; 1 if there was one. */
static __always_inline int vnet_bucket_take(__u64 *tat, __u64 now, __u64 interval,
					    __u64 tau)
{
#pragma unroll
	for (int i = 0; i < VNET_RL_TRIES; i++) {
		__u64 old = *(volatile __u64 *)tat;
		__u64 start = old > now ? old : now;

		if (start - now > tau)
			return 0;
		if (__sync_val_compare_and_swap(tat, old, start + interval) == old)
			return 1;
	}
	return 0;
}

/* T and tau of a bucket allowing @rate requests/s, bursts of @rate. */
static __always_inline __u64 vnet_rl_interval(__u32 rate)
{
	return VNET_NSEC_PER_SEC / rate;
}

static __always_inline __u64 vnet_rl_tau(__u32 rate)
{
	return (__u64)(rate - 1) * vnet_rl_interval(rate);
}

/*
 * The per-source bucket of @key, made full if the source is new. NULL only
 * if the map refuses the insert and no other CPU made the entry either.
 */
static __always_inline struct vnet_rl_bucket *vnet_rl_source(struct vnet_rl_key *key)
{
	struct vnet_rl_bucket *b = bpf_map_lookup_elem(&vnet_ratelimit, key);
	struct vnet_rl_bucket full = { .tat = 0 };

	if (b)
		return b;
	/* NOEXIST: a CPU that raced us to it keeps its bucket, and we use that. */
	bpf_map_update_elem(&vnet_ratelimit, key, &full, BPF_NOEXIST);
	return bpf_map_lookup_elem(&vnet_ratelimit, key);
}

/*
 * Whether an echo request from @src (@addr_len bytes: 4 or 16) may be
 * answered: VNET_REPLY, or the verdict for one over a limit.
 */
static __always_inline enum vnet_verdict
vnet_rate_limit(const volatile struct vnet_config *cfg, const __u8 *src, int addr_len)
{
	struct vnet_rl_bucket *b = NULL;
	__u64 now;

	if (!cfg->rate_per_source && !cfg->rate_global)
		return VNET_REPLY;
	now = bpf_ktime_get_ns();

	if (cfg->rate_per_source) {
		struct vnet_rl_key key = { .family = addr_len == 4 ? 4 : 6 };
		__u32 *words = (__u32 *)key.addr;

		/* Word copies (vnet_ld32()): a byte-wise memcpy costs a load per byte. */
#pragma unroll
		for (int i = 0; i < addr_len / 4; i++)
			words[i] = vnet_ld32(src + 4 * i);
		b = vnet_rl_source(&key);
		/* No bucket (the map is full of entries being created): not limited. */
		if (b && !vnet_bucket_take(&b->tat, now, vnet_rl_interval(cfg->rate_per_source),
					   vnet_rl_tau(cfg->rate_per_source)))
			goto over;
	}
	if (cfg->rate_global &&
	    !vnet_bucket_take(&vnet_rl_global, now, vnet_rl_interval(cfg->rate_global),
			      vnet_rl_tau(cfg->rate_global))) {
		if (b)	/* give the source's token back */
			__sync_fetch_and_add(&b->tat, -vnet_rl_interval(cfg->rate_per_source));
		goto over;
	}
	return VNET_REPLY;

over:
	return cfg->rate_drop ? VNET_DROP_RATE_LIMITED : VNET_PASS_RATE_LIMITED;
}

#endif /* VNET_RATELIMIT_H */
