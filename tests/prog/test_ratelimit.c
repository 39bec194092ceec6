// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ratelimit.c - the echo rate limits (step 17, bpf/ratelimit.h) on
 * instances loaded with them: 10 requests/s per source, 10/s globally, and
 * 10/s per source + 15/s globally with --rate-limit-drop. A bucket holds one
 * second's worth, so a fresh source gets exactly 10 answers in a burst and
 * then one more every 100 ms.
 *
 * Time is real (bpf_ktime_get_ns()). A burst of a few dozen test runs takes
 * well under a millisecond, far less than one refill interval, so the counts
 * are exact; each burst measures its own duration and, should the machine
 * have stalled for a whole interval, widens the allowed range by the tokens
 * that time can have brought (and says so).
 *
 * Every run is checked on its own too: an answered request must leave as
 * the model's reply, a limited one unchanged, with the hook's return code
 * for the verdict.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "frames.h"
#include "model.h"
#include "tap.h"
#include "tests.h"

#define RATE		10			/* rate_src, rate_global, rate_drop per source */
#define INTERVAL_NS	(1000000000ull / RATE)	/* one token */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* An echo request from 198.18.@a.@b (or, with @v6, 2001:db8::@a:@b). */
static size_t request_from(uint8_t *buf, bool v6, uint8_t a, uint8_t b)
{
	struct frame_layout lo;
	struct frame_spec fs;

	if (v6) {
		frame_spec_v6(&fs);
		fs.src_ip[13] = a;
		fs.src_ip[15] = b;
	} else {
		frame_spec_v4(&fs);
		fs.src_ip[2] = a;
		fs.src_ip[3] = b;
	}
	return frame_build(buf, &fs, &lo);
}

struct tally {
	unsigned int answered, limited, bad;
	uint64_t start, end;	/* around the runs */
};

/*
 * Run @buf @n times through @h; each run must be the model's reply or, over
 * the limit, the model's limited verdict (unchanged bytes).
 */
static void burst(struct vnet_inst *in, enum hook h, const uint8_t *buf, size_t len,
		  unsigned int n, struct tally *t)
{
	static uint8_t out[FRAME_MAX];
	static struct hook_run r;
	struct model_result mr;
	enum vnet_verdict v;
	unsigned int i;

	if (!t->start)
		t->start = now_ns();
	for (i = 0; i < n; i++) {
		hook_run(in, h, buf, len, &r);
		in->st.over_limit = r.retval != hook_retval(h, VNET_REPLY);
		v = model_reflect(buf, len, &in->cfg, &in->st, out, &mr);
		in->st.over_limit = false;
		if (r.err || r.retval != hook_retval(h, v) || r.out_len != mr.out_len ||
		    memcmp(r.out, out, mr.out_len)) {
			if (!t->bad++)
				tap_diag("%s %s: run %u: err %d retval %u, not the model's %s",
					 in->name, hook_name(h), i, r.err, r.retval,
					 verdict_name(v));
			continue;
		}
		if (v == VNET_REPLY)
			t->answered++;
		else
			t->limited++;
	}
	t->end = now_ns();
}

/*
 * @t got @want answers, give or take the tokens its duration (or, with
 * @since, the time from @since) can have refilled; @total runs in all.
 */
static bool expect_answers(const char *what, const struct tally *t, unsigned int want,
			   unsigned int total, uint64_t since)
{
	uint64_t span = t->end - (since ? since : t->start);
	unsigned int slack = span / INTERVAL_NS;
	bool ok = true;

	if (t->bad)
		ok = false;
	if (t->answered + t->limited + t->bad != total) {
		tap_diag("%s: %u runs counted, want %u", what,
			 t->answered + t->limited + t->bad, total);
		ok = false;
	}
	if (t->answered < want || t->answered > want + slack) {
		tap_diag("%s: %u answered, %u limited; want %u answered%s", what, t->answered,
			 t->limited, want, slack ? " (plus what the stall refilled)" : "");
		ok = false;
	}
	if (slack)
		tap_note("%s: the runs took %.1f ms, allowing %u refilled tokens", what,
			 span / 1e6, slack);
	return ok;
}

