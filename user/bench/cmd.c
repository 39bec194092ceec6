// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - `vnetctl bench IFACE --dst ADDR[-ADDR] [options]`: a ping
 * flood with exact accounting (see run.h for the parts).
 *
 * Order of a run, and its undoing on every exit path:
 *   parse, resolve addresses      (nothing to undo)
 *   load the skeleton             -> destroy
 *   attach the sink to IFACE      -> detach (only our program)
 *   threaded NAPI (--napi-cpu)    -> restore what was there
 *   send for count/duration, report each interval
 *   drain: wait for late replies (bounded), final counters, summary
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked in every thread from
 * the start and taken by the main loop with sigtimedwait(): a signal ends
 * the sending early, and the run still detaches and reports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <bpf/libbpf.h>

#include "bench/run.h"
#include "cmd/cmd.h"
#include "lib/addr.h"
#include "lib/iface.h"
#include "lib/log.h"
#include "lib/parse.h"

#define DRAIN_MAX_S	10.0
#define DURATION_MAX_S	86400.0

/* Loop: requests in flight by default, and at most (veth rings hold 256). */
#define WINDOW_DEFAULT	128
#define WINDOW_MAX	65536

/* "0,1" or "0-3" or a mix: the CPUs, in order, each online. */
static int parse_cpus(const char *s, struct bench_opts *o)
{
	char *copy = strdup(s), *tok, *save = NULL;
	unsigned int n = 0;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long a, b;
		char *dash = strchr(tok, '-');

		if (dash)
			*dash = '\0';
		if (parse_u64(tok, 0, CPU_SETSIZE - 1, &a) ||
		    parse_u64(dash ? dash + 1 : tok, a, CPU_SETSIZE - 1, &b)) {
			err = -EINVAL;
			break;
		}
		for (; a <= b; a++) {
			if (n == BENCH_MAX_SLOTS) {
				err = -E2BIG;
				goto out;
			}
			o->cpus[n++] = (int)a;
		}
	}
	if (!err && !n)
		err = -EINVAL;
	o->threads = n;
out:
	free(copy);
	return err;
}

static bool cpu_usable(int cpu, int nr_cpus)
{
	cpu_set_t set;

	if (cpu >= nr_cpus)
		return false;
	/* Online and allowed: what sched_setaffinity() will accept. */
	if (sched_getaffinity(0, sizeof(set), &set))
		return true;
	return CPU_ISSET(cpu, &set);
}

/* --cpus: parse_cpus(), its error in --cpus's words. */
static int opt_cpus(void *store, const char *arg, char *err)
{
	if (parse_cpus(arg, store)) {
		snprintf(err, OPT_ERR_MAX, "bad --cpus '%s': want a list like 0,1 or 0-3",
			 log_arg(arg));
		return -EINVAL;
	}
	return 0;
}

#define O struct bench_opts
_Static_assert(BENCH_FRAME_MAX == 1514 && BENCH_MAX_SLOTS == 64 && WINDOW_MAX == 65536 &&
	       DRAIN_MAX_S == 10.0, "the errors below quote these limits");
_Static_assert((int)BENCH_FORMAT_JSON == CMD_FORMAT_JSON &&
	       (int)BENCH_FORMAT_PROMETHEUS == CMD_FORMAT_PROMETHEUS, "--format's choices");

static const char *const bench_methods[] = {
	[BENCH_METHOD_LIVE] = "live", [BENCH_METHOD_PACKET] = "packet",
	[BENCH_METHOD_LOOP] = "loop", NULL
};

