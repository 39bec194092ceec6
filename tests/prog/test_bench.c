// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_bench.c - the programs behind `vnetctl bench` (bpf/bench.bpf.c),
 * through plain BPF_PROG_TEST_RUN on one pinned CPU.
 *
 * Generator: the frame it writes, judged field by field and with checksums
 * recomputed here (csum.c), the sequence counting up, the destination
 * cycling through the range, the limit. Sink: replies built here from the
 * generator's requests (addresses swapped, type changed, checksum computed
 * from scratch), then a scripted mix - first replies, a duplicate, a late
 * one, a bad checksum, a foreign cookie and identifier, a bounced request,
 * a sequence beyond the bitmap - must leave exactly the counts worked out
 * by hand, and an RTT stamped 1 ms in the past must land in the 1 ms bucket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.shared.h"
#include "bench.skel.h"
#include "csum.h"
#include "tap.h"
#include "tests.h"

#define XDP_DROP_	1
#define XDP_PASS_	2
#define XDP_TX_		3

#define COOKIE		0x1122334455667788ULL
#define ID		0xbe7c
#define SLOT		5
#define SLOT_BITS	1024

static const uint8_t SRC_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t DST_MAC[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t SRC4[4] = { 198, 18, 0, 1 };
static const uint8_t DST4[4] = { 198, 18, 0, 250 };	/* range crosses .255 -> 198.18.1.x */
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xff, [15] = 0xfe };

struct bench_t {
	struct bench *skel;
	int family;
	int gen_fd, sink_fd;
};

static int this_cpu;

/* Everything BPF_PROG_TEST_RUN does per-CPU must land on one known CPU. */
static bool pin_here(void)
{
	cpu_set_t set;

	this_cpu = sched_getcpu();
	CPU_ZERO(&set);
	CPU_SET(this_cpu, &set);
	if (this_cpu < 0 || sched_setaffinity(0, sizeof(set), &set)) {
		tap_diag("cannot pin to a CPU: %s", strerror(errno));
		return false;
	}
	return true;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void cfg_fill(struct bench_config *c, int family, uint16_t len, uint64_t count)
{
	memset(c, 0, sizeof(*c));
	c->cookie = COOKIE;
	c->dst_count = count;
	c->slot_bits = SLOT_BITS;
	c->family = family;
	c->frame_len = len;
	c->id = ID;
	memcpy(c->src_mac, SRC_MAC, 6);
	memcpy(c->dst_mac, DST_MAC, 6);
	if (family == 4) {
		memcpy(c->src_ip, SRC4, 4);
		memcpy(c->dst_ip, DST4, 4);
	} else {
		memcpy(c->src_ip, SRC6, 16);
		memcpy(c->dst_ip, DST6, 16);
	}
}

/* Loads bench.bpf.o with @cfg; this CPU gets slot SLOT and @limit. */
static bool bt_open(struct bench_t *b, const struct bench_config *cfg, uint64_t limit)
{
	struct bench_gen_state *st;
	__u32 key = 0;
	int err;

	memset(b, 0, sizeof(*b));
	if (!pin_here())
		return false;
	b->skel = bench__open();
	if (!b->skel) {
		tap_diag("bench__open: %s", strerror(errno));
		return false;
	}
	b->skel->rodata->bench_cfg = *cfg;
	bpf_map__set_max_entries(b->skel->maps.bench_seen, SLOT_BITS * BENCH_MAX_SLOTS / 64);
	bpf_map__set_max_entries(b->skel->maps.bench_lanes, cfg->lanes ? cfg->lanes : 1);
	err = bench__load(b->skel);
	if (err) {
		tap_diag("bench__load: %s", strerror(-err));
		goto err;
	}
	st = calloc(nr_cpus, sizeof(*st));
	if (!st)
		goto err;
	for (int c = 0; c < nr_cpus; c++)
		st[c].limit = ~0ULL;
	st[this_cpu].slot = SLOT;
	st[this_cpu].limit = limit;
	err = bpf_map_update_elem(bpf_map__fd(b->skel->maps.bench_gen_state), &key, st, 0);
	free(st);
	if (err) {
		tap_diag("setting the generator state: %s", strerror(errno));
		goto err;
	}
	b->family = cfg->family;
	b->gen_fd = bpf_program__fd(b->skel->progs.bench_gen);
	b->sink_fd = bpf_program__fd(b->skel->progs.bench_sink);
	return true;
err:
	bench__destroy(b->skel);
	b->skel = NULL;
	return false;
}

static void bt_close(struct bench_t *b)
{
	bench__destroy(b->skel);
}

/* One plain (not live) run of @fd over @in; the output frame into @out. */
static int run_prog(int fd, const uint8_t *in, size_t len, uint8_t *out, uint32_t *retval)
{
	uint8_t scratch[BENCH_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in,
		.data_size_in = (__u32)len,
		.data_out = out ? out : scratch,
		.data_size_out = BENCH_FRAME_MAX,
		.repeat = 1,
	);

	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	*retval = o.retval;
	return 0;
}

/*
 * The generator's next request, into @out (cfg->frame_len bytes), from
 * @in, or from a page as live mode may hand it over: garbage where any
 * header could be, then the template's zeros, which nothing ever writes
 * (a reflector rewrites headers only).
 */
static bool gen_from(struct bench_t *b, const uint8_t *in, uint16_t len, uint8_t *out,
		     uint32_t want_ret)
{
	uint8_t junk[BENCH_FRAME_MAX] = {};
	uint32_t ret;
	int err;

	if (!in) {
		memset(junk, 0xa5, b->family == 4 ? BENCH_FRAME_MIN4 : BENCH_FRAME_MIN6);
		in = junk;
	}
	err = run_prog(b->gen_fd, in, len, out, &ret);
	if (err || ret != want_ret) {
		tap_diag("bench_gen: err %d, retval %u (want %u)", err, ret, want_ret);
		return false;
	}
	return true;
}

static bool gen_one(struct bench_t *b, uint16_t len, uint8_t *out, uint32_t want_ret)
{
	return gen_from(b, NULL, len, out, want_ret);
}

static struct bench_sink_stats sink_read(struct bench_t *b, __u64 *hist)
{
	struct bench_sink_stats *per, sum = {};
	struct bench_hist *h;
	__u32 key = 0;

	per = calloc(nr_cpus, sizeof(*per));
	h = calloc(nr_cpus, sizeof(*h));
	if (per && !bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.bench_sink_stats), &key, per))
		sum = per[this_cpu];
	if (h && hist &&
	    !bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.bench_hist), &key, h))
		memcpy(hist, h[this_cpu].bucket, sizeof(h->bucket));
	free(per);
	free(h);
	return sum;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static size_t l3_len(int family)
{
	return family == 4 ? BENCH_IP4_HLEN : BENCH_IP6_HLEN;
}