/* One source: the burst, exactly; counted in echo4 and pass_rate_limited. */
static bool t_per_source(struct env *env)
{
	struct vnet_inst *in = &env->rate_src;
	struct vnet_stats got;
	struct tally t = {};
	uint8_t buf[FRAME_MAX];
	size_t len = request_from(buf, false, 1, 1);
	bool ok;

	if (stats_reset(in))
		return false;
	burst(in, HOOK_XDP, buf, len, RATE + 20, &t);
	ok = expect_answers("198.18.1.1, 30 requests", &t, RATE, RATE + 20, 0);
	if (stats_read(in, &got, NULL))
		return false;
	if (got.echo4 != t.answered || got.pass_rate_limited != t.limited ||
	    got.pass != t.limited || got.tx_packets != t.answered || got.drop_rate_limited) {
		tap_diag("counters: echo4 %llu pass_rate_limited %llu pass %llu drop %llu",
			 (unsigned long long)got.echo4,
			 (unsigned long long)got.pass_rate_limited,
			 (unsigned long long)got.pass,
			 (unsigned long long)got.drop_rate_limited);
		ok = false;
	}
	return ok;
}
SUBTEST(t_per_source, "rate per source: a burst of 30 gets exactly 10 answers, counted");

/*
 * One BPF_PROG_TEST_RUN with repeat: a limited request is left as it is, so
 * every repetition meets the same empty bucket and is counted once more.
 */
static bool t_batch(struct env *env)
{
	struct vnet_inst *in = &env->rate_src;
	uint8_t buf[FRAME_MAX], out[FRAME_MAX];
	struct vnet_stats before, after;
	struct tally t = {};
	size_t len = request_from(buf, false, 1, 2);
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = buf, .data_size_in = len,
		.data_out = out, .data_size_out = sizeof(out),
		.repeat = 1000,
	);
	bool ok;

	burst(in, HOOK_XDP, buf, len, RATE, &t);		/* spend the bucket */
	ok = expect_answers("198.18.1.2, the burst", &t, RATE, RATE, 0);
	if (stats_read(in, &before, NULL))
		return false;
	if (bpf_prog_test_run_opts(in->prog_fd[HOOK_XDP], &opts)) {
		tap_diag("test run: %s", strerror(errno));
		return false;
	}
	if (stats_read(in, &after, NULL))
		return false;
	if (now_ns() - t.start >= INTERVAL_NS) {
		tap_note("the batch ended %.1f ms after the burst began: a token may have come",
			 (now_ns() - t.start) / 1e6);
		ok &= after.pass_rate_limited - before.pass_rate_limited >= 1;
	} else if (after.pass_rate_limited - before.pass_rate_limited != 1000 ||
		   after.rx_packets - before.rx_packets != 1000 ||
		   opts.retval != XDP_PASS || memcmp(out, buf, len)) {
		tap_diag("batch of 1000: pass_rate_limited +%llu, rx +%llu, retval %u",
			 (unsigned long long)(after.pass_rate_limited - before.pass_rate_limited),
			 (unsigned long long)(after.rx_packets - before.rx_packets),
			 opts.retval);
		ok = false;
	}
	return ok;
}
SUBTEST(t_batch, "rate per source: one test run repeated 1000 times, all limited and counted");

