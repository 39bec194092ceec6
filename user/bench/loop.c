// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loop.c - the loop method's seeding threads.
 *
 * In the loop method the sink (bench_sink in bpf/bench.bpf.c, with
 * bench_cfg.lanes set) turns every reply of the run into the next request
 * of its lane and sends it back with XDP_TX, so a window of W requests
 * circulates between the sink and the responder at whatever rate the two
 * sustain, with no user space and no BPF_PROG_RUN per frame. That needs no
 * live frames, which some kernels refuse.
 *
 * User space keeps the window full. Each thread, pinned to its CPU (on a
 * veth the whole loop then runs in that CPU's softirq), owns a share of
 * the lanes: it sends each lane's first request through AF_PACKET, then
 * every LOOP_TICK_S looks at its lanes (bench_lanes, mmap'ed). A lane
 * whose sequence has not moved for a whole tick lost its request - or
 * holds one far slower than a tick - and is re-seeded with its next
 * sequence, taken with the same compare-and-swap the sink uses: if the
 * slow request comes back after all, the sink sees the lane moved on and
 * retires it (a reply, counted, never re-armed), so no sequence is ever
 * sent twice and sent == replies + lost stays exact. A tick is ~100 round
 * trips of a veth pair; a re-seed too early costs one extra request in
 * flight for a moment, nothing in the books.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bench/run.h"

#define LOOP_TICK_S		0.001
#define LOOP_BATCH		64
/* A device that takes no frame for this long ends the run. */
#define LOOP_STUCK_S		1.0

/* Requests lane @l sends in all (with --count), or ~0. */
static __u64 lane_quota(const struct bench_config *cfg, __u32 l)
{
	if (!cfg->loop_count)
		return ~0ULL;
	return cfg->lane_quota + (l < cfg->lane_extra);
}

/* Sends @n built frames, retrying what the device refused. 0 or -errno. */
static int loop_send(struct bench_thread *t, int fd, struct mmsghdr *msgs, __u32 n)
{
	double stuck_since = 0;
	__u32 done = 0;

	while (done < n) {
		int sent = sendmmsg(fd, msgs + done, n - done, 0);

		if (sent < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				return -errno;
			if (!stuck_since)
				stuck_since = mono_now();
			else if (mono_now() - stuck_since > LOOP_STUCK_S)
				return -errno;
			sched_yield();
			continue;
		}
		stuck_since = 0;
		done += sent;
		atomic_fetch_add_explicit(&t->sent, sent, memory_order_relaxed);
	}
	t->t_end = mono_now();	/* the last seed: the send window may end here */
	return 0;
}

struct seeder {
	struct bench_thread *t;
	int fd;
	size_t len;
	__u32 first, end;	/* this thread's lanes */
	__u64 *last;		/* each lane's sequence at the previous look */
	__u8 *frames;
	struct mmsghdr msgs[LOOP_BATCH];
	struct iovec iov[LOOP_BATCH];
	__u32 n;		/* frames built, not yet sent */
};

static int seeder_flush(struct seeder *sd)
{
	int err = 0;

	if (sd->n)
		err = loop_send(sd->t, sd->fd, sd->msgs, sd->n);
	sd->n = 0;
	return err;
}

/* Queues the request of sequence @seq (already taken for its lane). */
static int seeder_add(struct seeder *sd, __u64 seq)
{
	const struct bench_run *run = sd->t->run;

	bench_frame_build(&run->cfg, sd->frames + sd->n * sd->len, seq, seq,
			  (__u64)(mono_now() * 1e9));
	if (++sd->n == LOOP_BATCH)
		return seeder_flush(sd);
	return 0;
}

/*
 * One look at every lane: re-seeds the lanes that stood still since the
 * last look and have requests left. *live: lanes that still have some.
 */
static int seeder_tick(struct seeder *sd, unsigned int *live)
{
	struct bench_run *run = sd->t->run;
	__u32 shift = run->cfg.lane_shift;
	int err;

	*live = 0;
	for (__u32 l = sd->first; l < sd->end; l++) {
		__u64 cur = __atomic_load_n(&run->lanes[l], __ATOMIC_ACQUIRE);
		__u64 next = cur + run->cfg.lanes;

		if ((next >> shift) >= lane_quota(&run->cfg, l))
			continue;	/* its last request is out: nothing to re-seed */
		(*live)++;
		if (cur != sd->last[l]) {
			sd->last[l] = cur;
			continue;
		}
		if (!__atomic_compare_exchange_n(&run->lanes[l], &cur, next, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			sd->last[l] = cur;	/* it moved after all */
			continue;
		}
		sd->last[l] = next;
		err = seeder_add(sd, next);
		if (err)
			return err;
	}
	return seeder_flush(sd);
}

/* This thread's lanes: W split evenly, the first threads one more. */
static void seeder_lanes(const struct bench_opts *o, unsigned int i, __u32 *first, __u32 *end)
{
	__u32 per = o->window / o->threads, extra = o->window % o->threads;

	*first = i * per + (i < extra ? i : extra);
	*end = *first + per + (i < extra);
}

void *bench_loop_thread(void *arg)
{
	struct bench_thread *t = arg;
	struct bench_run *run = t->run;
	struct seeder sd = { .t = t, .fd = -1, .len = run->cfg.frame_len };
	unsigned int live = 1;

	t->err = bench_pin_cpu(t->cpu);
	if (t->err)
		goto out;
	sd.fd = bench_packet_socket(run);
	if (sd.fd < 0) {
		t->err = sd.fd;
		goto out;
	}
	seeder_lanes(run->o, t->slot, &sd.first, &sd.end);
	sd.frames = malloc(LOOP_BATCH * sd.len);
	sd.last = calloc(run->cfg.lanes, sizeof(*sd.last));
	if (!sd.frames || !sd.last) {
		t->err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < LOOP_BATCH; i++) {
		sd.iov[i].iov_base = sd.frames + i * sd.len;
		sd.iov[i].iov_len = sd.len;
		sd.msgs[i].msg_hdr.msg_iov = &sd.iov[i];
		sd.msgs[i].msg_hdr.msg_iovlen = 1;
	}

	/* Every lane starts at its own number (bench_load set it). */
	for (__u32 l = sd.first; l < sd.end && !t->err; l++) {
		sd.last[l] = l;
		t->err = seeder_add(&sd, l);
	}
	if (!t->err)
		t->err = seeder_flush(&sd);
	while (!t->err && live && !atomic_load_explicit(&run->stop, memory_order_relaxed)) {
		mono_sleep(LOOP_TICK_S);
		t->err = seeder_tick(&sd, &live);
	}
out:
	free(sd.last);
	free(sd.frames);
	if (sd.fd >= 0)
		close(sd.fd);
	return NULL;
}
