// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * watch.c - `vnetctl stats IFACE --watch [SECONDS]`: rates per interval,
 * like xdp-bench, until SIGINT/SIGTERM or --count intervals, then a
 * summary of the whole period.
 *
 * Intervals are scheduled on CLOCK_MONOTONIC at absolute deadlines, so
 * they do not drift, and each rate divides by the time really elapsed
 * between two reads, so a late wake-up does not inflate it. SIGINT and
 * SIGTERM stay blocked except inside ppoll(), which unblocks them
 * atomically: a signal can never slip in between "check the flag" and
 * "sleep" and cost a whole interval.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/watch.h"
#include "core/snap.h"
#include "lib/clock.h"
#include "lib/log.h"

static volatile sig_atomic_t watch_stop;

static void watch_on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

static struct timespec ts_from_sec(double s)
{
	struct timespec t;

	t.tv_sec = (time_t)s;
	t.tv_nsec = (long)((s - (double)t.tv_sec) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Sleeps until @deadline (monotonic seconds) or a stop signal. */
static void watch_sleep_until(double deadline, const sigset_t *unblocked)
{
	while (!watch_stop) {
		double left = deadline - mono_now();
		struct timespec ts;

		if (left <= 0)
			return;
		ts = ts_from_sec(left);
		/* Returns early (EINTR) when the handler ran: the loop re-checks. */
		ppoll(NULL, 0, &ts, unblocked);
	}
}

struct watch_rates {
	double secs;
	__u64 delta[VNET_STATS_NFIELDS];
	double rx_pps, tx_pps, pass_pps, rx_mbps, tx_mbps;
};

/*
 * Adds the counters' growth from @from to @to to @delta. A 64-bit counter
 * does not wrap in practice (rx_bytes at 400 Gbit/s needs 11 years), so one
 * that went down was reset (a map update by hand): what it counted since
 * is its value now, not a near-2^64 difference.
 */
static void watch_add_delta(__u64 *delta, const struct stats_snap *from,
			    const struct stats_snap *to)
{
	for (unsigned int f = 0; f < VNET_STATS_NFIELDS; f++)
		delta[f] += to->total[f] >= from->total[f] ? to->total[f] - from->total[f] :
							     to->total[f];
}

/* The rates of @r's deltas over @secs. */
static void watch_rates(struct watch_rates *r, double secs)
{
	/* Nothing to divide by yet: report zero rates, not infinities. */
	double per_s = secs > 0 ? 1.0 / secs : 0;

	r->secs = secs;
	r->rx_pps = (double)r->delta[STATS_IDX(rx_packets)] * per_s;
	r->tx_pps = (double)r->delta[STATS_IDX(tx_packets)] * per_s;
	r->pass_pps = (double)r->delta[STATS_IDX(pass)] * per_s;
	r->rx_mbps = (double)r->delta[STATS_IDX(rx_bytes)] * 8 / 1e6 * per_s;
	r->tx_mbps = (double)r->delta[STATS_IDX(tx_bytes)] * 8 / 1e6 * per_s;
}

static void watch_print_json(const struct watch_rates *r, unsigned int nfields,
			     long summary_intervals)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	if (summary_intervals >= 0) {
		json_key(&j, "summary");
		json_bool(&j, true);
		json_kv_int(&j, "intervals", summary_intervals);
	}
	json_kv_double(&j, "interval_s", r->secs, 3);
	json_kv_double(&j, "rx_pps", r->rx_pps, 1);
	json_kv_double(&j, "tx_pps", r->tx_pps, 1);
	json_kv_double(&j, "pass_pps", r->pass_pps, 1);
	json_kv_double(&j, "rx_mbps", r->rx_mbps, 3);
	json_kv_double(&j, "tx_mbps", r->tx_mbps, 3);
	stats_json_fields(&j, r->delta, nfields);
	json_object_end(&j);
	putchar('\n');
}

static void watch_print_text(const char *ifname, const struct watch_rates *r)
{
	printf("%s: %.3fs  rx %.1f pps  replies %.1f pps  pass %.1f pps  rx %.3f Mbit/s  tx %.3f Mbit/s\n",
	       ifname, r->secs, r->rx_pps, r->tx_pps, r->pass_pps, r->rx_mbps, r->tx_mbps);
}

static void watch_print_summary_text(const char *ifname, const struct watch_rates *r,
				     long intervals)
{
	printf("%s: summary over %.3fs (%ld interval%s): rx %llu pkts (%.1f pps)  replies %llu pkts (%.1f pps)  pass %llu pkts (%.1f pps)  rx %.3f Mbit/s  tx %.3f Mbit/s\n",
	       ifname, r->secs, intervals, intervals == 1 ? "" : "s",
	       (unsigned long long)r->delta[STATS_IDX(rx_packets)], r->rx_pps,
	       (unsigned long long)r->delta[STATS_IDX(tx_packets)], r->tx_pps,
	       (unsigned long long)r->delta[STATS_IDX(pass)], r->pass_pps,
	       r->rx_mbps, r->tx_mbps);
}

/* 1 if @att is still on its hook and was read into @snap, else reported. */
static int watch_sample(const char *ifname, const struct vnet_att *att,
			struct stats_snap *snap)
{
	int err;