static const struct opt bench_opts[] = {
	{ .name = "dst", .type = OPT_STRING, OPT_AT(O, dst_arg), .arg = "ADDR|A-B",
	  .flags = OPT_NEEDED, .help = "destination, or an inclusive range to spread over" },
	{ .name = "src", .type = OPT_STRING, OPT_AT(O, src_arg), .arg = "ADDR",
	  .help = "default: IFACE's first global address" },
	{ .name = "dst-mac", .type = OPT_STRING, OPT_AT(O, dst_mac_arg), .arg = "MAC",
	  .help = "default: the veth peer's MAC, else the neighbour's" },
	{ .name = "size", .key = 's', .type = OPT_UINT, OPT_AT(O, size), .min = 1,
	  .max = BENCH_FRAME_MAX, .arg = "BYTES", .bad = "bad --size '%s': want bytes up to 1514",
	  .help = "frame size without FCS (default 64; IPv6 84)" },
	{ .name = "count", .key = 'n', .type = OPT_UINT, OPT_AT(O, count), .min = 1,
	  .max = 1ULL << 48, .arg = "N", .bad = "bad --count '%s'",
	  .help = "send N requests, or" },
	{ .name = "duration", .key = 'd', .type = OPT_DOUBLE, OPT_AT(O, duration),
	  .dmin = 0.001, .dmax = DURATION_MAX_S, .arg = "SECS",
	  .bad = "bad --duration '%s': want seconds",
	  .help = "send for SECS (default 10, fractions allowed)" },
	{ .name = "rate", .key = 'r', .type = OPT_DOUBLE, OPT_AT(O, rate), .dmin = 1, .dmax = 1e9,
	  .arg = "PPS", .bad = "bad --rate '%s': want packets per second",
	  .help = "target rate of all threads (default: flat out)" },
	{ .name = "threads", .key = 't', .type = OPT_UINT, OPT_AT(O, threads), .min = 1,
	  .max = BENCH_MAX_SLOTS, .arg = "N", .bad = "bad --threads '%s': want 1 to 64",
	  .help = "sending threads (default: one per CPU)" },
	{ .name = "cpus", .type = OPT_FN, .fn = opt_cpus, .arg = "LIST",
	  .help = "pin the threads to these CPUs (e.g. 0 or 0,1)" },
	{ .name = "interval", .key = 'i', .type = OPT_DOUBLE, OPT_AT(O, interval), .dmin = 0.01,
	  .dmax = 3600, .arg = "SECS", .bad = "bad --interval '%s': want seconds",
	  .help = "report interval (default 1)" },
	{ .name = "id", .type = OPT_UINT, OPT_AT(O, id), .max = 0xffff, .arg = "N",
	  .bad = "bad --id '%s': want 0 to 65535",
	  .help = "ICMP identifier (default: from the pid)" },
	{ .name = "method", .type = OPT_CHOICE, .choices = bench_methods, OPT_AT(O, method),
	  .arg = "M", .bad = "bad --method '%s': want live, loop or packet",
	  .help = "live: BPF_PROG_RUN live frames (the default where\n"
		  "the kernel runs them); loop: the sink turns each\n"
		  "reply into the next request (XDP_TX), seeded and\n"
		  "topped up through AF_PACKET (the default where\n"
		  "live frames are refused; no --rate); packet:\n"
		  "AF_PACKET only" },
	{ .name = "window", .type = OPT_UINT, OPT_AT(O, window), .min = 1, .max = WINDOW_MAX,
	  .arg = "N", .bad = "bad --window '%s': want 1 to 65536 requests",
	  .help = "loop: requests in flight (default 128)" },
	{ .name = "napi-cpu", .type = OPT_UINT, OPT_AT(O, napi_cpu), .max = CPU_SETSIZE - 1,
	  .arg = "CPU", .bad = "bad --napi-cpu '%s': want a CPU number",
	  .help = "threaded NAPI on IFACE and its veth peer, the\n"
		  "kthreads pinned to CPU; restored afterwards" },
	{ .name = "drain", .type = OPT_DOUBLE, OPT_AT(O, drain), .dmax = DRAIN_MAX_S,
	  .arg = "SECS", .bad = "bad --drain '%s': want 0 to 10 seconds",
	  .help = "wait for late replies (default 0.5, max 10)" },
	/* -j is --format json; the last one given wins, as in stats. */
	{ .name = "json", .key = 'j', .type = OPT_SET, .set = BENCH_FORMAT_JSON,
	  OPT_AT(O, format), .help = "one JSON object at the end" },
	{ .name = "format", .type = OPT_CHOICE, .choices = cmd_formats, OPT_AT(O, format),
	  .arg = "F", .bad = "bad --format '%s': want text, json or prometheus",
	  .help = "text (default), json (as -j) or prometheus: the\n"
		  "counts and the RTT histogram, for a textfile" },
	OPT_END
};

#undef O