/* ICMP checksum over the whole message (and IPv6 pseudo-header) is valid. */
static bool icmp_csum_ok(const uint8_t *f, size_t len, int family)
{
	const uint8_t *ip = f + BENCH_ETH_HLEN, *icmp = ip + l3_len(family);
	size_t mlen = len - BENCH_ETH_HLEN - l3_len(family);
	uint64_t sum = 0;

	if (family == 6)
		sum = csum_pseudo6(ip + 8, ip + 24, (uint32_t)mlen, 58);
	return csum_verifies(csum_add(sum, icmp, mlen));
}

/* The wire sequence of a bench frame (ICMP seq + payload bytes 16..21). */
static uint64_t wire_seq_of(const uint8_t *f, int family)
{
	const uint8_t *icmp = f + BENCH_ETH_HLEN + l3_len(family);
	uint64_t hi = 0;

	for (int i = 0; i < 6; i++)
		hi = hi << 8 | icmp[24 + i];
	return hi << 16 | get_be16(icmp + 6);
}

/*
 * What a reflector sends back: MACs and addresses swapped, type 0/129,
 * checksum computed from scratch here (not incrementally, as vnet does).
 */
static void make_reply(uint8_t *f, size_t len, int family, uint8_t type)
{
	uint8_t *ip = f + BENCH_ETH_HLEN, *icmp = ip + l3_len(family), t[16];
	size_t alen = family == 4 ? 4 : 16, aoff = family == 4 ? 12 : 8;
	size_t mlen = len - BENCH_ETH_HLEN - l3_len(family);
	uint64_t sum = 0;

	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	memcpy(t, ip + aoff, alen);
	memcpy(ip + aoff, ip + aoff + alen, alen);
	memcpy(ip + aoff + alen, t, alen);
	icmp[0] = type;
	icmp[2] = icmp[3] = 0;
	if (family == 6)
		sum = csum_pseudo6(ip + 8, ip + 24, (uint32_t)mlen, 58);
	put_be16(icmp + 2, csum_finish(csum_add(sum, icmp, mlen)));
}

