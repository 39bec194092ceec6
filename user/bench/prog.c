// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prog.c - the bench skeleton: configure and load it, put its sink on
 * IFACE for the run (and take exactly that off again), map the loop's
 * lanes, and read its per-CPU maps. The lowest part of the bench: the
 * sending threads (gen.c, loop.c) and the report build on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench/run.h"
#include "cmd/cmd.h"
#include "core/find.h"
#include "core/hook.h"
#include "lib/log.h"
#include "bench.skel.h"

/* The bitmap's ceiling: 64 MiB of kernel memory, 2^29 sequences in all. */
#define SEEN_MAX_BITS		(1ULL << 29)
/* No core here sends this many requests per second: a safe bitmap bound. */
#define GEN_MAX_PPS_PER_THREAD	25e6

/* Through the attachment model's find: vnet's own program or anyone's. */
int bench_check_iface_free(struct bench_run *run)
{
	const struct vnet_foreign *other;
	const struct vnet_att *att;
	struct vnet_found found;
	int err;

	err = vnet_find(run->o->ifindex, &found);
	if (err) {
		log_err_sys(err, "%s: cannot query its XDP programs", run->o->ifname);
		goto out;
	}
	att = vnet_found_att(&found, VNET_MODE_NATIVE, VNET_VIA_DIRECT);
	if (!att)
		att = vnet_found_att(&found, VNET_MODE_GENERIC, VNET_VIA_DIRECT);
	/* In libxdp's dispatcher, vnet shares the hook the sink needs whole. */
	if (!att)
		att = vnet_found_att(&found, VNET_MODE_NATIVE, VNET_VIA_LIBXDP);
	if (!att)
		att = vnet_found_att(&found, VNET_MODE_GENERIC, VNET_VIA_LIBXDP);
	other = vnet_found_foreign_xdp(&found);
	if (att || other) {
		log_err("%s: already has an XDP program (id %u, %s); the bench sink needs the hook: detach it first",
			run->o->ifname, att ? att->prog_id : other->prog_id,
			att ? att->prog_name : other->prog_name[0] ? other->prog_name : "unnamed");
		err = -EBUSY;
	}
out:
	vnet_found_release(&found);
	return err;
}

/*
 * The loop's lanes (bench.shared.h): W rounded up to a power of two, and each
 * lane's share of --count.
 */
static void loop_config(const struct bench_opts *o, struct bench_config *cfg)
{
	cfg->lane_shift = 0;
	while ((1U << cfg->lane_shift) < o->window)
		cfg->lane_shift++;
	cfg->lanes = 1U << cfg->lane_shift;
	cfg->loop_count = o->count;
	cfg->lane_quota = o->count / o->window;
	cfg->lane_extra = (__u32)(o->count % o->window);
}

/*
 * Lane l's k-th request has sequence l + k * lanes: with --count the
 * highest is below (N / W + 1) * lanes; a duration bounds k by what the
 * whole window could send (at most what one core could), per lane.
 */
static __u64 loop_seen_bits(const struct bench_opts *o, const struct bench_config *cfg)
{
	double lanes = cfg->lanes, bits;

	if (o->count)
		bits = (double)(o->count / o->window + 1) * lanes;
	else
		bits = GEN_MAX_PPS_PER_THREAD * o->duration * lanes / o->window;
	if (bits > (double)SEEN_MAX_BITS)
		bits = (double)SEEN_MAX_BITS;
	return ((__u64)bits + 63) & ~63ULL;
}

/* Maps the lanes for the seeding threads; lane l starts at sequence l. */
static int loop_lanes_map(struct bench_run *run, struct bench *skel)
{
	size_t len = (size_t)run->cfg.lanes * sizeof(__u64);
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(skel->maps.bench_lanes), 0);
	if (p == MAP_FAILED)
		return -errno;
	run->lanes = p;
	run->lanes_len = len;
	for (__u32 l = 0; l < run->cfg.lanes; l++)
		run->lanes[l] = l;
	return 0;
}

/*
 * Bits per slot: a count splits over the threads; a duration bounds the
 * sequences by the rate (or by what a core could ever send), capped.
 */
static __u64 seen_slot_bits(const struct bench_opts *o, const struct bench_config *cfg,
			    unsigned int slots)
{
	double per_slot;
	__u64 bits;

	if (o->method == BENCH_METHOD_LOOP)
		return loop_seen_bits(o, cfg);	/* after loop_config() */
	if (o->count)
		per_slot = (double)(o->count / o->threads + 1);
	else if (o->rate > 0)
		per_slot = o->rate / o->threads * o->duration * 1.25 + 4096;
	else
		per_slot = GEN_MAX_PPS_PER_THREAD * o->duration;
	bits = per_slot > (double)SEEN_MAX_BITS ? SEEN_MAX_BITS : (__u64)per_slot;
	bits = (bits + 63) & ~63ULL;
	if (bits * slots > SEEN_MAX_BITS)
		bits = (SEEN_MAX_BITS / slots) & ~63ULL;
	return bits ? bits : 64;
}

