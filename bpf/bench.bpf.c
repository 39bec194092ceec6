// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench.bpf.c - the two programs behind `vnetctl bench` (layout: bench.shared.h).
 *
 * bench_gen: the generator. vnetctl runs it with BPF_PROG_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES, `repeat` frames per call: the kernel takes a
 * page from its page_pool for each, runs this program and turns XDP_TX
 * into a redirect out of the ingress interface (ctx_in.ingress_ifindex).
 * The template is copied into a page only when the page is first set up;
 * a recycled page holds whatever the frame became - possibly the reply a
 * reflector made of it. So the program writes every header field and the
 * bench header on every frame, and never trusts what is in the page.
 *
 * bench_sink: on the sending interface for the run. It recognises this
 * run's replies (identifier + cookie), checks their ICMP checksum, counts
 * each sequence once (a seen-bitmap with atomic fetch-or), notices
 * reordering per generator slot, files the RTT into a per-CPU histogram,
 * and drops them. Everything else passes untouched.
 *
 * The loop method (bench_cfg.lanes): instead of dropping a counted reply,
 * the sink turns that same frame into its lane's next request - every
 * header written afresh as the generator writes it, a fresh stamp - and
 * sends it back out with XDP_TX. vnetctl seeds a window of requests from
 * user space and re-seeds lanes whose request was lost; the requests
 * circulate between the sink and the responder with no user space and no
 * BPF_PROG_RUN in the path. Duplicates, frames with a bad checksum or of
 * another length, and late replies of a lane already re-seeded are never
 * re-armed, so the window never grows.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.shared.h"
#include "csum.h"

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_ICMP_	1
#define IPPROTO_ICMPV6_	58

/* Longest ICMP message the sink sums, in 16-bit words (1514 - 14 - 20). */
#define SINK_CSUM_WORDS	((BENCH_FRAME_MAX - BENCH_ETH_HLEN - BENCH_IP4_HLEN + 1) / 2)

/* Set by vnetctl before load. */
const volatile struct bench_config bench_cfg = {};

/*
 * Set by vnetctl (through the mmap'ed .bss) to end a duration run: each
 * BPF_PROG_RUN call is long (one call costs tens of ms of set-up and
 * tear-down), and this ends the sending within the call.
 */
volatile __u32 bench_stop;

/*
 * Loop method: the sequence each lane last sent (bench.shared.h). vnetctl sizes
 * it to bench_cfg.lanes, seeds it and, mmap'ed, re-seeds lost lanes with
 * the same compare-and-swap the sink uses.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_lanes SEC(".maps");

/*
 * Pacing is a token bucket GEN_MAX_LAG_NS deep: after a stall the frames
 * that fell due go out back to back, and older lag is forgotten (sent_pps
 * then shows the shortfall). Stalls are common: the sending thread's own
 * softirq work (the responder and the sink, on veth) moves to ksoftirqd,
 * which then takes the CPU for milliseconds. Measured at 100 kpps on one
 * CPU: a bucket of 64 frames sent 69% of the target, 1 ms 98%, 20 ms and
 * more the full rate. Deeper means bigger bursts, which a receiver on
 * another CPU (--napi-cpu) may drop from its 256-frame ring.
 */
#define GEN_MAX_LAG_NS		20000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_gen_state);
} bench_gen_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_sink_stats);
} bench_sink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_hist);
} bench_hist SEC(".maps");

/* One bit per (slot, sequence); vnetctl sizes it from count or duration. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bench_seen SEC(".maps");

/*
 * Highest sequence + 1 seen per slot. Replies of one slot arrive through
 * one receive queue in practice; a racing update from another CPU can
 * only misjudge a single frame's order, never a count.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} bench_highest SEC(".maps");

/*
 * Ones'-complement sum of @words 16-bit words at @p, loaded in host order:
 * folding a host-order sum and storing it back host-order gives the right
 * bytes on either endianness (RFC 1071, "byte order independence").
 */
