// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_delay.c - delay= (bpf/delay.h): the departure time tc ingress gives
 * an echo reply of a prefix with a delay, as BPF_PROG_TEST_RUN hands back
 * the skb's tstamp in its context. The frames themselves are the echo
 * replies test_hops.c and the model check; here: the stamp is
 * CLOCK_MONOTONIC now + the delay (+- the jitter, and both ends of the
 * jitter drawn), `delayed` counts each one, and neither XDP nor the
 * loopback hook (whose replies no qdisc holds) stamps anything.
 *
 * The prefix goes into the trie directly (the model knows nothing of
 * delays, so expect_frame() is not used) and is taken out again.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "frames.h"
#include "tap.h"
#include "tests.h"

#define TC_ACT_REDIRECT	7
#define XDP_TX		3
#define MS		1000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 198.18.4.0/22 with @delay_us/@jitter_us, count 1; or (delay_us 0) none. */
static int delay_prefix(struct vnet_inst *in, __u32 delay_us, __u32 jitter_us)
{
	struct vnet_prefix4_key key = { .prefixlen = 22, .addr = { 198, 18, 4, 0 } };
	struct vnet_prefix_attr attr = {
		.flags = VNET_ATTR_DELAY, .delay_us = delay_us, .jitter_us = jitter_us,
	};

	if (!delay_us) {
		inst_set_count(in, 0);
		return bpf_map_delete_elem(in->prefix4_fd, &key) ? -errno : 0;
	}
	if (bpf_map_update_elem(in->prefix4_fd, &key, &attr, BPF_ANY))
		return -errno;
	return inst_set_count(in, 1);
}

/* One run of @h on @frame; *@tstamp is the skb's tstamp after it (tc). */
static int run_stamp(const struct vnet_inst *in, enum hook h, const uint8_t *frame, size_t len,
		     uint32_t *retval, uint64_t *tstamp)
{
	struct __sk_buff ctx_in = {}, ctx_out = {};
	uint8_t out[FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = 1,
	);

	if (h != HOOK_XDP) {
		opts.ctx_in = &ctx_in;
		opts.ctx_size_in = sizeof(ctx_in);
		opts.ctx_out = &ctx_out;
		opts.ctx_size_out = sizeof(ctx_out);
	}
	if (bpf_prog_test_run_opts(in->prog_fd[h], &opts))
		return -errno;
	*retval = opts.retval;
	*tstamp = ctx_out.tstamp;
	return 0;
}

static bool t_stamp(struct env *env)
{
	struct vnet_inst *in = &env->subnet;
	struct vnet_stats before, after;
	struct frame_layout lo;
	struct frame_spec fs;
	uint8_t frame[FRAME_MAX];
	uint64_t t0, t1, ts, lo_d = UINT64_MAX, hi_d = 0;
	uint32_t ret;
	unsigned int n = 200;
	bool ok = true;
	int err;

	frame_spec_v4(&fs);
	fs.dst_ip[2] = 5;
	fs.dst_ip[3] = 5;
	frame_build(frame, &fs, &lo);
	if (delay_prefix(in, 50000, 0) || stats_read(in, &before, NULL))
		return false;

	/* delay=50: now + 50 ms, as the kernel's monotonic clock reads it. */
	t0 = mono_ns();
	err = run_stamp(in, HOOK_TC_INGRESS, frame, lo.len, &ret, &ts);
	t1 = mono_ns();
	if (err || ret != TC_ACT_REDIRECT || ts < t0 + 50 * MS || ts > t1 + 50 * MS) {
		tap_diag("delay=50, tc ingress: err %d, retval %u, tstamp %llu, want %llu..%llu",
			 err, ret, (unsigned long long)ts, (unsigned long long)(t0 + 50 * MS),
			 (unsigned long long)(t1 + 50 * MS));
		ok = false;
	}
	/* Neither XDP (which vnetctl refuses anyway) nor loopback stamps. */
	err = run_stamp(in, HOOK_TC_LOOP, frame, lo.len, &ret, &ts);
	if (err || ret != TC_ACT_REDIRECT || ts) {
		tap_diag("delay=50, loopback: err %d, retval %u, tstamp %llu (want 0)", err, ret,
			 (unsigned long long)ts);
		ok = false;
	}
	err = run_stamp(in, HOOK_XDP, frame, lo.len, &ret, &ts);
	if (err || ret != XDP_TX) {
		tap_diag("delay=50, XDP: err %d, retval %u (want XDP_TX)", err, ret);
		ok = false;
	}

	/*
	 * delay=50/10: every stamp within now + 40..60 ms, and the draws
	 * reach both ends' outer fifths (each missed with 0.8^200).
	 */
	if (delay_prefix(in, 50000, 10000))
		return false;
	for (unsigned int i = 0; i < n; i++) {
		t0 = mono_ns();
		err = run_stamp(in, HOOK_TC_INGRESS, frame, lo.len, &ret, &ts);
		t1 = mono_ns();
		if (err || ret != TC_ACT_REDIRECT || ts < t0 + 40 * MS || ts > t1 + 60 * MS) {
			tap_diag("delay=50/10, run %u: err %d, retval %u, tstamp %lld ns from now",
				 i, err, ret, (long long)(ts - t0));
			ok = false;
			break;
		}
		if (ts - t1 < lo_d)
			lo_d = ts - t1;
		if (ts - t0 > hi_d)
			hi_d = ts - t0;
	}
	if (ok && (lo_d > 44 * MS || hi_d < 56 * MS)) {
		tap_diag("delay=50/10: %u draws spanned only %.3f..%.3f ms", n, lo_d / 1e6,
			 hi_d / 1e6);
		ok = false;
	}
	if (stats_read(in, &after, NULL))
		return false;
	if (after.delayed - before.delayed != n + 1) {
		tap_diag("delayed rose by %llu, want %u (tc ingress only)",
			 (unsigned long long)(after.delayed - before.delayed), n + 1);
		ok = false;
	}
	return delay_prefix(in, 0, 0) == 0 && ok;
}
SUBTEST(t_stamp,
	"delay: tc ingress stamps now + delay (+- jitter), counted; XDP and loopback do not");