/* Sources have buckets of their own: v4 and v6, neighbours, across all hooks. */
static bool t_independent(struct env *env)
{
	struct vnet_inst *in = &env->rate_src;
	uint8_t b[FRAME_MAX], c[FRAME_MAX], d[FRAME_MAX], e[FRAME_MAX];
	size_t lb = request_from(b, false, 2, 1), lc = request_from(c, false, 2, 2);
	size_t ld = request_from(d, true, 2, 1), le = request_from(e, false, 2, 3);
	struct tally tb = {}, tc = {}, td = {}, tb2 = {}, te = {};
	bool ok;

	burst(in, HOOK_XDP, b, lb, 15, &tb);
	burst(in, HOOK_XDP, c, lc, 15, &tc);
	burst(in, HOOK_XDP, d, ld, 12, &td);
	burst(in, HOOK_XDP, b, lb, 5, &tb2);
	ok = expect_answers("198.18.2.1", &tb, RATE, 15, 0);
	ok &= expect_answers("198.18.2.2 after 198.18.2.1", &tc, RATE, 15, 0);
	ok &= expect_answers("2001:db8::2:1 (same low bytes, v6)", &td, RATE, 12, 0);
	ok &= expect_answers("198.18.2.1 again", &tb2, 0, 5, tb.start);
	/* One bucket for all three hooks. */
	burst(in, HOOK_XDP, e, le, 4, &te);
	burst(in, HOOK_TC_INGRESS, e, le, 4, &te);
	burst(in, HOOK_TC_LOOP, e, le, 4, &te);
	ok &= expect_answers("198.18.2.3 through XDP, TC ingress, TC loop", &te, RATE, 12, 0);
	return ok;
}
SUBTEST(t_independent,
	"rate per source: sources (v4/v6) have their own buckets, shared by all hooks");

/* A filtered request takes no token (step 16 before 17). */
static bool t_filtered_free(struct env *env)
{
	static const char *const prefixes[] = { "198.18.0.0/24", NULL };
	struct vnet_inst *in = &env->rate_src;
	uint8_t in_buf[FRAME_MAX], out_buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	struct tally tf = {}, ti = {};
	size_t lin, lout;
	bool ok;

	if (inst_respond(in, prefixes))
		return false;
	frame_spec_v4(&fs);
	fs.src_ip[2] = 3;
	lin = frame_build(in_buf, &fs, &lo);
	fs.dst_ip[2] = 1;				/* 198.18.1.1: outside */
	lout = frame_build(out_buf, &fs, &lo);
	burst(in, HOOK_XDP, out_buf, lout, 20, &tf);
	burst(in, HOOK_XDP, in_buf, lin, 12, &ti);
	ok = tf.answered == 0 && !tf.bad && tf.limited == 20;
	if (!ok)
		tap_diag("outside: %u answered, %u passed, %u wrong", tf.answered, tf.limited,
			 tf.bad);
	ok &= expect_answers("198.18.3.0 inside after 20 filtered", &ti, RATE, 12, tf.start);
	return !inst_flush(in) && ok;
}
SUBTEST(t_filtered_free, "rate: a filtered request takes no token");

/* After the burst, one token per 100 ms. */
static bool t_refill(struct env *env)
{
	struct vnet_inst *in = &env->rate_src;
	const struct timespec wait = { 0, 350 * 1000000 };
	uint8_t buf[FRAME_MAX];
	size_t len = request_from(buf, false, 4, 1);
	struct tally t = {}, t2 = {};
	unsigned int lo, hi;
	bool ok;

	burst(in, HOOK_XDP, buf, len, RATE + 5, &t);
	ok = expect_answers("198.18.4.1, the burst", &t, RATE, RATE + 5, 0);
	nanosleep(&wait, NULL);
	burst(in, HOOK_TC_INGRESS, buf, len, RATE, &t2);
	/* Tokens come at start + k * 100 ms: at least from the burst's end, at most from its start. */
	lo = (t2.start - t.end) / INTERVAL_NS;
	hi = (t2.end - t.start) / INTERVAL_NS;
	if (t2.bad || t2.answered < lo || t2.answered > hi || t2.answered > RATE) {
		tap_diag("after %.0f ms: %u answered, want %u to %u", (t2.start - t.end) / 1e6,
			 t2.answered, lo, hi);
		ok = false;
	}
	if (t2.answered < 3)
		tap_diag("after 350 ms, fewer than 3 tokens (%u)", t2.answered);
	return ok && t2.answered >= 3;
}
SUBTEST(t_refill, "rate per source: refill of one token per 100 ms after waiting");