	err = vnet_att_still_attached(att);
	if (err < 0) {
		log_err_sys(err, "%s: cannot inspect the interface", ifname);
		return err;
	}
	if (!err) {
		/* Detached, or replaced by an attach --force: either way, gone. */
		log_err("%s: vnet's program left the interface (%s, prog id %u)", ifname,
			mode_name(att->mode), att->prog_id);
		return -ENOENT;
	}
	err = stats_snap_read(att, false, snap);
	if (err)
		log_err_sys(err, "%s: cannot read the stats map (id %u)", ifname, att->map_id);
	return err;
}

int stats_watch(const char *ifname, const struct vnet_att *att, double interval,
		long count, bool json)
{
	struct sigaction sa = { .sa_handler = watch_on_signal };
	struct watch_rates r, total = {};
	struct stats_snap prev, cur;
	sigset_t block, unblocked;
	double t_first, t_prev, t_now, deadline;
	long n = 0;
	int err;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &unblocked) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
		log_err_sys(errno, "cannot set up signal handling");
		return VNET_EXIT_FAIL;
	}
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);

	err = stats_snap_read(att, false, &prev);
	if (err) {
		log_err_sys(err, "%s: cannot read the stats map (id %u)", ifname, att->map_id);
		return VNET_EXIT_FAIL;
	}
	t_first = t_prev = deadline = mono_now();

	while (!watch_stop && (!count || n < count)) {
		deadline += interval;
		watch_sleep_until(deadline, &unblocked);
		if (watch_stop)
			break;
		if (watch_sample(ifname, att, &cur))
			return VNET_EXIT_FAIL;
		t_now = mono_now();
		/* Suspended or stalled past a whole interval: restart the grid. */
		if (t_now > deadline + interval)
			deadline = t_now;

		memset(r.delta, 0, sizeof(r.delta));
		watch_add_delta(r.delta, &prev, &cur);
		watch_add_delta(total.delta, &prev, &cur);
		watch_rates(&r, t_now - t_prev);
		if (json)
			watch_print_json(&r, cur.nfields, -1);
		else
			watch_print_text(ifname, &r);
		fflush(stdout);
		prev = cur;
		t_prev = t_now;
		n++;
	}

	/* Stopped by a signal: the partial interval still counts in the total. */
	if (watch_stop) {
		if (watch_sample(ifname, att, &cur))
			return VNET_EXIT_FAIL;
		watch_add_delta(total.delta, &prev, &cur);
		t_prev = mono_now();
	}
	/* The sum of the intervals' deltas, so a reset midway does not skew it. */
	watch_rates(&total, t_prev - t_first);
	if (json)
		watch_print_json(&total, prev.nfields, n);
	else
		watch_print_summary_text(ifname, &total, n);
	fflush(stdout);
	return VNET_EXIT_OK;
}