static bool gen_frame_ok(int family, uint16_t len)
{
	struct bench_config cfg;
	uint8_t f[BENCH_FRAME_MAX];
	struct bench_t b;
	bool ok = true;
	uint64_t t0 = now_ns(), stamp;
	const uint8_t *ip = f + BENCH_ETH_HLEN, *icmp = ip + l3_len(family);

	cfg_fill(&cfg, family, len, 1);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	if (!gen_one(&b, len, f, XDP_TX_)) {
		bt_close(&b);
		return false;
	}
	stamp = 0;
	memcpy(&stamp, icmp + 16, 8);	/* host order: only this machine reads it */

#define CHECK(cond, ...) do { if (!(cond)) { tap_diag(__VA_ARGS__); ok = false; } } while (0)
	CHECK(!memcmp(f, DST_MAC, 6) && !memcmp(f + 6, SRC_MAC, 6), "MACs");
	CHECK(get_be16(f + 12) == (family == 4 ? 0x0800 : 0x86DD), "ethertype %04x",
	      get_be16(f + 12));
	if (family == 4) {
		CHECK(ip[0] == 0x45 && ip[9] == 1 && ip[8] == 64, "IPv4 version/IHL/proto/TTL");
		CHECK(get_be16(ip + 2) == len - BENCH_ETH_HLEN, "IPv4 total length %u",
		      get_be16(ip + 2));
		CHECK((get_be16(ip + 6) & 0x3fff) == 0, "IPv4 fragment bits");
		CHECK(csum_verifies(csum_add(0, ip, BENCH_IP4_HLEN)), "IPv4 header checksum");
		CHECK(!memcmp(ip + 12, SRC4, 4) && !memcmp(ip + 16, DST4, 4), "IPv4 addresses");
		CHECK(icmp[0] == 8, "ICMP type %u", icmp[0]);
	} else {
		CHECK((ip[0] >> 4) == 6 && ip[6] == 58 && ip[7] == 64, "IPv6 version/next/hops");
		CHECK(get_be16(ip + 4) == len - BENCH_ETH_HLEN - BENCH_IP6_HLEN,
		      "IPv6 payload length %u", get_be16(ip + 4));
		CHECK(!memcmp(ip + 8, SRC6, 16) && !memcmp(ip + 24, DST6, 16), "IPv6 addresses");
		CHECK(icmp[0] == 128, "ICMPv6 type %u", icmp[0]);
	}
	CHECK(icmp[1] == 0 && get_be16(icmp + 4) == ID, "ICMP code/identifier");
	CHECK(icmp_csum_ok(f, len, family), "ICMP checksum over the whole message");
	CHECK(!memcmp(icmp + 8, &cfg.cookie, 8), "cookie");
	CHECK(wire_seq_of(f, family) == (uint64_t)SLOT << BENCH_SLOT_SHIFT,
	      "wire sequence %llx", (unsigned long long)wire_seq_of(f, family));
	CHECK(stamp >= t0 && stamp <= now_ns(), "stamp %llu not within the run",
	      (unsigned long long)stamp);
	for (size_t i = BENCH_ETH_HLEN + l3_len(family) + BENCH_ICMP_HLEN + BENCH_HDR_LEN;
	     i < len; i++)
		if (f[i]) {
			CHECK(false, "byte %zu after the bench header is %02x, not 0", i, f[i]);
			break;
		}
	if (!ok)
		tap_hexdump("frame", f, len, NULL, 0);
	bt_close(&b);
	return ok;
}

static bool t_gen_v4(struct env *env)
{
	(void)env;
	return gen_frame_ok(4, 64) && gen_frame_ok(4, 1514) && gen_frame_ok(4, 65);
}
SUBTEST(t_gen_v4, "bench gen: IPv4 request fields and checksums (64, 65, 1514 bytes)");

static bool t_gen_v6(struct env *env)
{
	(void)env;
	return gen_frame_ok(6, BENCH_FRAME_MIN6) && gen_frame_ok(6, 1514) &&
	       gen_frame_ok(6, 101);
}
SUBTEST(t_gen_v6, "bench gen: IPv6 request fields and checksums (84, 101, 1514 bytes)");