static int pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one);
}

/*
 * The global cap over all sources, shared by the CPUs: 6 requests from
 * each of two sources on two CPUs get 10 answers between them, not 12.
 */
static bool t_global(struct env *env)
{
	struct vnet_inst *in = &env->rate_global;
	uint8_t a[FRAME_MAX], b[FRAME_MAX], c[FRAME_MAX];
	size_t la = request_from(a, false, 5, 1), lb = request_from(b, true, 5, 2);
	size_t lc = request_from(c, false, 5, 3);
	struct tally t = {}, tc = {};
	cpu_set_t orig;
	int cpus = 0;
	bool ok;

	if (sched_getaffinity(0, sizeof(orig), &orig))
		return false;
	if (!pin(0))
		cpus++;
	burst(in, HOOK_XDP, a, la, 6, &t);
	if (nr_cpus > 1 && !pin(1))
		cpus++;
	burst(in, HOOK_TC_INGRESS, b, lb, 6, &t);
	sched_setaffinity(0, sizeof(orig), &orig);
	ok = expect_answers("two sources on two CPUs, 6 each", &t, RATE, 12, 0);
	burst(in, HOOK_TC_LOOP, c, lc, 3, &tc);
	ok &= expect_answers("a third source after them", &tc, 0, 3, t.start);
	if (cpus < 2)
		tap_diag("only %d CPU usable: the sharing across CPUs is not exercised", cpus);
	return ok;
}
SUBTEST(t_global, "rate global: one cap over all sources, shared across CPUs");

/* --rate-limit-drop: XDP_DROP and TC_ACT_SHOT, counted in drop_rate_limited only. */
static bool t_drop(struct env *env)
{
	struct vnet_inst *in = &env->rate_drop;
	uint8_t a[FRAME_MAX], b[FRAME_MAX];
	size_t la = request_from(a, false, 6, 1), lb = request_from(b, false, 6, 2);
	struct tally ta = {}, tb = {};
	struct vnet_stats got;
	bool ok;

	if (stats_reset(in))
		return false;
	/* 12 from one source: 10 answered (and 10 of the 15 global tokens), 2 dropped. */
	burst(in, HOOK_XDP, a, la, 4, &ta);
	burst(in, HOOK_TC_INGRESS, a, la, 4, &ta);
	burst(in, HOOK_TC_LOOP, a, la, 4, &ta);
	ok = expect_answers("198.18.6.1 (10/s per source)", &ta, RATE, 12, 0);
	/* Another source meets the global cap: 5 left. */
	burst(in, HOOK_TC_LOOP, b, lb, 4, &tb);
	burst(in, HOOK_XDP, b, lb, 4, &tb);
	ok &= expect_answers("198.18.6.2 (15/s global)", &tb, 5, 8, ta.start);
	if (stats_read(in, &got, NULL))
		return false;
	if (got.drop_rate_limited != ta.limited + tb.limited || got.pass ||
	    got.pass_rate_limited || got.rx_packets != 20 ||
	    got.tx_packets != ta.answered + tb.answered) {
		tap_diag("counters: drop_rate_limited %llu pass %llu rx %llu tx %llu",
			 (unsigned long long)got.drop_rate_limited, (unsigned long long)got.pass,
			 (unsigned long long)got.rx_packets, (unsigned long long)got.tx_packets);
		ok = false;
	}
	return ok;
}
SUBTEST(t_drop, "rate drop: XDP_DROP/TC_ACT_SHOT, drop_rate_limited, global cap");

