// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * gen.c - the sending threads, one per slot, each pinned to its CPU.
 *
 * live: BPF_PROG_RUN of bench_gen with BPF_F_TEST_XDP_LIVE_FRAMES. Each
 * call sets up a page_pool and runs the program `repeat` times in batches
 * of `batch_size` (at most 256), redirecting every XDP_TX frame out of
 * ctx_in.ingress_ifindex (the kernel's live mode turns XDP_TX into a
 * redirect to the ingress device; ctx_in.data_end must equal the frame
 * size). Set-up and tear-down are per call and slow, so calls are long;
 * the program counts, stops and paces by itself (bench.bpf.c).
 *
 * packet: an AF_PACKET socket with PACKET_QDISC_BYPASS (straight to the
 * driver's xmit, as trafgen does) and sendmmsg() of BATCH frames.
 *
 * loop: threads that seed and top up the sink's re-arming loop
 * (loop.c), over the same kind of socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_link.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench/run.h"
#include "bench.skel.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES	(1U << 1)
#endif
#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS	20
#endif

/*
 * Frames per BPF_PROG_RUN. A call's set-up and tear-down (a page_pool,
 * its memory model) take 25 ms to over 50 ms here, a gap in the traffic
 * each time, so a thread makes one call that would last minutes: the
 * program itself paces, stops at its limit or at bench_stop (dropping
 * what it does not send), and the call is ended by a SIGUSR1 to the
 * thread, which the kernel's loop notices between two batches (-EINTR).
 */
#define LIVE_CALL_FRAMES	(1U << 30)
#define LIVE_BATCH		64	/* NAPI_POLL_WEIGHT, as a driver would */
#define PACKET_BATCH		64
/* AF_PACKET: a device that refuses every frame this long ends the run. */
#define PACKET_STUCK_S		1.0
/* AF_PACKET, paced: one sendmmsg() per this much time, the rest asleep. */
#define PACE_SLICE_S		0.001

int bench_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* One BPF_PROG_RUN of @n live frames through @prog_fd. 0 or -errno. */
static int live_run_prog(const struct bench_run *run, int prog_fd, __u32 n)
{
	struct xdp_md md = {
		.ingress_ifindex = run->o->ifindex,
		.data_end = run->cfg.frame_len,	/* must equal data_size_in */
	};
	static const __u8 zero[BENCH_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = zero,
		.data_size_in = run->cfg.frame_len,
		.ctx_in = &md,
		.ctx_size_in = sizeof(md),
		.repeat = n,
		.batch_size = LIVE_BATCH,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);

	return bpf_prog_test_run_opts(prog_fd, &opts) ? -errno : 0;
}

static int live_run(struct bench_run *run, __u32 n)
{
	return live_run_prog(run, run->gen_fd, n);
}

/*
 * Whether this kernel runs live frames on IFACE: one frame through a
 * two-instruction XDP_DROP program, so nothing leaves and the run's own
 * programs need not be loaded yet (the method decides how they are
 * configured). 0, or the errno the kernel answered: EINVAL before Linux
 * 5.18 (an unknown flag), EPERM where its policy refuses them. When even
 * the probe does not load, *@loaded is false and the errno is the load's:
 * a matter of privileges, not of live frames.
 */
int bench_live_probe(const struct bench_run *run, bool *loaded)
{
	const struct bpf_insn drop[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, err;

	*loaded = false;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "vnet_live_probe", "Dual BSD/GPL", drop,
			   sizeof(drop) / sizeof(drop[0]), NULL);
	if (fd < 0)
		return -errno;
	*loaded = true;
	err = live_run_prog(run, fd, 1);
	close(fd);
	return err;
}

/* AF_PACKET: how many frames the next sendmmsg() sends, and when. */
struct pacer {
	double pps;		/* this thread's share; 0: flat out */
	double next;
	__u32 chunk;
};

static void pacer_init(struct pacer *p, const struct bench_run *run, __u32 flat_chunk)
{
	const struct bench_opts *o = run->o;

	p->pps = o->rate > 0 ? o->rate / o->threads : 0;
	p->next = mono_now();
	p->chunk = flat_chunk;
	if (p->pps > 0) {
		double c = p->pps * PACE_SLICE_S;

		p->chunk = c < 1 ? 1 : c > flat_chunk ? flat_chunk : (__u32)c;
	}
}

static void pacer_wait(struct pacer *p, __u32 sent)
{
	if (p->pps <= 0)
		return;
	mono_sleep_until(p->next);
	p->next += sent / p->pps;
}

/* The frames a thread may still send: its quota's rest, or a chunk. */
static __u32 next_chunk(const struct bench_thread *t, __u64 done, __u32 chunk)
{
	if (!t->run->o->count)
		return chunk;
	if (done >= t->quota)
		return 0;
	return t->quota - done < chunk ? (__u32)(t->quota - done) : chunk;
}

static bool should_stop(struct bench_run *run, double deadline)
{
	return atomic_load_explicit(&run->stop, memory_order_relaxed) ||
	       (deadline > 0 && mono_now() >= deadline);
}

/* A live thread is done: its CPU reached its limit, or all must stop. */
static bool live_thread_done(struct bench_run *run, const struct bench_thread *t)
{
	__u64 seq, limit;

	if (atomic_load_explicit(&run->stop, memory_order_relaxed))
		return true;
	return run->o->count && !bench_cpu_progress(run, t->cpu, &seq, &limit) &&
	       seq >= limit;
}

static void live_thread_wake(int sig)
{
	(void)sig;	/* only there to make the thread's BPF_PROG_RUN return */
}

/*
 * Called by the main thread every tick: interrupts the BPF_PROG_RUN of
 * each live thread that is done. A SIGUSR1 that lands just before a call
 * would be lost, so this repeats until the thread has ended.
 */
void bench_gen_kick(struct bench_run *run)
{
	if (run->o->method != BENCH_METHOD_LIVE)
		return;
	for (unsigned int i = 0; i < run->o->threads; i++) {
		struct bench_thread *t = &run->threads[i];

		if (t->started && live_thread_done(run, t))
			pthread_kill(t->tid, SIGUSR1);
	}
}

int bench_gen_signals(void)
{
	struct sigaction sa = { .sa_handler = live_thread_wake };

	/* No SA_RESTART: the interrupted bpf() must return, not restart. */
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL) ? -errno : 0;
}