/* Sequences count up per CPU; the destination cycles through the range. */
static bool gen_sequence_ok(struct env *env, const void *arg)
{
	int family = *(const int *)arg;
	const uint64_t count = 10;
	uint16_t len = family == 4 ? 64 : BENCH_FRAME_MIN6;
	struct bench_config cfg;
	uint8_t f[BENCH_FRAME_MAX] = {};
	struct bench_t b;
	bool ok = true;

	(void)env;
	cfg_fill(&cfg, family, len, count);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	for (uint64_t i = 0; i < 2 * count + 3 && ok; i++) {
		const uint8_t *ip = f + BENCH_ETH_HLEN;
		uint64_t want_lo, got_lo;
		uint8_t prev[BENCH_FRAME_MAX];

		/*
		 * Odd ones start from the reply to the previous request: what a
		 * recycled live page holds. It must become a request again.
		 */
		memcpy(prev, f, len);
		make_reply(prev, len, family, family == 4 ? 0 : 129);
		if (!gen_from(&b, i % 2 ? prev : NULL, len, f, XDP_TX_)) {
			ok = false;
			break;
		}
		if (wire_seq_of(f, family) != ((uint64_t)SLOT << BENCH_SLOT_SHIFT | i)) {
			tap_diag("request %llu: wire sequence %llx", (unsigned long long)i,
				 (unsigned long long)wire_seq_of(f, family));
			ok = false;
		}
		if (family == 4) {
			want_lo = ((uint64_t)DST4[0] << 24 | DST4[1] << 16 | DST4[2] << 8 | DST4[3]) +
				  i % count;
			got_lo = (uint64_t)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 | ip[19];
			if (!csum_verifies(csum_add(0, ip, BENCH_IP4_HLEN)))
				ok = false, tap_diag("request %llu: IPv4 checksum",
						     (unsigned long long)i);
		} else {
			want_lo = get_be64(DST6 + 8) + i % count;
			got_lo = get_be64(ip + 32);
			if (memcmp(ip + 24, DST6, 8))
				ok = false, tap_diag("request %llu: IPv6 prefix changed",
						     (unsigned long long)i);
		}
		if (got_lo != want_lo) {
			tap_diag("request %llu: destination low bits %llx, want %llx",
				 (unsigned long long)i, (unsigned long long)got_lo,
				 (unsigned long long)want_lo);
			ok = false;
		}
		if (!icmp_csum_ok(f, len, family) || f[BENCH_ETH_HLEN + l3_len(family)] !=
		    (family == 4 ? 8 : 128) || memcmp(f, DST_MAC, 6)) {
			tap_diag("request %llu: not a valid request (checksum, type, MAC)",
				 (unsigned long long)i);
			ok = false;
		}
	}
	bt_close(&b);
	return ok;
}

SUBTEST_WITH(gen_sequence_ok, FAMILY(4),
	"bench gen: IPv4 sequence counts up, destination cycles the range");

SUBTEST_WITH(gen_sequence_ok, FAMILY(6),
	"bench gen: IPv6 sequence counts up, destination cycles the range");

/* With a limit of 3, the 4th and later runs send nothing and count nothing. */
static bool t_gen_limit(struct env *env)
{
	struct bench_gen_state *st;
	struct bench_config cfg;
	uint8_t f[BENCH_FRAME_MAX];
	struct bench_t b;
	__u32 key = 0;
	bool ok = true;

	(void)env;
	cfg_fill(&cfg, 4, 64, 1);
	if (!bt_open(&b, &cfg, 3))
		return false;
	for (int i = 0; i < 5; i++)
		ok &= gen_one(&b, 64, f, i < 3 ? XDP_TX_ : XDP_DROP_);
	st = calloc(nr_cpus, sizeof(*st));
	if (st && !bpf_map_lookup_elem(bpf_map__fd(b.skel->maps.bench_gen_state), &key, st)) {
		if (st[this_cpu].seq != 3) {
			tap_diag("seq %llu after the limit, want 3",
				 (unsigned long long)st[this_cpu].seq);
			ok = false;
		}
	} else {
		ok = false;
	}
	free(st);
	bt_close(&b);
	return ok;
}
SUBTEST(t_gen_limit, "bench gen: nothing sent or counted past the limit");

/* Feeds @f to the sink; true if the verdict is @want. */
static bool sink_feed(struct bench_t *b, const uint8_t *f, size_t len, uint32_t want,
		      const char *what)
{
	uint32_t ret;
	int err = run_prog(b->sink_fd, f, len, NULL, &ret);

	if (err || ret != want) {
		tap_diag("%s: err %d, verdict %u, want %u", what, err, ret, want);
		return false;
	}
	return true;
}