#define RACE_RATE	1000	/* rate_race's global rate: the burst */
#define RACE_RUNS	20000	/* per thread: ~50 ms, some 50 refills raced for too */

struct racer {
	struct vnet_inst *in;
	pthread_barrier_t *start;
	int cpu;
	bool pinned;
	unsigned int answered, failed;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	uint8_t buf[FRAME_MAX];
	struct hook_run *r = calloc(1, sizeof(*r));
	size_t len = request_from(buf, false, 7, rc->cpu + 1);
	unsigned int i;

	rc->pinned = !pin(rc->cpu);
	pthread_barrier_wait(rc->start);
	for (i = 0; r && i < RACE_RUNS; i++) {
		if (hook_run(rc->in, HOOK_XDP, buf, len, r))
			rc->failed++;
		else if (r->retval == XDP_TX)
			rc->answered++;
	}
	rc->failed += !r;
	free(r);
	return NULL;
}

/*
 * Two CPUs take tokens from the global bucket at the same moment, many
 * times over: the compare-and-swap must hand out each token once, so the
 * answers add up to the burst, plus at most what the run's duration refilled.
 */
static bool t_race(struct env *env)
{
	struct racer rc[2] = {
		{ .in = &env->rate_race, .cpu = 0 }, { .in = &env->rate_race, .cpu = 1 },
	};
	pthread_barrier_t start;
	pthread_t th[2];
	uint64_t t0, t1;
	unsigned int total, slack;
	bool ok = true;
	int i, n = nr_cpus > 1 ? 2 : 1;

	pthread_barrier_init(&start, NULL, n + 1);
	for (i = 0; i < n; i++) {
		rc[i].start = &start;
		if (pthread_create(&th[i], NULL, race, &rc[i])) {
			tap_diag("pthread_create failed");
			return false;
		}
	}
	t0 = now_ns();
	pthread_barrier_wait(&start);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	t1 = now_ns();
	pthread_barrier_destroy(&start);
	total = rc[0].answered + rc[1].answered;
	slack = (t1 - t0) / (1000000000ull / RACE_RATE) + 1;
	tap_note("racing: CPU 0 %u answers, CPU 1 %u, in %.1f ms (up to %u refilled)",
		 rc[0].answered, rc[1].answered, (t1 - t0) / 1e6, slack);
	if (rc[0].failed || rc[1].failed || total < RACE_RATE || total > RACE_RATE + slack) {
		tap_diag("%u answered (%u failed runs), want %u to %u", total,
			 rc[0].failed + rc[1].failed, RACE_RATE, RACE_RATE + slack);
		ok = false;
	}
	if (n < 2 || !rc[0].pinned || !rc[1].pinned)
		tap_diag("fewer than 2 CPUs usable: the counts held, but no race was run");
	return ok;
}
SUBTEST(t_race, "rate global: two CPUs racing for 1000 tokens get 1000 answers (+ refill)");

/* ARP and ND are never limited, even from a source whose echo bucket is empty. */
static bool t_neigh_unlimited(struct env *env)
{
	static const char *const prefixes[] = { "198.18.0.0/24", "2001:db8::/64", NULL };
	static const uint8_t tpa[4] = { 198, 18, 0, 1 };
	struct vnet_inst *in = &env->rate_src;
	struct frame_spec fs;
	bool ok = true;
	int i;

	if (inst_respond(in, prefixes))
		return false;
	for (i = 0; i < 2 * RATE; i++) {
		frame_spec_arp(&fs, tpa);
		ok &= expect_spec(in, HOOK_BIT(HOOK_XDP), &fs, VNET_REPLY, "ARP");
		frame_spec_ns(&fs, frame_ip6_reflector);
		ok &= expect_spec(in, HOOK_BIT(HOOK_TC_INGRESS), &fs, VNET_REPLY, "NS");
	}
	return !inst_flush(in) && ok;
}
SUBTEST(t_neigh_unlimited, "rate: ARP and NS are never limited");
