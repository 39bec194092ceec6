/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * run.h - `vnetctl bench`: the parts of a run and how they talk.
 *
 * user/bench/ is the bench tool. It sits on vnetctl's lower layers
 * (user/lib/ and the attachment model's files: iface, peer, log, json,
 * prom) and nothing there includes it; cmd.c is its one entry point.
 *
 *   cmd.c      options, defaults, the method, the run's order and its cleanup
 *   report.c   interval lines, the summary, JSON, Prometheus
 *   loop.c     the loop method's threads: seed the sink's re-arming loop, re-seed it
 *   gen.c      the sending threads (live frames, AF_PACKET), counter snapshots
 *   prog.c     the skeleton: load, the sink attached and detached, per-CPU maps
 *   napi.c     --napi-cpu: threaded NAPI pinned to a CPU, and back
 *   frame.c    a request frame built in user space (AF_PACKET, seeds)
 *   addr.c     addresses, ranges, MACs
 */
#ifndef VNET_BENCH_RUN_H
#define VNET_BENCH_RUN_H

#include <stdbool.h>
#include <stdatomic.h>
#include <pthread.h>
#include <net/if.h>
#include <linux/types.h>

#include "bench.shared.h"
#include "cmd/cmd.h"
#include "lib/clock.h"

struct bench;		/* the skeleton, .output/bench.skel.h */

enum bench_method {
	BENCH_METHOD_LIVE,	/* BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES */
	BENCH_METHOD_PACKET,	/* AF_PACKET, PACKET_QDISC_BYPASS, sendmmsg */
	BENCH_METHOD_LOOP,	/* the sink re-arms each reply (XDP_TX), AF_PACKET seeds */
};

enum bench_format {
	BENCH_FORMAT_TEXT,		/* interval lines and a summary */
	BENCH_FORMAT_JSON,		/* one object at the end (-j) */
	BENCH_FORMAT_PROMETHEUS,	/* the text exposition format at the end */
};

struct bench_opts {
	const char *ifname;
	int ifindex;
	const char *dst_arg;
	const char *src_arg;
	const char *dst_mac_arg;
	unsigned int size;
	__u64 count;		/* 0: run for duration */
	double duration;
	double rate;		/* pps over all threads; 0: flat out */
	unsigned int threads;
	int cpus[BENCH_MAX_SLOTS];
	double interval;
	__u16 id;
	enum bench_method method;
	bool method_given;
	unsigned int window;	/* loop: requests in flight */
	int napi_cpu;		/* -1: leave NAPI alone */
	double drain;
	enum bench_format format;
};

/* One sending thread. */
struct bench_thread {
	struct bench_run *run;
	pthread_t tid;
	unsigned int slot;
	int cpu;
	__u64 quota;		/* requests to send; 0: until told to stop */
	_Atomic __u64 sent;	/* AF_PACKET: frames the kernel took */
	int err;		/* a negative errno that ended the thread early */
	double t_end;		/* when it sent its last frame */
	bool started;
};

/* Counters at one moment: what was sent, what came back. */
struct bench_snap {
	double t;		/* seconds since the start of sending */
	__u64 sent;
	struct bench_sink_stats sink;
	__u64 hist[BENCH_HIST_BUCKETS];
};

struct bench_interval {
	double t_s, sent_pps, reply_pps, loss_pct;
	__u64 rtt_p50_ns, rtt_p99_ns;
	bool has_rtt;
};

struct bench_run {
	struct bench_opts *o;
	struct bench_config cfg;
	struct bench *skel;
	int gen_fd;
	int nr_cpus;		/* possible CPUs: the per-CPU value count */
	bool sink_attached;
	enum vnet_mode sink_mode;	/* VNET_MODE_NATIVE or _GENERIC */
	__u64 seen_bits;	/* bitmap size, all slots */
	struct bench_thread threads[BENCH_MAX_SLOTS];
	volatile __u64 *lanes;	/* loop: bench_lanes, mmap'ed */
	size_t lanes_len;
	atomic_bool stop;
	double t0;		/* monotonic seconds when sending began */
	double t_send_end;	/* ... and when the last thread finished */
	double duration;	/* the send window the rates are over */
	struct bench_interval *intervals;
	unsigned int nr_intervals, cap_intervals;
	bool interrupted;
	char method_reason[160];	/* why this method: the JSON and the summary say it */
};

/*
 * From the bottom up: each part uses only those listed before it.
 */

/* addr.c: addresses, ranges, MACs (IFACE's, the peer's, the neighbour's) */
int bench_parse_dst(const char *arg, struct bench_config *cfg);
int bench_default_src(const char *ifname, int family, __u8 *out);
int bench_default_dst_mac(const char *ifname, int ifindex, const struct bench_config *cfg,
			  __u8 *mac);

/* frame.c: a request built in user space (AF_PACKET, the loop's seeds) */
void bench_frame_build(const struct bench_config *cfg, __u8 *frame, __u64 seq,
		       __u64 wire_seq, __u64 now_ns);

/* napi.c: --napi-cpu, and the veth peer's checks */
struct bench_napi;
int bench_napi_setup(const char *ifname, int ifindex, int cpu, struct bench_napi **out);
void bench_napi_restore(struct bench_napi *napi);
void bench_peer_check(const char *ifname, int ifindex, unsigned int threads);

/* prog.c: the skeleton, the sink on IFACE, the per-CPU maps */
int bench_check_iface_free(struct bench_run *run);
int bench_load(struct bench_run *run);
int bench_sink_attach(struct bench_run *run);
void bench_sink_detach(struct bench_run *run);
void bench_unload(struct bench_run *run);
int bench_read_percpu(struct bench_run *run, int map_fd, __u64 *sum, size_t nr, __u64 *buf);
double bench_send_window(struct bench_run *run);

/* gen.c: the sending threads (live, packet), their state and counts */
__u64 bench_thread_quota(const struct bench_opts *o, unsigned int i);
int bench_live_probe(const struct bench_run *run, bool *loaded);
int bench_gen_configure(struct bench_run *run);
int bench_gen_start(struct bench_run *run);
void bench_gen_join(struct bench_run *run);
void bench_gen_finish(struct bench_run *run);
bool bench_gen_done(struct bench_run *run);
void bench_gen_kick(struct bench_run *run);
void bench_gen_stop(struct bench_run *run);
int bench_gen_signals(void);
int bench_cpu_progress(struct bench_run *run, int cpu, __u64 *seq, __u64 *limit);
__u64 bench_gen_packet_sent(struct bench_run *run);
int bench_packet_socket(const struct bench_run *run);
int bench_pin_cpu(int cpu);
int bench_snapshot(struct bench_run *run, struct bench_snap *snap);

/* loop.c: the loop method's seeding threads (started by gen.c) */
void *bench_loop_thread(void *arg);

/* report.c: interval lines, the summary, JSON, Prometheus */
const char *bench_method_name(enum bench_method m);
void bench_report_interval(struct bench_run *run, const struct bench_snap *a,
			   const struct bench_snap *b);
void bench_report_summary(struct bench_run *run, const struct bench_snap *end);

#endif /* VNET_BENCH_RUN_H */