int bench_load(struct bench_run *run)
{
	const struct bench_opts *o = run->o;
	bool loop = o->method == BENCH_METHOD_LOOP;
	struct bench *skel;
	unsigned int slots = loop ? 1 : o->threads;
	int err;

	if (loop)
		loop_config(o, &run->cfg);
	skel = bench__open();
	if (!skel) {
		err = -errno;
		log_err_sys(err, "cannot open the bench programs");
		return err;
	}
	run->cfg.slot_bits = seen_slot_bits(o, &run->cfg, slots);
	run->seen_bits = run->cfg.slot_bits * slots;
	skel->rodata->bench_cfg = run->cfg;
	err = bpf_map__set_max_entries(skel->maps.bench_seen,
				       (__u32)(run->seen_bits / 64));
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.bench_lanes,
					       loop ? run->cfg.lanes : 1);
	if (err)
		goto err_destroy;
	log_libbpf_reset();
	err = bench__load(skel);
	if (err) {
		if (log_verifier_rejected())
			log_err("%s: the kernel's verifier rejected the bench programs (rerun with -v for its log)",
				o->ifname);
		else
			log_err_sys(err, "cannot load the bench programs");
		goto err_destroy_quiet;
	}

	if (loop) {
		err = loop_lanes_map(run, skel);
		if (err)
			goto err_destroy;
	}
	run->skel = skel;
	run->gen_fd = bpf_program__fd(skel->progs.bench_gen);
	return 0;

err_destroy:
	log_err_sys(err, "cannot set up the bench programs");
err_destroy_quiet:
	bench__destroy(skel);
	return err;
}

/*
 * The send window the program stamped: live, first request to last on
 * any CPU (the threads' start-up and the tail of their last call left
 * out); loop, from the first seed (t0) to the last re-arm or seed. 0 when
 * nothing was stamped.
 */
double bench_send_window(struct bench_run *run)
{
	struct bench_gen_state *st;
	__u64 first = ~0ULL, last = 0;
	__u32 key = 0;

	if (run->o->method == BENCH_METHOD_PACKET)
		return 0;
	st = calloc(run->nr_cpus, sizeof(*st));
	if (!st)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(run->skel->maps.bench_gen_state), &key, st)) {
		for (int c = 0; c < run->nr_cpus; c++) {
			if (!st[c].seq || !st[c].first_ns)
				continue;
			if (st[c].first_ns < first)
				first = st[c].first_ns;
			if (st[c].last_ns > last)
				last = st[c].last_ns;
		}
	}
	free(st);
	if (run->o->method == BENCH_METHOD_LOOP && last) {
		/* Seeds are not stamped here: they began at t0 and may end last. */
		first = (__u64)(run->t0 * 1e9);
		if ((__u64)(run->t_send_end * 1e9) > last)
			last = (__u64)(run->t_send_end * 1e9);
	}
	return last > first ? (last - first) / 1e9 : 0;
}

/* Native where the driver has it, else generic; through hook.c as attach does. */
int bench_sink_attach(struct bench_run *run)
{
	int fd = bpf_program__fd(run->skel->progs.bench_sink);
	int err;

	run->sink_mode = VNET_MODE_NATIVE;
	err = hook_xdp_attach(run->o->ifindex, run->sink_mode, fd, -1);
	if (err == -EOPNOTSUPP || err == -EINVAL) {
		log_note("%s: no native XDP (%s): the sink runs in generic mode",
			 run->o->ifname, strerror(-err));
		run->sink_mode = VNET_MODE_GENERIC;
		err = hook_xdp_attach(run->o->ifindex, run->sink_mode, fd, -1);
	}
	if (err) {
		if (err == -EBUSY || err == -EEXIST)
			log_err("%s: an XDP program appeared on it meanwhile; not replacing it",
				run->o->ifname);
		else
			log_err_sys(err, "%s: cannot attach the bench sink", run->o->ifname);
		return err;
	}
	run->sink_attached = true;
	return 0;
}

/* Only our program: hook_xdp_detach() fails if someone swapped it. */
void bench_sink_detach(struct bench_run *run)
{
	int err;

	if (!run->sink_attached)
		return;
	err = hook_xdp_detach(run->o->ifindex, run->sink_mode,
			      bpf_program__fd(run->skel->progs.bench_sink));
	/* The interface went away, and the program with it. */
	if (err && err != -ENODEV)
		log_err_sys(err, "%s: cannot detach the bench sink", run->o->ifname);
	run->sink_attached = false;
}

void bench_unload(struct bench_run *run)
{
	if (run->lanes)
		munmap((void *)run->lanes, run->lanes_len);
	run->lanes = NULL;
	bench__destroy(run->skel);
	run->skel = NULL;
}

/* Sums of the per-CPU values; @nr is the element size in u64s. */
int bench_read_percpu(struct bench_run *run, int map_fd, __u64 *sum, size_t nr, __u64 *buf)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(map_fd, &key, buf))
		return -errno;
	memset(sum, 0, nr * sizeof(*sum));
	for (int c = 0; c < run->nr_cpus; c++)
		for (size_t i = 0; i < nr; i++)
			sum[i] += buf[c * nr + i];
	return 0;
}