static bool sink_mix_ok(struct env *env, const void *arg)
{
	int family = *(const int *)arg;
	uint16_t len = family == 4 ? 64 : BENCH_FRAME_MIN6;
	uint8_t req[4][BENCH_FRAME_MAX], f[BENCH_FRAME_MAX];
	size_t icmp_off = BENCH_ETH_HLEN + l3_len(family);
	uint8_t reply_type = family == 4 ? 0 : 129;
	struct bench_sink_stats s, want = {};
	struct bench_config cfg;
	struct bench_t b;
	bool ok = true;

	(void)env;
	cfg_fill(&cfg, family, len, 1);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	for (int i = 0; i < 4; i++)
		ok &= gen_one(&b, len, req[i], XDP_TX_);

	/* Replies to 0 and 2, then 1: late. Then 0 again: a duplicate. */
	int order[] = { 0, 2, 1, 0 };

	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
		memcpy(f, req[order[i]], len);
		make_reply(f, len, family, reply_type);
		ok &= sink_feed(&b, f, len, XDP_DROP_, "reply");
	}
	want.replies = 3;
	want.reordered = 1;
	want.duplicates = 1;

	/* Request 3 comes back as it left (a MAC-swap bounce). */
	memcpy(f, req[3], len);
	ok &= sink_feed(&b, f, len, XDP_DROP_, "bounced request");
	want.bounced = 1;

	/* One flipped bit in the last byte: the checksum no longer holds. */
	memcpy(f, req[3], len);
	make_reply(f, len, family, reply_type);
	f[len - 1] ^= 0x40;
	ok &= sink_feed(&b, f, len, XDP_DROP_, "bad checksum");
	want.bad_csum = 1;

	/* Another run's cookie, another identifier: someone else's, passed. */
	memcpy(f, req[3], len);
	f[icmp_off + 8] ^= 1;
	make_reply(f, len, family, reply_type);
	ok &= sink_feed(&b, f, len, XDP_PASS_, "foreign cookie");
	memcpy(f, req[3], len);
	put_be16(f + icmp_off + 4, ID + 1);
	make_reply(f, len, family, reply_type);
	ok &= sink_feed(&b, f, len, XDP_PASS_, "foreign identifier");
	/* Not ICMP at all. */
	memcpy(f, req[3], len);
	put_be16(f + 12, 0x0806);
	ok &= sink_feed(&b, f, len, XDP_PASS_, "ARP");

	/* A sequence beyond the bitmap: counted, marked untracked. */
	memcpy(f, req[3], len);
	put_be16(f + icmp_off + 6, 0);
	f[icmp_off + 24 + 4] = 4;	/* sequence 4 << 24, far past SLOT_BITS */
	make_reply(f, len, family, reply_type);
	ok &= sink_feed(&b, f, len, XDP_DROP_, "beyond the bitmap");
	want.replies++;
	want.untracked = 1;

	s = sink_read(&b, NULL);
	want.rtt_sum_ns = s.rtt_sum_ns;
#define X(n) if (s.n != want.n) { tap_diag(#n " %llu, want %llu", \
	(unsigned long long)s.n, (unsigned long long)want.n); ok = false; }
	BENCH_SINK_FIELDS(X)
#undef X
	bt_close(&b);
	return ok;
}

SUBTEST_WITH(sink_mix_ok, FAMILY(4),
	"bench sink: IPv4 replies, duplicate, reorder, bounce, bad csum, foreign");

SUBTEST_WITH(sink_mix_ok, FAMILY(6),
	"bench sink: IPv6 replies, duplicate, reorder, bounce, bad csum, foreign");

/*
 * The sink sums the whole ICMP message: an odd length (a trailing byte),
 * and the longest frame (its bounded loop's last words), must verify.
 */