/*
 * Calls until told to stop (the main thread sets bench_stop at the
 * deadline) or, with --count, until this CPU's limit is reached: the
 * program counts and paces, so the thread only keeps it running.
 */
static void *live_thread(void *arg)
{
	struct bench_thread *t = arg;
	struct bench_run *run = t->run;
	__u64 seq, limit;
	int err;

	t->err = bench_pin_cpu(t->cpu);
	if (t->err)
		return NULL;
	while (!atomic_load_explicit(&run->stop, memory_order_relaxed)) {
		__u32 n = LIVE_CALL_FRAMES;

		if (run->o->count) {
			err = bench_cpu_progress(run, t->cpu, &seq, &limit);
			if (err || seq >= limit) {
				t->err = err;
				break;
			}
			/* Unpaced, exactly the rest: no frames to drop. */
			if (!run->o->rate && limit - seq < n)
				n = (__u32)(limit - seq);
		}
		/* bench_gen_kick() ends it with -EINTR when done. */
		err = live_run(run, n);
		if (err && err != -EINTR) {
			t->err = err;
			break;
		}
	}
	t->t_end = mono_now();
	return NULL;
}

int bench_packet_socket(const struct bench_run *run)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = run->o->ifindex,
		.sll_protocol = 0,	/* send only: no receive path at all */
	};
	int one = 1, fd, err;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void *packet_thread(void *arg)
{
	struct bench_thread *t = arg;
	struct bench_run *run = t->run;
	double deadline = run->o->count ? 0 : run->t0 + run->o->duration;
	size_t len = run->cfg.frame_len;
	struct mmsghdr msgs[PACKET_BATCH] = {};
	struct iovec iov[PACKET_BATCH];
	double stuck_since = 0;
	struct pacer p;
	__u64 seq = 0;
	__u8 *frames;
	__u32 n;
	int fd;

	t->err = bench_pin_cpu(t->cpu);
	if (t->err)
		return NULL;
	fd = bench_packet_socket(run);
	if (fd < 0) {
		t->err = fd;
		return NULL;
	}
	frames = malloc(PACKET_BATCH * len);
	if (!frames) {
		t->err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < PACKET_BATCH; i++) {
		iov[i].iov_base = frames + i * len;
		iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	pacer_init(&p, run, PACKET_BATCH);
	while (!should_stop(run, deadline) && (n = next_chunk(t, seq, p.chunk))) {
		__u64 now;
		int sent;

		pacer_wait(&p, n);
		now = (__u64)(mono_now() * 1e9);
		for (__u32 i = 0; i < n; i++)
			bench_frame_build(&run->cfg, frames + i * len, seq + i,
					  (__u64)t->slot << BENCH_SLOT_SHIFT | (seq + i),
					  now);
		sent = sendmmsg(fd, msgs, n, 0);
		if (sent < 0) {
			/*
			 * A busy device queue: nothing was sent; try again, but
			 * not forever against a device that takes nothing (a
			 * tap without a reader, a link without carrier).
			 */
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				if (!stuck_since)
					stuck_since = mono_now();
				else if (mono_now() - stuck_since > PACKET_STUCK_S) {
					t->err = -errno;
					break;
				}
				sched_yield();
				continue;
			}
			t->err = -errno;
			break;
		}
		stuck_since = 0;
		/* Frames the kernel did not take are rebuilt with the same numbers. */
		seq += sent;
		atomic_store_explicit(&t->sent, seq, memory_order_relaxed);
	}
	t->t_end = mono_now();
	free(frames);
out:
	close(fd);
	return NULL;
}