static int parse_args(const struct vnet_cmd *cmd, int argc, char **argv, struct bench_opts *o,
		      bool *cpus_given)
{
	bool have_count, have_duration, have_threads;
	opt_seen_t seen;
	int ret;

	ret = cmd_parse(cmd, o, argc, argv, &seen);
	if (ret != CMD_CONTINUE)
		return ret;
	have_count = opt_given(cmd->opts, seen, "count");
	have_duration = opt_given(cmd->opts, seen, "duration");
	have_threads = opt_given(cmd->opts, seen, "threads");
	*cpus_given = opt_given(cmd->opts, seen, "cpus");
	o->method_given = opt_given(cmd->opts, seen, "method");
	ret = cmd_iface_operand(cmd, argc, argv, &o->ifname);
	if (ret != CMD_CONTINUE)
		return ret;
	if (!o->dst_arg)
		return usage_error(cmd, "missing --dst ADDR");
	if (have_count && have_duration)
		return usage_error(cmd, "--count and --duration exclude each other");
	if (have_threads && *cpus_given && o->threads)
		return usage_error(cmd, "--threads and --cpus exclude each other");
	/*
	 * The loop sends a request only when a reply comes back: its rate is
	 * what the round trip and the window allow, nothing it could pace.
	 */
	if (o->method_given && o->method == BENCH_METHOD_LOOP && o->rate > 0)
		return usage_error(cmd, "--rate cannot pace --method loop (it sends when replies return); use --window to bound it, or --method live or packet");
	if (o->window && o->method_given && o->method != BENCH_METHOD_LOOP)
		return usage_error(cmd, "--window applies to --method loop only");
	return CMD_CONTINUE;
}

/* Threads and their CPUs: --cpus, else one per usable CPU, first N with -t. */
static int pick_cpus(const struct vnet_cmd *cmd, struct bench_opts *o, bool cpus_given,
		     int nr_cpus)
{
	unsigned int want = o->threads, n = 0;

	if (cpus_given) {
		for (unsigned int i = 0; i < o->threads; i++)
			if (!cpu_usable(o->cpus[i], nr_cpus))
				return usage_error(cmd, "CPU %d in --cpus is not online or allowed",
						   o->cpus[i]);
		goto out;
	}
	for (int cpu = 0; cpu < nr_cpus && n < BENCH_MAX_SLOTS; cpu++) {
		if (!cpu_usable(cpu, nr_cpus))
			continue;
		if (want && n == want)
			break;
		o->cpus[n++] = cpu;
	}
	if (!n)
		return usage_error(cmd, "no usable CPU");
	/* More threads than CPUs: share them round robin (packet method only). */
	for (unsigned int i = n; i < want; i++)
		o->cpus[i] = o->cpus[i % n];
	o->threads = want ? want : n;
out:
	/*
	 * Live frames keep one generator state (slot, sequence, quota) per
	 * CPU: two threads on one CPU would share it and break the per-thread
	 * sequences the sink tracks. AF_PACKET threads have their own.
	 */
	if (!(o->method_given && o->method != BENCH_METHOD_LIVE))
		for (unsigned int i = 0; i < o->threads; i++)
			for (unsigned int j = 0; j < i; j++)
				if (o->cpus[i] == o->cpus[j])
					return usage_error(cmd, "two threads on CPU %d: live frames run one thread per CPU (fewer --threads, distinct --cpus, or --method packet)",
							   o->cpus[i]);
	/* Never more threads than requests. */
	if (o->count && o->count < o->threads)
		o->threads = (unsigned int)o->count;
	return CMD_CONTINUE;
}

