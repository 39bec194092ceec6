// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * report.c - what a bench run prints: a line per interval (rates,
 * loss, RTT percentiles, xdp-bench style), then a summary, or all of it
 * as one JSON object with -j.
 *
 * Accounting: every request is either a reply or lost; lost = sent -
 * replies, so sent == replies + lost exactly. Duplicates, bounced
 * requests and frames with a bad checksum are not replies (the latter
 * two are lost, and said apart in their own counters).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "bench/run.h"
#include "core/prom.h"
#include "lib/json.h"

/* The inclusive value range of histogram bucket @b, in ns. */
static void bucket_bounds(unsigned int b, __u64 *low, __u64 *high)
{
	unsigned int m, sub;

	if (b < BENCH_HIST_SUB) {
		*low = *high = b;
		return;
	}
	m = b / BENCH_HIST_SUB + BENCH_HIST_SUB_BITS - 1;
	sub = b % BENCH_HIST_SUB;
	*low = (__u64)(BENCH_HIST_SUB + sub) << (m - BENCH_HIST_SUB_BITS);
	*high = *low + (1ULL << (m - BENCH_HIST_SUB_BITS)) - 1;
}

static __u64 hist_total(const __u64 *h)
{
	__u64 n = 0;

	for (unsigned int b = 0; b < BENCH_HIST_BUCKETS; b++)
		n += h[b];
	return n;
}

/* The @q quantile, interpolated linearly inside its bucket. */
static __u64 hist_quantile(const __u64 *h, double q)
{
	__u64 total = hist_total(h), rank, cum = 0, low, high;

	if (!total)
		return 0;
	rank = (__u64)ceil(q * (double)total);
	if (rank < 1)
		rank = 1;
	for (unsigned int b = 0; b < BENCH_HIST_BUCKETS; b++) {
		if (!h[b] || cum + h[b] < rank) {
			cum += h[b];
			continue;
		}
		bucket_bounds(b, &low, &high);
		return low + (__u64)((double)(high - low) * (double)(rank - cum) / (double)h[b]);
	}
	return 0;
}

static __u64 hist_max(const __u64 *h)
{
	__u64 low, high;

	for (int b = BENCH_HIST_BUCKETS - 1; b >= 0; b--) {
		if (h[b]) {
			bucket_bounds(b, &low, &high);
			return high;
		}
	}
	return 0;
}