static __always_inline __u64 csum_words(const __u16 *p, int words)
{
	__u64 sum = 0;

	for (int i = 0; i < words; i++)
		sum += p[i];
	return sum;
}

/* --- generator ----------------------------------------------------------- */

/* Two stores, not six: the bench header's 48 sequence bits, big-endian. */
static __always_inline void put_be48(__u8 *p, __u64 v)
{
	*(__u32 *)p = bpf_htonl((__u32)(v >> 16));
	*(__u16 *)(p + 4) = bpf_htons((__u16)v);
}

/*
 * Word copies of the MACs. Through volatile pointers: .rodata is set by
 * vnetctl before load, so clang must not fold it to the {} initializer.
 */
static __always_inline void gen_eth(__u8 *eth, __u16 proto)
{
	const volatile __u8 *d = bench_cfg.dst_mac, *s = bench_cfg.src_mac;

	*(__u32 *)eth = *(const volatile __u32 *)d;
	*(__u16 *)(eth + 4) = *(const volatile __u16 *)(d + 4);
	*(__u32 *)(eth + 6) = *(const volatile __u32 *)s;
	*(__u16 *)(eth + 10) = *(const volatile __u16 *)(s + 4);
	*(__u16 *)(eth + 12) = bpf_htons(proto);
}

/* ICMP header + bench header; the checksum field is left zero. */
static __always_inline void gen_icmp(__u8 *icmp, __u8 type, __u64 wire_seq, __u64 now)
{
	icmp[0] = type;
	icmp[1] = 0;
	*(__u16 *)(icmp + 2) = 0;
	*(__u16 *)(icmp + 4) = bpf_htons(bench_cfg.id);
	*(__u16 *)(icmp + 6) = bpf_htons((__u16)wire_seq);
	*(__u64 *)(icmp + 8) = bench_cfg.cookie;
	*(__u64 *)(icmp + 16) = now;
	put_be48(icmp + 24, wire_seq >> 16);
}

#define GEN_FIXED (BENCH_ICMP_HLEN + BENCH_HDR_LEN)	/* 30 bytes: 15 words */

/*
 * A request into the frame at @data: every header field and the bench
 * header. @rest is the ones'-complement sum of the message beyond the
 * bench header: 0 for the generator's zero padding, the old frame's for a
 * re-armed reply (whatever its payload holds, the checksum stays right).
 */
static __always_inline int gen_ipv4(__u8 *data, __u8 *end, __u64 seq, __u64 wire_seq, __u64 now,
				    __u64 rest)
{
	__u8 *ip = data + BENCH_ETH_HLEN, *icmp = ip + BENCH_IP4_HLEN;
	__u32 dst;

	if (icmp + GEN_FIXED > end)
		return XDP_ABORTED;
	gen_eth(data, ETH_P_IP);

	dst = bpf_ntohl(*(const volatile __u32 *)bench_cfg.dst_ip);
	/* dst_count is .rodata: the verifier drops the division for one address. */
	if (bench_cfg.dst_count > 1)
		dst += (__u32)(seq % bench_cfg.dst_count);
	ip[0] = 0x45;
	ip[1] = 0;
	*(__u16 *)(ip + 2) = bpf_htons(bench_cfg.frame_len - BENCH_ETH_HLEN);
	*(__u16 *)(ip + 4) = bpf_htons((__u16)seq);
	*(__u16 *)(ip + 6) = bpf_htons(0x4000);	/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP_;
	*(__u16 *)(ip + 10) = 0;
	*(__u32 *)(ip + 12) = *(const volatile __u32 *)bench_cfg.src_ip;
	*(__u32 *)(ip + 16) = bpf_htonl(dst);
	*(__u16 *)(ip + 10) = ~vnet_fold64(csum_words((__u16 *)ip, BENCH_IP4_HLEN / 2));

	gen_icmp(icmp, 8, wire_seq, now);
	*(__u16 *)(icmp + 2) = ~vnet_fold64(csum_words((__u16 *)icmp, GEN_FIXED / 2) + rest);
	return XDP_TX;
}