/* The run's addresses and header fields, checked. Exit code or CMD_CONTINUE. */
static int resolve_config(const struct vnet_cmd *cmd, struct bench_run *run)
{
	struct bench_opts *o = run->o;
	struct bench_config *cfg = &run->cfg;
	char ip[64];
	int err;

	err = bench_parse_dst(o->dst_arg, cfg);
	if (err == -ERANGE)
		return usage_error(cmd, "bad --dst '%s': a range goes up, within one family%s",
				   o->dst_arg, cfg->family == 6 ? " and one /64" : "");
	if (err)
		return usage_error(cmd, "bad --dst '%s': want ADDR or FIRST-LAST", o->dst_arg);

	if (!o->size)
		o->size = cfg->family == 4 ? 64 : BENCH_FRAME_MIN6;
	if (o->size < (cfg->family == 4 ? BENCH_FRAME_MIN4 : BENCH_FRAME_MIN6))
		return usage_error(cmd, "--size %u is too small: IPv%d requests need at least %d bytes",
				   o->size, cfg->family,
				   cfg->family == 4 ? BENCH_FRAME_MIN4 : BENCH_FRAME_MIN6);
	cfg->frame_len = (__u16)o->size;
	cfg->id = o->id;

	if (o->src_arg) {
		if (addr_parse(o->src_arg, cfg->family, cfg->src_ip) < 0)
			return usage_error(cmd, "bad --src '%s': want an IPv%d address", o->src_arg,
					   cfg->family);
	} else if (bench_default_src(o->ifname, cfg->family, cfg->src_ip)) {
		log_err("%s: has no global IPv%d address to send from; give --src", o->ifname,
			cfg->family);
		return VNET_EXIT_FAIL;
	}

	err = iface_mac(o->ifname, cfg->src_mac);
	if (err == -EAFNOSUPPORT) {
		log_err("%s: not an Ethernet interface: bench sends Ethernet frames", o->ifname);
		return VNET_EXIT_FAIL;
	} else if (err) {
		log_err_sys(err, "%s: cannot read its MAC address", o->ifname);
		return VNET_EXIT_FAIL;
	}
	if (o->dst_mac_arg) {
		if (parse_mac(o->dst_mac_arg, cfg->dst_mac))
			return usage_error(cmd, "bad --dst-mac '%s': want xx:xx:xx:xx:xx:xx",
					   o->dst_mac_arg);
	} else if (bench_default_dst_mac(o->ifname, o->ifindex, cfg, cfg->dst_mac)) {
		log_err("%s: no veth peer and no neighbour entry for %s: give --dst-mac", o->ifname,
			addr_format(cfg->family, cfg->dst_ip, ip));
		return VNET_EXIT_FAIL;
	}
	/* A fresh cookie per run: replies of an earlier run never count. */
	if (getrandom(&cfg->cookie, sizeof(cfg->cookie), 0) != sizeof(cfg->cookie))
		cfg->cookie = (__u64)mono_now() * 0x9E3779B97F4A7C15ULL ^ (__u64)getpid();
	return CMD_CONTINUE;
}

static void block_signals(sigset_t *set)
{
	/*
	 * A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is discarded, never pending: sigtimedwait() would not see
	 * the Ctrl-C (or kill -INT) meant to end the run early.
	 */
	signal(SIGINT, SIG_DFL);
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* Waits until @t (monotonic s); true if a signal came first. */
static bool wait_until_or_signal(const sigset_t *set, double t)
{
	double left = t - mono_now();
	struct timespec ts;

	if (left < 0)
		left = 0;	/* still take a signal that is pending */
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	return sigtimedwait(set, NULL, &ts) > 0;
}

/* Sends, with a line per interval, until done, timed out or interrupted. */
static int send_phase(struct bench_run *run, const sigset_t *sigs, struct bench_snap *last)
{
	const struct bench_opts *o = run->o;
	double next = run->t0 + o->interval, tick = 0.05;
	double deadline = o->count ? INFINITY : run->t0 + o->duration;
	struct bench_snap now;
	int err;

	for (;;) {
		double until = fmin(next, deadline);

		/* Look at the threads often: a count may finish any time. */
		if (atomic_load(&run->stop))
			tick = 0.005;
		if (until > mono_now() + tick)
			until = mono_now() + tick;
		if (wait_until_or_signal(sigs, until)) {
			run->interrupted = true;
			bench_gen_stop(run);
		}
		if (mono_now() >= deadline)
			bench_gen_stop(run);
		bench_gen_kick(run);
		if (bench_gen_done(run))
			break;
		if (mono_now() >= next) {
			err = bench_snapshot(run, &now);
			if (err) {
				bench_gen_finish(run);
				return err;
			}
			bench_report_interval(run, last, &now);
			*last = now;
			next += o->interval;
		}
	}
	bench_gen_join(run);
	return 0;
}

/* Late replies: until every request is answered, the drain time ends, or a signal. */
static int drain_phase(struct bench_run *run, const sigset_t *sigs, struct bench_snap *end)
{
	double until = mono_now() + run->o->drain;
	int err;

	for (;;) {
		err = bench_snapshot(run, end);
		if (err || end->sink.replies + end->sink.bounced >= end->sent ||
		    mono_now() >= until)
			return err;
		if (wait_until_or_signal(sigs, fmin(until, mono_now() + 0.01))) {
			run->interrupted = true;
			return bench_snapshot(run, end);
		}
	}
}

static int thread_errors(struct bench_run *run)
{
	for (unsigned int i = 0; i < run->o->threads; i++) {
		const struct bench_thread *t = &run->threads[i];

		if (t->err) {
			log_err_sys(t->err, "%s: sending thread %u (CPU %d) failed", run->o->ifname,
				    i, t->cpu);
			return t->err;
		}
	}
	return 0;
}

/* Why the kernel would not run live frames, from the probe's errno. */
static void live_refusal(int err, char *buf, size_t len)
{
	const char *name = strerrorname_np(-err);

	if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "this kernel refuses live frames (BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: %s, by its policy, even for root)",
			 name);
	else if (err == -EINVAL)
		snprintf(buf, len, "this kernel lacks live frames (BPF_F_TEST_XDP_LIVE_FRAMES: EINVAL, an unknown flag before Linux 5.18)");
	else
		snprintf(buf, len, "live frames failed (BPF_PROG_RUN: %s)", name ? name : strerror(-err));
}