static bool t_sink_sizes(struct env *env)
{
	static const struct { int family; uint16_t len; } cases[] = {
		{ 4, 65 }, { 4, 1514 }, { 6, 101 }, { 6, 1514 },
	};
	uint8_t f[BENCH_FRAME_MAX];
	struct bench_sink_stats s;
	struct bench_config cfg;
	struct bench_t b;
	bool ok = true;

	(void)env;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		int fam = cases[i].family;
		uint16_t len = cases[i].len;

		cfg_fill(&cfg, fam, len, 1);
		if (!bt_open(&b, &cfg, ~0ULL))
			return false;
		ok &= gen_one(&b, len, f, XDP_TX_);
		make_reply(f, len, fam, fam == 4 ? 0 : 129);
		ok &= sink_feed(&b, f, len, XDP_DROP_, "reply");
		/* A flipped bit in the very last byte must be caught too. */
		f[len - 1] ^= 0x01;
		ok &= sink_feed(&b, f, len, XDP_DROP_, "corrupted reply");
		s = sink_read(&b, NULL);
		if (s.replies != 1 || s.bad_csum != 1) {
			tap_diag("IPv%d, %u bytes: replies %llu, bad_csum %llu; want 1 and 1", fam,
				 len, (unsigned long long)s.replies,
				 (unsigned long long)s.bad_csum);
			ok = false;
		}
		bt_close(&b);
	}
	return ok;
}
SUBTEST(t_sink_sizes, "bench sink: checksum over odd and full-size messages");

/* A reply stamped 1 ms ago lands in the bucket of 1 ms, and only there. */
static bool t_sink_rtt_bucket(struct env *env)
{
	const uint64_t age = 1000000;
	uint8_t f[BENCH_FRAME_MAX];
	__u64 hist[BENCH_HIST_BUCKETS] = {}, total = 0;
	struct bench_config cfg;
	struct bench_t b;
	uint64_t stamp;
	uint32_t want_b = bench_hist_bucket(age);
	bool ok;

	(void)env;
	cfg_fill(&cfg, 4, 200, 1);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	ok = gen_one(&b, 200, f, XDP_TX_);
	stamp = now_ns() - age;
	memcpy(f + BENCH_ETH_HLEN + BENCH_IP4_HLEN + 16, &stamp, 8);
	make_reply(f, 200, 4, 0);
	ok &= sink_feed(&b, f, 200, XDP_DROP_, "reply");
	sink_read(&b, hist);
	for (int i = 0; i < BENCH_HIST_BUCKETS; i++)
		total += hist[i];
	/* The bucket spans [917504, 1048575] ns: room for the run's own µs. */
	if (total != 1 || hist[want_b] != 1) {
		tap_diag("%llu entries, bucket %u holds %llu; want 1 in bucket %u",
			 (unsigned long long)total, want_b, (unsigned long long)hist[want_b],
			 want_b);
		ok = false;
	}
	if (bench_hist_bucket(age + 40000) != want_b) {
		tap_diag("bucket layout: 1.04 ms is not in 1 ms's bucket");
		ok = false;
	}
	bt_close(&b);
	return ok;
}
SUBTEST(t_sink_rtt_bucket, "bench sink: an RTT of 1 ms lands in its histogram bucket");

/* The bucket rule itself: contiguous, monotonic, 4 steps per power of two. */
static bool t_hist_layout(struct env *env)
{
	uint32_t prev = 0;

	(void)env;
	for (uint64_t v = 0; v < 1 << 20; v++) {
		uint32_t b = bench_hist_bucket(v);

		if (b < prev || b > prev + 1) {
			tap_diag("value %llu: bucket %u after %u", (unsigned long long)v, b, prev);
			return false;
		}
		prev = b;
	}
	if (bench_hist_bucket(~0ULL) != BENCH_HIST_BUCKETS - 1 - 4 ||
	    bench_hist_bucket(8) != 8 || bench_hist_bucket(10) != 9 ||
	    bench_hist_bucket(1000) != 35) {
		tap_diag("buckets: max %u, 8 -> %u, 10 -> %u, 1000 -> %u",
			 bench_hist_bucket(~0ULL), bench_hist_bucket(8), bench_hist_bucket(10),
			 bench_hist_bucket(1000));
		return false;
	}
	return true;
}
SUBTEST(t_hist_layout, "bench: histogram buckets contiguous and monotonic");

/* --- the loop method: the sink re-arms replies --------------------------- */

/*
 * The request the loop must send for @seq, written here from the layout
 * in bench.shared.h (not from the generator): MACs, IPv4/IPv6 header, ICMP
 * header, cookie, @stamp, the high bits of @seq, then @rest (the bytes
 * beyond the bench header, which the re-arm keeps), checksums from scratch.
 */