/* 4712345 -> "4,712,345" */
static const char *grouped(__u64 v, char *buf, size_t len)
{
	char raw[32];
	size_t n, o = 0;

	n = (size_t)snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
	for (size_t i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
	return buf;
}

static const char *fmt_ns(__u64 ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

static double loss_pct(__u64 sent, __u64 replies)
{
	if (!sent || replies >= sent)
		return 0;
	return 100.0 * (double)(sent - replies) / (double)sent;
}

static void keep_interval(struct bench_run *run, const struct bench_interval *iv)
{
	if (run->nr_intervals == run->cap_intervals) {
		unsigned int cap = run->cap_intervals ? run->cap_intervals * 2 : 64;
		struct bench_interval *p = realloc(run->intervals, cap * sizeof(*p));

		if (!p)
			return;	/* the JSON then lacks later intervals; the run goes on */
		run->intervals = p;
		run->cap_intervals = cap;
	}
	run->intervals[run->nr_intervals++] = *iv;
}

void bench_report_interval(struct bench_run *run, const struct bench_snap *a,
			   const struct bench_snap *b)
{
	double dt = b->t - a->t;
	__u64 sent = b->sent - a->sent, replies, hist[BENCH_HIST_BUCKETS];
	struct bench_interval iv = { .t_s = b->t };
	char s1[32], s2[32], r1[16], r2[16];

	if (dt <= 0)
		return;
	/* Replies only: a bounce run shows its bounced rate separately. */
	replies = b->sink.replies - a->sink.replies;
	for (unsigned int i = 0; i < BENCH_HIST_BUCKETS; i++)
		hist[i] = b->hist[i] - a->hist[i];
	iv.sent_pps = sent / dt;
	iv.reply_pps = replies / dt;
	iv.loss_pct = loss_pct(sent, replies);
	iv.has_rtt = hist_total(hist) > 0;
	iv.rtt_p50_ns = hist_quantile(hist, 0.50);
	iv.rtt_p99_ns = hist_quantile(hist, 0.99);
	keep_interval(run, &iv);
	if (run->o->format != BENCH_FORMAT_TEXT)
		return;
	printf("%7.3fs  sent %s pps  replies %s pps  loss %.2f%%", iv.t_s,
	       grouped((__u64)(iv.sent_pps + 0.5), s1, sizeof(s1)),
	       grouped((__u64)(iv.reply_pps + 0.5), s2, sizeof(s2)), iv.loss_pct);
	if (b->sink.bounced != a->sink.bounced)
		printf("  bounced %s pps",
		       grouped((__u64)((b->sink.bounced - a->sink.bounced) / dt + 0.5), s1,
			       sizeof(s1)));
	if (iv.has_rtt)
		printf("  rtt p50 %s p99 %s", fmt_ns(iv.rtt_p50_ns, r1, sizeof(r1)),
		       fmt_ns(iv.rtt_p99_ns, r2, sizeof(r2)));
	printf("\n");
	fflush(stdout);
}

const char *bench_method_name(enum bench_method m)
{
	return m == BENCH_METHOD_LIVE ? "live" : m == BENCH_METHOD_LOOP ? "loop" : "packet";
}

static void summary_json(struct bench_run *run, const struct bench_snap *end, double dur,
			 __u64 lost)
{
	const struct bench_opts *o = run->o;
	const struct bench_sink_stats *s = &end->sink;
	struct json j;
	__u64 low, high;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "ifname", o->ifname);
	json_kv_string(&j, "method", bench_method_name(o->method));
	json_kv_string(&j, "method_reason", run->method_reason);
	if (o->method == BENCH_METHOD_LOOP)
		json_kv_u64(&j, "window", o->window);
	json_kv_string(&j, "family", run->cfg.family == 4 ? "ipv4" : "ipv6");
	json_kv_u64(&j, "size", o->size);
	json_kv_u64(&j, "threads", o->threads);
	json_kv_double(&j, "duration_s", dur, 6);
	json_kv_u64(&j, "sent", end->sent);
	json_kv_u64(&j, "replies", s->replies);
	json_kv_u64(&j, "lost", lost);
	json_kv_double(&j, "loss_pct", loss_pct(end->sent, s->replies), 4);
	json_kv_u64(&j, "duplicates", s->duplicates);
	/* The loop's lanes run side by side: it measures no one order. */
	if (o->method == BENCH_METHOD_LOOP)
		json_kv_null(&j, "reordered");
	else
		json_kv_u64(&j, "reordered", s->reordered);
	json_kv_u64(&j, "bad_csum", s->bad_csum);
	json_kv_u64(&j, "bounced", s->bounced);
	json_kv_u64(&j, "untracked", s->untracked);
	json_kv_double(&j, "sent_pps", dur > 0 ? end->sent / dur : 0, 1);
	json_kv_double(&j, "reply_pps", dur > 0 ? s->replies / dur : 0, 1);
	json_kv_double(&j, "bounced_pps", dur > 0 ? s->bounced / dur : 0, 1);
	json_kv_u64(&j, "seen_bitmap_bits", run->seen_bits);
	json_kv_string(&j, "sink_mode",
		       mode_name(run->sink_mode));
	json_key(&j, "interrupted");
	json_bool(&j, run->interrupted);

	json_key(&j, "rtt_ns");
	json_object_begin(&j);
	json_kv_u64(&j, "p50", hist_quantile(end->hist, 0.50));
	json_kv_u64(&j, "p90", hist_quantile(end->hist, 0.90));
	json_kv_u64(&j, "p99", hist_quantile(end->hist, 0.99));
	json_kv_u64(&j, "max", hist_max(end->hist));
	json_kv_u64(&j, "mean", hist_total(end->hist) ?
				s->rtt_sum_ns / hist_total(end->hist) : 0);
	json_object_end(&j);

	json_key(&j, "rtt_hist");
	json_array_begin(&j);
	for (unsigned int b = 0; b < BENCH_HIST_BUCKETS; b++) {
		if (!end->hist[b])
			continue;
		bucket_bounds(b, &low, &high);
		json_object_begin(&j);
		json_kv_u64(&j, "le_ns", high);
		json_kv_u64(&j, "count", end->hist[b]);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "intervals");
	json_array_begin(&j);
	for (unsigned int i = 0; i < run->nr_intervals; i++) {
		const struct bench_interval *iv = &run->intervals[i];

		json_object_begin(&j);
		json_kv_double(&j, "t_s", iv->t_s, 3);
		json_kv_double(&j, "sent_pps", iv->sent_pps, 1);
		json_kv_double(&j, "reply_pps", iv->reply_pps, 1);
		json_kv_double(&j, "loss_pct", iv->loss_pct, 4);
		json_kv_u64(&j, "rtt_p50_ns", iv->rtt_p50_ns);
		json_kv_u64(&j, "rtt_p99_ns", iv->rtt_p99_ns);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	printf("\n");
}

/* name{iface="...",method="...",family="...",size="..."} */
static void prom_bench_labels(FILE *f, const char *name, const struct bench_run *run,
			      const char *extra)
{
	fprintf(f, "%s{iface=\"", name);
	prom_escape(f, run->o->ifname, true);
	fprintf(f, "\",method=\"%s\",family=\"ipv%d\",size=\"%u\"%s}",
		bench_method_name(run->o->method), run->cfg.family, run->o->size, extra);
}

/*
 * The run in Prometheus' text format, for node_exporter's textfile
 * collector: its counts, its rates, and the RTT histogram with the
 * sink's own buckets as cumulative "le" bounds in seconds.
 */
static void summary_prom(struct bench_run *run, const struct bench_snap *end, double dur,
			 __u64 lost)
{
	const struct bench_sink_stats *s = &end->sink;
	const struct { const char *name, *help; __u64 v; } counts[] = {
		{ "vnet_bench_sent_total", "Echo requests sent by the run.", end->sent },
		{ "vnet_bench_replies_total", "Echo replies matched, each request once.", s->replies },
		{ "vnet_bench_lost_total", "Requests without a reply (sent - replies).", lost },
		{ "vnet_bench_duplicates_total", "Replies to a request already answered.", s->duplicates },
		{ "vnet_bench_bad_csum_total", "Replies with a bad ICMP checksum.", s->bad_csum },
		{ "vnet_bench_bounced_total", "Requests that came back unchanged (a MAC-swap responder).", s->bounced },
	};
	FILE *f = stdout;
	char extra[32];
	__u64 cum = 0, low, high;

	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		prom_family(f, counts[i].name, "counter", counts[i].help);
		prom_bench_labels(f, counts[i].name, run, "");
		fprintf(f, " %llu\n", (unsigned long long)counts[i].v);
	}
	prom_family(f, "vnet_bench_duration_seconds", "gauge", "The send window the rates are over.");
	prom_bench_labels(f, "vnet_bench_duration_seconds", run, "");
	fprintf(f, " %.6f\n", dur);
	prom_family(f, "vnet_bench_reply_rate", "gauge", "Replies per second over the send window.");
	prom_bench_labels(f, "vnet_bench_reply_rate", run, "");
	fprintf(f, " %.1f\n", dur > 0 ? s->replies / dur : 0);

	prom_family(f, "vnet_bench_rtt_seconds", "histogram",
		    "Round-trip time of each reply, from the request's stamp to the sink.");
	for (unsigned int b = 0; b < BENCH_HIST_BUCKETS; b++) {
		if (!end->hist[b])
			continue;
		cum += end->hist[b];
		bucket_bounds(b, &low, &high);
		snprintf(extra, sizeof(extra), ",le=\"%.9g\"", (high + 1) / 1e9);
		prom_bench_labels(f, "vnet_bench_rtt_seconds_bucket", run, extra);
		fprintf(f, " %llu\n", (unsigned long long)cum);
	}
	prom_bench_labels(f, "vnet_bench_rtt_seconds_bucket", run, ",le=\"+Inf\"");
	fprintf(f, " %llu\n", (unsigned long long)cum);
	prom_bench_labels(f, "vnet_bench_rtt_seconds_sum", run, "");
	fprintf(f, " %.9f\n", s->rtt_sum_ns / 1e9);
	prom_bench_labels(f, "vnet_bench_rtt_seconds_count", run, "");
	fprintf(f, " %llu\n", (unsigned long long)cum);
}

void bench_report_summary(struct bench_run *run, const struct bench_snap *end)
{
	const struct bench_opts *o = run->o;
	const struct bench_sink_stats *s = &end->sink;
	double dur = run->duration;
	__u64 lost = end->sent > s->replies ? end->sent - s->replies : 0;
	char a[32], b[32], r[4][16];

	if (o->format == BENCH_FORMAT_JSON) {
		summary_json(run, end, dur, lost);
		return;
	}
	if (o->format == BENCH_FORMAT_PROMETHEUS) {
		summary_prom(run, end, dur, lost);
		return;
	}
	printf("\n%s: %s, %s, %u-byte frames, %u thread%s, %.3f s%s\n", o->ifname,
	       bench_method_name(o->method), run->cfg.family == 4 ? "IPv4" : "IPv6", o->size,
	       o->threads, o->threads == 1 ? "" : "s", dur,
	       run->interrupted ? " (interrupted)" : "");
	printf("  method      %s", bench_method_name(o->method));
	if (o->method == BENCH_METHOD_LOOP)
		printf(" (window %u)", o->window);
	printf(": %s\n", run->method_reason);
	printf("  sent        %15s  %s pps\n", grouped(end->sent, a, sizeof(a)),
	       grouped(dur > 0 ? (__u64)(end->sent / dur + 0.5) : 0, b, sizeof(b)));
	printf("  replies     %15s  %s pps\n", grouped(s->replies, a, sizeof(a)),
	       grouped(dur > 0 ? (__u64)(s->replies / dur + 0.5) : 0, b, sizeof(b)));
	printf("  lost        %15s  %.2f%%\n", grouped(lost, a, sizeof(a)),
	       loss_pct(end->sent, s->replies));
	if (s->bounced)
		printf("  bounced     %15s  %s pps (requests back unchanged: counted as lost)\n",
		       grouped(s->bounced, a, sizeof(a)),
		       grouped(dur > 0 ? (__u64)(s->bounced / dur + 0.5) : 0, b, sizeof(b)));
	printf("  duplicates  %15s\n", grouped(s->duplicates, a, sizeof(a)));
	if (o->method != BENCH_METHOD_LOOP)
		printf("  reordered   %15s\n", grouped(s->reordered, a, sizeof(a)));
	printf("  bad csum    %15s\n", grouped(s->bad_csum, a, sizeof(a)));
	if (s->untracked)
		printf("  untracked   %15s  (beyond the %llu-bit seen-bitmap: duplicates not detected)\n",
		       grouped(s->untracked, a, sizeof(a)), (unsigned long long)run->seen_bits);
	if (hist_total(end->hist))
		printf("  rtt         p50 %s  p90 %s  p99 %s  max %s\n",
		       fmt_ns(hist_quantile(end->hist, 0.50), r[0], sizeof(r[0])),
		       fmt_ns(hist_quantile(end->hist, 0.90), r[1], sizeof(r[1])),
		       fmt_ns(hist_quantile(end->hist, 0.99), r[2], sizeof(r[2])),
		       fmt_ns(hist_max(end->hist), r[3], sizeof(r[3])));
	else
		printf("  rtt         -\n");
}