/*
 * Live frames where the kernel runs them; else the loop; else (--rate,
 * which the loop cannot pace) AF_PACKET. The reason goes into the summary
 * and the JSON, and a fallback says it on stderr too.
 */
static int pick_method(struct bench_run *run)
{
	struct bench_opts *o = run->o;
	char *why = run->method_reason, refusal[sizeof(run->method_reason) - 40];
	size_t len = sizeof(run->method_reason);
	bool loaded;
	int err;

	if (o->method_given && o->method != BENCH_METHOD_LIVE) {
		snprintf(why, len, "asked for with --method");
		goto out;
	}
	err = bench_live_probe(run, &loaded);
	if (!loaded) {
		log_err_sys(err, "%s: cannot load a BPF program", o->ifname);
		return err;
	}
	if (!err) {
		o->method = BENCH_METHOD_LIVE;
		snprintf(why, len, o->method_given ? "asked for with --method" :
			 "the kernel runs live frames");
		goto out;
	}
	live_refusal(err, refusal, sizeof(refusal));
	if (o->method_given) {
		log_err("%s: --method live: %s", o->ifname, refusal);
		return err;
	}
	o->method = o->rate > 0 ? BENCH_METHOD_PACKET : BENCH_METHOD_LOOP;
	snprintf(why, len, "%s%s", refusal,
		 o->rate > 0 ? "; --rate needs a method that can pace" : "");
	log_warn("%s: using --method %s", why, bench_method_name(o->method));
out:
	if (o->method == BENCH_METHOD_LOOP && !o->window)
		o->window = WINDOW_DEFAULT;
	if (o->method == BENCH_METHOD_LOOP && o->count && o->count < o->window)
		o->window = (unsigned int)o->count;	/* every lane sends at least one */
	if (o->method == BENCH_METHOD_LOOP && o->window < o->threads)
		o->threads = o->window;			/* every thread seeds at least one */
	return 0;
}