static void expect_request(uint8_t *f, int family, uint16_t len, uint64_t seq, uint64_t stamp,
			   const uint8_t *rest)
{
	uint8_t *ip = f + BENCH_ETH_HLEN, *icmp = ip + l3_len(family);
	size_t mlen = len - BENCH_ETH_HLEN - l3_len(family);
	size_t fixed = BENCH_ICMP_HLEN + BENCH_HDR_LEN;
	uint64_t sum = 0, cookie = COOKIE;

	memset(f, 0, len);
	memcpy(f, DST_MAC, 6);
	memcpy(f + 6, SRC_MAC, 6);
	put_be16(f + 12, family == 4 ? 0x0800 : 0x86DD);
	if (family == 4) {
		frame_put_ip4(ip, len - BENCH_ETH_HLEN, (uint16_t)seq, 0x4000, SRC4, DST4);
	} else {
		frame_put_ip6(ip, (uint16_t)mlen, 58, SRC6, DST6);
		sum = csum_pseudo6(ip + 8, ip + 24, (uint32_t)mlen, 58);
	}
	icmp[0] = family == 4 ? 8 : 128;
	put_be16(icmp + 4, ID);
	put_be16(icmp + 6, (uint16_t)seq);
	memcpy(icmp + 8, &cookie, 8);
	memcpy(icmp + 16, &stamp, 8);
	for (int i = 0; i < 6; i++)
		icmp[24 + i] = (uint8_t)(seq >> (56 - 8 * i));
	memcpy(icmp + fixed, rest, mlen - fixed);
	put_be16(icmp + 2, csum_finish(csum_add(sum, icmp, mlen)));
}

/* W = 3 lanes (lanes 4); with --count 8: lanes 0 and 1 send 3, lane 2 sends 2. */
static void cfg_loop(struct bench_config *c, int family, uint16_t len, uint64_t count)
{
	cfg_fill(c, family, len, 1);
	c->lanes = 4;
	c->lane_shift = 2;
	c->loop_count = count;
	c->lane_quota = count / 3;
	c->lane_extra = (uint32_t)(count % 3);
}

static bool lanes_set(struct bench_t *b, uint32_t lane, uint64_t seq)
{
	return !bpf_map_update_elem(bpf_map__fd(b->skel->maps.bench_lanes), &lane, &seq, 0);
}

static uint64_t lanes_get(struct bench_t *b, uint32_t lane)
{
	uint64_t v = ~0ULL;

	bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.bench_lanes), &lane, &v);
	return v;
}

/*
 * The reply to request @seq (payload beyond the bench header: @rest) goes
 * to the sink; it must answer @want and, for XDP_TX, send exactly the
 * request expect_request() makes of @want_seq, with a stamp taken now.
 */
static bool rearm_case(struct bench_t *b, const char *what, uint16_t len, uint64_t seq,
		       const uint8_t *rest, bool bounce, uint32_t want, uint64_t want_seq)
{
	uint8_t req[BENCH_FRAME_MAX], out[BENCH_FRAME_MAX], exp[BENCH_FRAME_MAX];
	uint8_t *icmp = out + BENCH_ETH_HLEN + l3_len(b->family);
	uint64_t t0 = now_ns(), stamp;
	uint32_t ret;
	int err;

	expect_request(req, b->family, len, seq, t0 - 5000, rest);
	if (bounce) {
		memcpy(exp, req, 6);
		memcpy(req, req + 6, 6);
		memcpy(req + 6, exp, 6);
	} else {
		make_reply(req, len, b->family, b->family == 4 ? 0 : 129);
	}
	err = run_prog(b->sink_fd, req, len, out, &ret);
	if (err || ret != want) {
		tap_diag("%s: err %d, verdict %u, want %u", what, err, ret, want);
		return false;
	}
	if (want != XDP_TX_)
		return true;
	memcpy(&stamp, icmp + 16, 8);
	if (stamp < t0 || stamp > now_ns()) {
		tap_diag("%s: stamp %llu not taken during the run", what, (unsigned long long)stamp);
		return false;
	}
	expect_request(exp, b->family, len, want_seq, stamp, rest);
	if (memcmp(out, exp, len)) {
		tap_diag("%s: the re-armed request differs from the model's (sequence %llu)", what,
			 (unsigned long long)want_seq);
		tap_hexdump("re-armed", out, len, exp, len);
		return false;
	}
	return true;
}