static __always_inline int gen_ipv6(__u8 *data, __u8 *end, __u64 seq, __u64 wire_seq, __u64 now,
				    __u64 rest)
{
	__u8 *ip = data + BENCH_ETH_HLEN, *icmp = ip + BENCH_IP6_HLEN;
	__u16 plen = bench_cfg.frame_len - BENCH_ETH_HLEN - BENCH_IP6_HLEN;
	__u64 lo, sum;

	if (icmp + GEN_FIXED > end)
		return XDP_ABORTED;
	gen_eth(data, ETH_P_IPV6);

	*(__u32 *)ip = bpf_htonl(0x60000000);
	*(__u16 *)(ip + 4) = bpf_htons(plen);
	ip[6] = IPPROTO_ICMPV6_;
	ip[7] = 64;
	for (int i = 0; i < 16; i++)
		ip[8 + i] = bench_cfg.src_ip[i];
	for (int i = 0; i < 8; i++)
		ip[24 + i] = bench_cfg.dst_ip[i];
	/* The range spans the low 64 bits only (vnetctl checks). */
	lo = ((__u64)bpf_ntohl(*(const volatile __u32 *)(bench_cfg.dst_ip + 8)) << 32) |
	     bpf_ntohl(*(const volatile __u32 *)(bench_cfg.dst_ip + 12));
	if (bench_cfg.dst_count > 1)
		lo += seq % bench_cfg.dst_count;
	*(__u32 *)(ip + 32) = bpf_htonl(lo >> 32);
	*(__u32 *)(ip + 36) = bpf_htonl((__u32)lo);

	gen_icmp(icmp, 128, wire_seq, now);
	/* Pseudo-header: both addresses, upper-layer length, next header. */
	sum = csum_words((__u16 *)(ip + 8), 16);
	sum += bpf_htons(plen) + bpf_htons(IPPROTO_ICMPV6_);
	sum += csum_words((__u16 *)icmp, GEN_FIXED / 2) + rest;
	*(__u16 *)(icmp + 2) = ~vnet_fold64(sum);
	return XDP_TX;
}

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *end = (void *)(long)ctx->data_end;
	struct bench_gen_state *st;
	__u32 key = 0;
	__u64 seq, wire_seq, now;

	st = bpf_map_lookup_elem(&bench_gen_state, &key);
	if (!st)
		return XDP_ABORTED;
	if (bench_stop || st->seq >= st->limit)
		return XDP_DROP;
	now = bpf_ktime_get_ns();
	if (st->gap_ns) {
		if (!st->due_ns)
			st->due_ns = now;	/* the first request: no lag to make up */
		/* Not yet: the kernel's loop spins (page, program, drop) until it is. */
		if (now < st->due_ns)
			return XDP_DROP;
		if (st->due_ns + GEN_MAX_LAG_NS < now)
			st->due_ns = now - GEN_MAX_LAG_NS;
		st->due_ns += st->gap_ns;
	}
	/*
	 * BPF_PROG_RUN keeps the task on its CPU and softirqs off while the
	 * program runs: two vnetctl threads sharing a CPU take turns, so the
	 * plain increments are exact.
	 */
	seq = st->seq++;
	if (!st->first_ns)
		st->first_ns = now;
	st->last_ns = now;
	wire_seq = (st->slot << BENCH_SLOT_SHIFT) | (seq & BENCH_SEQ_MASK);
	if (bench_cfg.family == 6)
		return gen_ipv6(data, end, seq, wire_seq, now, 0);
	return gen_ipv4(data, end, seq, wire_seq, now, 0);
}

/* --- sink ---------------------------------------------------------------- */

/*
 * Sums [p, p + len) with 16-bit loads, a trailing odd byte padded with a
 * zero (as the wire order requires, also in host order on little endian).
 */
static __always_inline __u64 csum_packet(__u8 *p, __u8 *end, __u32 len)
{
	__u64 sum = 0;

	for (int i = 0; i < SINK_CSUM_WORDS; i++) {
		if (len < 2)
			break;
		/* Keep clang from folding the bounds checks into pkt_end arithmetic. */
		asm volatile("" : "+r"(p));
		if (p + 2 > end)
			return ~0ULL;
		sum += *(__u16 *)p;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		if (p + 1 > end)
			return ~0ULL;
		sum += *p;
	}
	return sum;
}

