/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * bench.shared.h - the layout `vnetctl bench` shares between its generator and
 * sink programs (bench.bpf.c) and its user side (user/bench/).
 *
 * A request is an ICMP or ICMPv6 echo request whose payload starts with a
 * fixed bench header, so a 64-byte IPv4 frame (14 + 20 + 8 + 22) carries
 * everything needed to match and time its reply:
 *
 *   ICMP identifier   the run's --id
 *   ICMP sequence     bits 15..0 of the wire sequence
 *   payload  0.. 7    the run cookie (64 bits, random per run)
 *   payload  8..15    send time, CLOCK_MONOTONIC ns (bpf_ktime_get_ns())
 *   payload 16..21    bits 63..16 of the wire sequence, big-endian
 *
 * The wire sequence is (slot << BENCH_SLOT_SHIFT) | per-slot sequence: a
 * slot is one generator thread (live mode: the CPU it is pinned to has
 * the slot in its per-CPU state), so each thread counts from 0 on its own
 * and the sink can see reordering per thread. The loop method uses slot
 * 0 only and splits the sequences into lanes instead (below). Multi-byte fields are in
 * network order except the cookie and the stamp, which only the sink of
 * the same machine reads back.
 *
 * Every byte after the bench header is zero, in every frame: that is what
 * lets the generator compute the ICMP checksum over the fixed region only.
 */
#ifndef VNET_BENCH_H
#define VNET_BENCH_H

/* Include vmlinux.h (BPF) or <linux/types.h> (user space) first. */

#define BENCH_ETH_HLEN		14
#define BENCH_IP4_HLEN		20
#define BENCH_IP6_HLEN		40
#define BENCH_ICMP_HLEN		8
#define BENCH_HDR_LEN		22
#define BENCH_FRAME_MAX		1514
#define BENCH_FRAME_MIN4	(BENCH_ETH_HLEN + BENCH_IP4_HLEN + BENCH_ICMP_HLEN + BENCH_HDR_LEN)
#define BENCH_FRAME_MIN6	(BENCH_ETH_HLEN + BENCH_IP6_HLEN + BENCH_ICMP_HLEN + BENCH_HDR_LEN)

/* Generator threads; the slot lives in the top byte of the wire sequence. */
#define BENCH_MAX_SLOTS		64
#define BENCH_SLOT_SHIFT	56
#define BENCH_SEQ_MASK		((1ULL << BENCH_SLOT_SHIFT) - 1)

/*
 * RTT histogram: log2 with BENCH_HIST_SUB linear steps per power of two
 * (an HDR-histogram layout, ~19% wide buckets). Values below
 * BENCH_HIST_SUB ns get a bucket each; value v >= BENCH_HIST_SUB with its
 * top bit at position m goes to (m - 1) * BENCH_HIST_SUB + the next
 * BENCH_HIST_SUB_BITS bits of v. bench_hist_bucket() below is that rule,
 * shared by the program and the user side that prints the bounds.
 */
#define BENCH_HIST_SUB_BITS	2
#define BENCH_HIST_SUB		(1 << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_BUCKETS	(64 * BENCH_HIST_SUB)

struct bench_config {
	__u64 cookie;		/* this run's cookie, as it sits in the payload */
	__u64 dst_count;	/* destinations in the range, >= 1 */
	__u64 slot_bits;	/* seen-bitmap bits per slot (sequences tracked) */
	/*
	 * The loop method: a window of W requests circulates, each in its
	 * own lane. Lane l carries sequences l, l + lanes, l + 2 * lanes, ...
	 * (lanes: W rounded up to a power of two), one at a time: the sink
	 * re-arms a reply of sequence s as s + lanes only while the lane
	 * still holds s (bench_lanes, compare-and-swap), so vnetctl can
	 * re-seed a lane whose request was lost without a sequence ever
	 * being sent twice. With --count N lane l sends lane_quota requests,
	 * one more if l < lane_extra: N in all.
	 */
	__u64 loop_count;	/* N, or 0: until bench_stop */
	__u64 lane_quota;	/* N / W */
	__u32 lane_extra;	/* N % W */
	__u32 lanes;		/* a power of two >= W; 0: not the loop method */
	__u8 lane_shift;	/* log2(lanes) */
	__u8 family;		/* 4 or 6 */
	__u16 frame_len;	/* Ethernet frame length without FCS */
	__u16 id;		/* ICMP identifier, host order */
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 pad1[2];
	__u8 src_ip[16];	/* IPv4: the first 4 bytes */
	__u8 dst_ip[16];	/* the range's first address; IPv4: first 4 bytes */
};

/*
 * The generator's per-CPU state. vnetctl sets slot, limit and gap_ns; the
 * program keeps the rest. Frames it does not send (past the limit, before
 * their time, or after bench_stop) it drops: the kernel's BPF_PROG_RUN
 * loop runs on, cheaply, and only what was sent is counted.
 */
struct bench_gen_state {
	__u64 seq;		/* requests sent from this CPU = next sequence */
	__u64 slot;
	__u64 limit;		/* send no more than this many; ~0: no limit */
	__u64 gap_ns;		/* pacing: at least this far apart; 0: flat out */
	__u64 due_ns;		/* pacing: when the next request is due */
	__u64 first_ns;		/* send time of the first request (0: none yet) */
	__u64 last_ns;		/* send time of the latest request */
};

/*
 * The sink's per-CPU counters. Every matched frame is exactly one of:
 * reply, bounced, duplicate, bad_csum. untracked counts the replies (and
 * bounced) whose sequence lies beyond the seen-bitmap: counted, but their
 * duplicates cannot be told.
 */
#define BENCH_SINK_FIELDS(X)	\
	X(replies)		\
	X(bounced)		\
	X(duplicates)		\
	X(reordered)		\
	X(bad_csum)		\
	X(untracked)		\
	X(rtt_sum_ns)

struct bench_sink_stats {
#define BENCH_X_FIELD(name) __u64 name;
	BENCH_SINK_FIELDS(BENCH_X_FIELD)
#undef BENCH_X_FIELD
};

struct bench_hist {
	__u64 bucket[BENCH_HIST_BUCKETS];
};

/* The index of the most significant set bit of @v (v != 0). */
static inline __u32 bench_msb(__u64 v)
{
	__u32 m = 0;

	if (v >> 32) { m += 32; v >>= 32; }
	if (v >> 16) { m += 16; v >>= 16; }
	if (v >> 8) { m += 8; v >>= 8; }
	if (v >> 4) { m += 4; v >>= 4; }
	if (v >> 2) { m += 2; v >>= 2; }
	if (v >> 1) { m += 1; }
	return m;
}

static inline __u32 bench_hist_bucket(__u64 ns)
{
	__u32 m;

	if (ns < BENCH_HIST_SUB)
		return (__u32)ns;
	m = bench_msb(ns);
	return (m - BENCH_HIST_SUB_BITS + 1) * BENCH_HIST_SUB +
	       (__u32)((ns >> (m - BENCH_HIST_SUB_BITS)) & (BENCH_HIST_SUB - 1));
}

#endif /* VNET_BENCH_H */