static bool loop_rearm_ok(struct env *env, const void *arg)
{
	int family = *(const int *)arg;
	uint16_t len = family == 4 ? 128 : 148;
	uint8_t zeros[BENCH_FRAME_MAX] = {}, junk[BENCH_FRAME_MAX];
	struct bench_sink_stats s;
	struct bench_config cfg;
	struct bench_gen_state *st;
	struct bench_t b;
	__u32 key = 0;
	bool ok = true;

	(void)env;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	cfg_loop(&cfg, family, len, 0);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	for (uint32_t l = 0; l < 3; l++)
		ok &= lanes_set(&b, l, l);

	/* Lane 1 holds 1: its reply becomes request 1 + 4; the lane moves on. */
	ok &= rearm_case(&b, "reply 1", len, 1, zeros, false, XDP_TX_, 5);
	ok &= lanes_get(&b, 1) == 5;
	/* The same reply again: a duplicate, never re-armed. */
	ok &= rearm_case(&b, "duplicate of 1", len, 1, zeros, false, XDP_DROP_, 0);
	/* A payload that is not zero: kept, and the checksum still right. */
	ok &= rearm_case(&b, "reply 0, payload kept", len, 0, junk, false, XDP_TX_, 4);
	/* A bounce (the request back unchanged) circulates as well. */
	ok &= rearm_case(&b, "bounced 4", len, 4, zeros, true, XDP_TX_, 8);
	/* Lane 2 was re-seeded with 6: the late reply of 2 is counted, retired. */
	ok &= lanes_set(&b, 2, 6);
	ok &= rearm_case(&b, "late reply 2", len, 2, zeros, false, XDP_DROP_, 0);
	ok &= lanes_get(&b, 2) == 6;
	/* Another size: counted, never a request of this run. */
	ok &= rearm_case(&b, "reply 6 of another size", len - 2, 6, zeros, false, XDP_DROP_, 0);
	/* Stopped: counted, not re-armed, though lane 1 holds 5. */
	b.skel->bss->bench_stop = 1;
	ok &= rearm_case(&b, "reply 5 after bench_stop", len, 5, zeros, false, XDP_DROP_, 0);
	ok &= lanes_get(&b, 2) == 6 && lanes_get(&b, 1) == 5;

	s = sink_read(&b, NULL);
	st = calloc(nr_cpus, sizeof(*st));
	if (!st || bpf_map_lookup_elem(bpf_map__fd(b.skel->maps.bench_gen_state), &key, st) ||
	    st[this_cpu].seq != 3) {
		tap_diag("re-arms counted: %llu, want 3", st ? (unsigned long long)st[this_cpu].seq : 0);
		ok = false;
	}
	free(st);
	if (s.replies != 5 || s.bounced != 1 || s.duplicates != 1) {
		tap_diag("replies %llu bounced %llu duplicates %llu; want 5 1 1",
			 (unsigned long long)s.replies, (unsigned long long)s.bounced,
			 (unsigned long long)s.duplicates);
		ok = false;
	}
	bt_close(&b);
	return ok;
}

SUBTEST_WITH(loop_rearm_ok, FAMILY(4),
	"bench loop: IPv4 re-arm byte for byte, duplicate, late, bounce, size, stop");

SUBTEST_WITH(loop_rearm_ok, FAMILY(6),
	"bench loop: IPv6 re-arm byte for byte, duplicate, late, bounce, size, stop");

/* --count 8 over 3 lanes: 0, 4, 8 | 1, 5, 9 | 2, 6 and nothing more. */
static bool t_loop_count(struct env *env)
{
	static const struct { uint64_t seq; uint32_t want; } cases[] = {
		{ 0, XDP_TX_ }, { 4, XDP_TX_ }, { 8, XDP_DROP_ },
		{ 1, XDP_TX_ }, { 5, XDP_TX_ }, { 9, XDP_DROP_ },
		{ 2, XDP_TX_ }, { 6, XDP_DROP_ },
	};
	uint8_t zeros[BENCH_FRAME_MAX] = {};
	struct bench_config cfg;
	struct bench_t b;
	bool ok = true;

	(void)env;
	cfg_loop(&cfg, 4, 64, 8);
	if (!bt_open(&b, &cfg, ~0ULL))
		return false;
	for (uint32_t l = 0; l < 3; l++)
		ok &= lanes_set(&b, l, l);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		char what[48];

		snprintf(what, sizeof(what), "--count 8: reply %llu",
			 (unsigned long long)cases[i].seq);
		ok &= rearm_case(&b, what, 64, cases[i].seq, zeros, false, cases[i].want,
				 cases[i].seq + 4);
	}
	bt_close(&b);
	return ok;
}
SUBTEST(t_loop_count, "bench loop: --count spread over the lanes, nothing past it");