__u64 bench_thread_quota(const struct bench_opts *o, unsigned int i)
{
	return o->count / o->threads + (i < o->count % o->threads);
}

int bench_gen_start(struct bench_run *run)
{
	const struct bench_opts *o = run->o;
	void *(*fn)(void *) = o->method == BENCH_METHOD_LIVE ? live_thread :
			       o->method == BENCH_METHOD_LOOP ? bench_loop_thread : packet_thread;
	int err;

	for (unsigned int i = 0; i < o->threads; i++) {
		struct bench_thread *t = &run->threads[i];

		t->run = run;
		t->slot = i;
		t->cpu = o->cpus[i];
		t->quota = o->count ? bench_thread_quota(o, i) : 0;
		err = -pthread_create(&t->tid, NULL, fn, t);
		if (err) {
			atomic_store(&run->stop, true);
			return err;
		}
		t->started = true;
	}
	return 0;
}

/* Waits for every thread; the send phase ended with the last one's last frame. */
void bench_gen_join(struct bench_run *run)
{
	run->t_send_end = run->t0;
	for (unsigned int i = 0; i < run->o->threads; i++) {
		struct bench_thread *t = &run->threads[i];

		if (t->started)
			pthread_join(t->tid, NULL);
		t->started = false;
		if (t->t_end > run->t_send_end)
			run->t_send_end = t->t_end;
	}
}

/*
 * All threads have finished their quota, hit an error or the deadline.
 * One that failed stops the others: the run is void anyway.
 */
bool bench_gen_done(struct bench_run *run)
{
	bool done = true;

	for (unsigned int i = 0; i < run->o->threads; i++) {
		struct bench_thread *t = &run->threads[i];

		if (!t->started)
			continue;
		if (pthread_tryjoin_np(t->tid, NULL) == EBUSY) {
			done = false;
			continue;
		}
		t->started = false;
		if (t->err)
			bench_gen_stop(run);
	}
	return done;
}

/*
 * Stops every thread and waits for it: a live one may sit in a call of
 * minutes, which only a kick ends (repeated: one may land just before a
 * call). Bounded, in case a thread hangs elsewhere in the kernel.
 */