/*
 * Where the ICMP message of one of our frames starts and how long it is,
 * or NULL if the frame is not ICMP/ICMPv6 of our family. @pseudo gets the
 * pseudo-header sum (IPv6) or 0.
 */
static __always_inline __u8 *sink_icmp(__u8 *data, __u8 *end, __u32 *len, __u64 *pseudo)
{
	__u8 *ip = data + BENCH_ETH_HLEN;
	__u16 proto;

	if (ip > end)
		return NULL;
	proto = bpf_ntohs(*(__u16 *)(data + 12));
	if (bench_cfg.family == 4) {
		__u32 ihl, tot;

		if (proto != ETH_P_IP || ip + BENCH_IP4_HLEN > end)
			return NULL;
		ihl = (ip[0] & 0xf) * 4;
		tot = bpf_ntohs(*(__u16 *)(ip + 2));
		if ((ip[0] >> 4) != 4 || ihl < BENCH_IP4_HLEN || ip[9] != IPPROTO_ICMP_ ||
		    tot < ihl + BENCH_ICMP_HLEN || ihl > 60)
			return NULL;
		*len = tot - ihl;
		*pseudo = 0;
		return ip + ihl;
	}
	if (proto != ETH_P_IPV6 || ip + BENCH_IP6_HLEN > end || ip[6] != IPPROTO_ICMPV6_)
		return NULL;
	*len = bpf_ntohs(*(__u16 *)(ip + 4));
	*pseudo = csum_words((__u16 *)(ip + 8), 16) + bpf_htons((__u16)*len) +
		  bpf_htons(IPPROTO_ICMPV6_);
	return ip + BENCH_IP6_HLEN;
}

static __always_inline void sink_rtt(__u64 stamp, __u64 now, struct bench_sink_stats *s)
{
	struct bench_hist *h;
	__u64 rtt;
	__u32 key = 0, b;

	rtt = now > stamp ? now - stamp : 0;
	s->rtt_sum_ns += rtt;
	h = bpf_map_lookup_elem(&bench_hist, &key);
	if (!h)
		return;
	/*
	 * bench_hist_bucket() is always in range; the mask (the count is a
	 * power of two) says so in a way older verifiers (6.1) follow, where
	 * a bounds test on one copy of the index does not bound the other.
	 */
	b = bench_hist_bucket(rtt) & (BENCH_HIST_BUCKETS - 1);
	h->bucket[b]++;
}

/*
 * Loop method: the counted reply (or bounced request) of sequence @seq at
 * @data becomes its lane's next request, sent back with XDP_TX; XDP_DROP
 * when the lane has sent its share, bench_stop is set, or the lane moved
 * on without it (vnetctl re-seeded it: this was a late reply). @rest is
 * the checksum sum of the message beyond the bench header, which the new
 * request keeps as it is.
 */