static int run_bench(struct bench_run *run, const sigset_t *sigs)
{
	struct bench_opts *o = run->o;
	struct bench_napi *napi = NULL;
	struct bench_snap start = {}, end = {};
	int err;

	err = bench_check_iface_free(run);
	if (err)
		return VNET_EXIT_FAIL;
	/* Before loading: the method decides how the programs are configured. */
	err = pick_method(run);
	if (err)
		return VNET_EXIT_FAIL;
	err = bench_load(run);
	if (err)
		return VNET_EXIT_FAIL;
	err = bench_gen_configure(run);
	if (err) {
		log_err_sys(err, "cannot set up the bench programs");
		goto out_unload;
	}
	err = bench_sink_attach(run);
	if (err)
		goto out_unload;
	if (o->napi_cpu >= 0) {
		err = bench_napi_setup(o->ifname, o->ifindex, o->napi_cpu, &napi);
		if (err)
			goto out_detach;
	}
	if (o->method != BENCH_METHOD_PACKET)
		bench_peer_check(o->ifname, o->ifindex, o->threads);

	err = bench_snapshot(run, &start);
	if (err)
		goto out_napi;
	run->t0 = mono_now();
	start.t = 0;
	err = bench_gen_start(run);
	if (!err)
		err = send_phase(run, sigs, &start);
	else
		bench_gen_finish(run);
	if (err) {
		log_err_sys(err, "%s: the run failed", o->ifname);
		goto out_napi;
	}
	err = thread_errors(run);
	if (err)
		goto out_napi;
	/* The window the program stamped, where it stamped one. */
	run->duration = run->t_send_end - run->t0;
	if (bench_send_window(run) > 0)
		run->duration = bench_send_window(run);
	err = drain_phase(run, sigs, &end);
	if (err) {
		log_err_sys(err, "%s: cannot read the bench counters", o->ifname);
		goto out_napi;
	}
	if (run->seen_bits && end.sink.untracked && o->format == BENCH_FORMAT_TEXT)
		log_warn("the run outgrew its seen-bitmap (%llu sequences): duplicates of %llu replies could not be told",
			 (unsigned long long)run->seen_bits,
			 (unsigned long long)end.sink.untracked);
out_napi:
	bench_napi_restore(napi);
out_detach:
	bench_sink_detach(run);
out_unload:
	if (!err)
		bench_report_summary(run, &end);
	bench_unload(run);
	free(run->intervals);
	return err ? VNET_EXIT_FAIL : VNET_EXIT_OK;
}

static int cmd_bench(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct bench_opts o = {
		.duration = 10,
		.interval = 1,
		.drain = 0.5,
		.napi_cpu = -1,
		.id = (__u16)getpid(),
	};
	struct bench_run run = { .o = &o };
	bool cpus_given = false;
	sigset_t sigs;
	int ret;

	/* Before any thread exists, so every thread inherits the mask. */
	block_signals(&sigs);
	if (bench_gen_signals()) {
		log_err_sys(-errno, "cannot set up SIGUSR1");
		return VNET_EXIT_FAIL;
	}
	ret = parse_args(cmd, argc, argv, &o, &cpus_given);
	if (ret != CMD_CONTINUE)
		return ret;
	run.nr_cpus = libbpf_num_possible_cpus();
	if (run.nr_cpus <= 0) {
		log_err_sys(run.nr_cpus, "cannot count the CPUs");
		return VNET_EXIT_FAIL;
	}
	ret = pick_cpus(cmd, &o, cpus_given, run.nr_cpus);
	if (ret != CMD_CONTINUE)
		return ret;
	if (o.napi_cpu >= 0 && !cpu_usable(o.napi_cpu, run.nr_cpus))
		return usage_error(cmd, "--napi-cpu %d is not online", o.napi_cpu);

	/* Usage first: a bad --dst is a usage error whatever IFACE is. */
	ret = bench_parse_dst(o.dst_arg, &run.cfg);
	if (ret)
		return resolve_config(cmd, &run);
	o.ifindex = iface_resolve(o.ifname);
	if (!o.ifindex)
		return VNET_EXIT_FAIL;
	ret = resolve_config(cmd, &run);
	if (ret != CMD_CONTINUE)
		return ret;
	return run_bench(&run, &sigs);
}

const struct vnet_cmd bench_cmd = {
	.name = "bench",
	.run = cmd_bench,
	.operands = "IFACE",
	.about =
"  Ping flood from IFACE with exact accounting: ICMP/ICMPv6 echo requests\n"
"  out, a sink XDP program on IFACE (for the run only) matching the replies.\n",
	.opts = bench_opts,
	.col = 25,
	.notes =
"  sent == replies + lost; duplicates, bad checksums and requests that\n"
"  come back unchanged (\"bounced\", a MAC-swap responder) are not replies.\n"
"  Exit 0 when the run completes, loss or not; SIGINT ends it early.\n",
};