void bench_gen_finish(struct bench_run *run)
{
	struct timespec pause = { .tv_nsec = 5000000 };

	for (int i = 0; i < 2000; i++) {
		bench_gen_stop(run);
		bench_gen_kick(run);
		if (bench_gen_done(run))
			break;
		nanosleep(&pause, NULL);
	}
	bench_gen_join(run);
}

__u64 bench_gen_packet_sent(struct bench_run *run)
{
	__u64 sum = 0;

	for (unsigned int i = 0; i < run->o->threads; i++)
		sum += atomic_load_explicit(&run->threads[i].sent, memory_order_relaxed);
	return sum;
}

/*
 * Each live sending thread's CPU carries its slot, its share of --count
 * (the program stops there, exactly) and of --rate (the program paces);
 * sequences start at 0. The loop and AF_PACKET keep none of it: their
 * CPUs only count (no limit).
 */
int bench_gen_configure(struct bench_run *run)
{
	const struct bench_opts *o = run->o;
	bool live = o->method == BENCH_METHOD_LIVE;
	struct bench_gen_state *st;
	__u32 key = 0;
	int err = 0;

	st = calloc(run->nr_cpus, sizeof(*st));
	if (!st)
		return -ENOMEM;
	for (int c = 0; c < run->nr_cpus; c++)
		st[c].limit = o->count && live ? 0 : ~0ULL;
	for (unsigned int i = 0; i < o->threads && live; i++) {
		struct bench_gen_state *s = &st[o->cpus[i]];
		unsigned int on_cpu = 0;

		for (unsigned int k = 0; k < o->threads; k++)
			on_cpu += o->cpus[k] == o->cpus[i];
		s->slot = i;
		s->limit += o->count ? bench_thread_quota(o, i) : 0;
		/* The rate of all threads on this CPU, as a gap between frames. */
		if (o->rate > 0)
			s->gap_ns = (__u64)(1e9 * o->threads / (o->rate * on_cpu));
	}
	if (bpf_map_update_elem(bpf_map__fd(run->skel->maps.bench_gen_state), &key, st, 0))
		err = -errno;
	free(st);
	return err;
}

/* Ends every live sending within the current BPF_PROG_RUN call. */
void bench_gen_stop(struct bench_run *run)
{
	run->skel->bss->bench_stop = 1;
	atomic_store(&run->stop, true);
}

/* Requests sent from @cpu so far, against its limit. */
int bench_cpu_progress(struct bench_run *run, int cpu, __u64 *seq, __u64 *limit)
{
	struct bench_gen_state *st;
	__u32 key = 0;
	int err = 0;

	st = calloc(run->nr_cpus, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(run->skel->maps.bench_gen_state), &key, st))
		err = -errno;
	else {
		*seq = st[cpu].seq;
		*limit = st[cpu].limit;
	}
	free(st);
	return err;
}

/* What was sent (the program's counts, the threads') and what came back. */
int bench_snapshot(struct bench_run *run, struct bench_snap *snap)
{
	struct bench_gen_state gen;
	__u64 *buf;
	int err;

	buf = calloc(run->nr_cpus, sizeof(struct bench_hist));
	if (!buf)
		return -ENOMEM;
	snap->t = mono_now() - run->t0;
	snap->sent = 0;
	err = bench_read_percpu(run, bpf_map__fd(run->skel->maps.bench_sink_stats),
			  (__u64 *)&snap->sink, sizeof(snap->sink) / 8, buf);
	if (!err)
		err = bench_read_percpu(run, bpf_map__fd(run->skel->maps.bench_hist), snap->hist,
				  BENCH_HIST_BUCKETS, buf);
	if (!err && run->o->method != BENCH_METHOD_PACKET) {
		err = bench_read_percpu(run, bpf_map__fd(run->skel->maps.bench_gen_state),
				  (__u64 *)&gen, sizeof(gen) / 8, buf);
		snap->sent = gen.seq;
	}
	/* Loop: the seeding threads' frames besides the re-arms. */
	if (!err && run->o->method != BENCH_METHOD_LIVE)
		snap->sent += bench_gen_packet_sent(run);
	free(buf);
	return err;
}