static __always_inline int sink_rearm(__u8 *data, __u8 *end, __u8 *icmp, __u32 len, __u64 rest,
				      __u64 seq, __u64 now)
{
	__u32 l3 = bench_cfg.family == 4 ? BENCH_IP4_HLEN : BENCH_IP6_HLEN;
	__u32 lane = (__u32)seq & (bench_cfg.lanes - 1);
	__u64 next = seq + bench_cfg.lanes, *cur;
	struct bench_gen_state *st;
	__u32 key = 0;

	if (bench_stop)
		return XDP_DROP;
	/* Only a frame of the run's own size becomes a request of it. */
	if (data + bench_cfg.frame_len != end ||
	    len != (__u32)bench_cfg.frame_len - BENCH_ETH_HLEN - l3 ||
	    icmp != data + BENCH_ETH_HLEN + l3)
		return XDP_DROP;
	if (bench_cfg.loop_count &&
	    next >> bench_cfg.lane_shift >= bench_cfg.lane_quota + (lane < bench_cfg.lane_extra))
		return XDP_DROP;
	cur = bpf_map_lookup_elem(&bench_lanes, &lane);
	st = bpf_map_lookup_elem(&bench_gen_state, &key);
	if (!cur || !st || __sync_val_compare_and_swap(cur, seq, next) != seq)
		return XDP_DROP;
	/* Softirq: nothing else touches this CPU's state meanwhile. */
	st->seq++;
	if (!st->first_ns)
		st->first_ns = now;
	st->last_ns = now;
	if (bench_cfg.family == 6)
		return gen_ipv6(data, end, next, next, now, rest);
	return gen_ipv4(data, end, next, next, now, rest);
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *end = (void *)(long)ctx->data_end;
	struct bench_sink_stats *s;
	__u64 pseudo, rest, now, wire_seq, seq, slot, bit, old, *word, *hi;
	__u32 len, key = 0, idx;
	__u8 *icmp, *b;
	bool request;

	icmp = sink_icmp(data, end, &len, &pseudo);
	if (!icmp || icmp + GEN_FIXED > end || len < GEN_FIXED)
		return XDP_PASS;
	if (icmp[1] != 0 || bpf_ntohs(*(__u16 *)(icmp + 4)) != bench_cfg.id ||
	    *(__u64 *)(icmp + 8) != bench_cfg.cookie)
		return XDP_PASS;
	if (bench_cfg.family == 4 ? icmp[0] == 0 : icmp[0] == 129)
		request = false;
	else if (bench_cfg.family == 4 ? icmp[0] == 8 : icmp[0] == 128)
		request = true;	/* came back as it left: a MAC-swap bounce */
	else
		return XDP_PASS;

	s = bpf_map_lookup_elem(&bench_sink_stats, &key);
	if (!s)
		return XDP_PASS;
	/*
	 * The bench header in one unrolled sum (it was bounds-checked above),
	 * the rest - nothing, for 64-byte IPv4 - word by word.
	 */
	rest = csum_packet(icmp + GEN_FIXED, end, len - GEN_FIXED);
	if (vnet_fold64(pseudo + csum_words((__u16 *)icmp, GEN_FIXED / 2) + rest) != 0xffff) {
		s->bad_csum++;
		return XDP_DROP;
	}

	b = icmp + 24;
	wire_seq = ((__u64)b[0] << 56) | ((__u64)b[1] << 48) | ((__u64)b[2] << 40) |
		   ((__u64)b[3] << 32) | ((__u64)b[4] << 24) | ((__u64)b[5] << 16) |
		   bpf_ntohs(*(__u16 *)(icmp + 6));
	slot = wire_seq >> BENCH_SLOT_SHIFT;
	seq = wire_seq & BENCH_SEQ_MASK;

	if (slot >= BENCH_MAX_SLOTS || seq >= bench_cfg.slot_bits) {
		s->untracked++;
		goto count;
	}
	bit = slot * bench_cfg.slot_bits + seq;
	idx = bit / 64;
	word = bpf_map_lookup_elem(&bench_seen, &idx);
	if (!word) {
		s->untracked++;
		goto count;
	}
	old = __sync_fetch_and_or(word, 1ULL << (bit % 64));
	if (old & (1ULL << (bit % 64))) {
		s->duplicates++;
		return XDP_DROP;
	}
	idx = slot;
	/* The loop's lanes run side by side: no one order to hold them to. */
	hi = bench_cfg.lanes ? NULL : bpf_map_lookup_elem(&bench_highest, &idx);
	if (hi) {
		if (seq + 1 < *hi)
			s->reordered++;
		else
			*hi = seq + 1;
	}

count:
	if (request)
		s->bounced++;
	else
		s->replies++;
	now = bpf_ktime_get_ns();
	sink_rtt(*(__u64 *)(icmp + 16), now, s);
	if (bench_cfg.lanes)
		return sink_rearm(data, end, icmp, len, rest, wire_seq, now);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
