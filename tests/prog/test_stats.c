// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_stats.c - the vnet_stats counters: a per-CPU array, so a reset writes
 * zeros for every possible CPU and a reading sums them. A known mix of
 * frames must leave exactly the counts worked out by hand below, field by
 * field, independently of the model.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "frames.h"
#include "tap.h"
#include "tests.h"

#define V4_LEN		98	/* 14 + 20 + 8 + 56 */
#define V6_LEN		118	/* 14 + 40 + 8 + 56 */
#define ARP_LEN		60
#define V4_3TAG_LEN	110
#define V4_IHL6_LEN	102
#define V6_HBH_LEN	126

struct mix_frame {
	const char *what;
	uint8_t buf[FRAME_MAX];
	size_t len;
};

enum mix_id {
	MIX_V4, MIX_V6, MIX_ARP, MIX_3TAG, MIX_V4_REPLY, MIX_IHL6, MIX_HBH, MIX_MF,
	MIX_LONG, MIX_VER5, MIX_BCAST, MIX_ZERO_SRC, MIX_V6_ZERO_SRC, MIX_TINY, NR_MIX,
};

static void build_mix(struct mix_frame *m)
{
	static const uint8_t arp[46] = { 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01 };
	struct frame_layout lo;
	struct frame_spec fs;
	int i;

	for (i = 0; i < NR_MIX; i++) {
		if (i == MIX_V6 || i == MIX_HBH || i == MIX_V6_ZERO_SRC)
			frame_spec_v6(&fs);
		else
			frame_spec_v4(&fs);
		switch (i) {
		case MIX_ARP:
			fs.family = 0;
			fs.ethertype = 0x0806;
			fs.payload = arp;
			fs.payload_len = sizeof(arp);
			break;
		case MIX_3TAG:
			frame_add_tag(&fs, 0x88A8, 1);
			frame_add_tag(&fs, 0x8100, 2);
			frame_add_tag(&fs, 0x8100, 3);
			break;
		case MIX_V4_REPLY:	fs.type = 0;				break;
		case MIX_IHL6:		fs.ip_opt_len = 4;			break;
		case MIX_HBH:		fs.nr_ext = 1; fs.ext[0] = 0;		break;
		case MIX_MF:		fs.frag = 0x2001;			break;
		case MIX_BCAST:		memset(fs.dst_mac, 0xff, 6);		break;
		case MIX_ZERO_SRC:
		case MIX_V6_ZERO_SRC:	memset(fs.src_mac, 0, 6);		break;
		}
		m[i].len = frame_build(m[i].buf, &fs, &lo);
		if (i == MIX_LONG)
			m[i].buf[lo.l3 + 3]++;			/* tot_len one past the frame */
		if (i == MIX_VER5)
			m[i].buf[lo.l3] = 0x55;
		if (i == MIX_TINY)
			m[i].len = 10;				/* refused by the kernel */
	}
}

struct mix_run {
	enum mix_id frame;
	enum hook hook;
	unsigned int times;
};

static const struct mix_run mix[] = {
	{ MIX_V4,		HOOK_XDP,		3 },
	{ MIX_V6,		HOOK_XDP,		2 },
	{ MIX_ARP,		HOOK_XDP,		1 },
	{ MIX_3TAG,		HOOK_XDP,		1 },
	{ MIX_V4_REPLY,		HOOK_XDP,		1 },
	{ MIX_IHL6,		HOOK_XDP,		1 },
	{ MIX_HBH,		HOOK_XDP,		1 },
	{ MIX_MF,		HOOK_XDP,		1 },
	{ MIX_LONG,		HOOK_XDP,		1 },
	{ MIX_VER5,		HOOK_XDP,		1 },
	{ MIX_BCAST,		HOOK_XDP,		1 },
	{ MIX_ZERO_SRC,		HOOK_XDP,		1 },
	{ MIX_TINY,		HOOK_XDP,		1 },
	{ MIX_V4,		HOOK_TC_INGRESS,	1 },
	{ MIX_V6,		HOOK_TC_INGRESS,	1 },
	{ MIX_ARP,		HOOK_TC_INGRESS,	1 },
	{ MIX_TINY,		HOOK_TC_INGRESS,	1 },
	{ MIX_V4,		HOOK_TC_LOOP,		1 },
	{ MIX_V6_ZERO_SRC,	HOOK_TC_LOOP,		1 },
};

/* Worked out by hand from the table above. */
static const struct vnet_stats mix_want = {
	.rx_packets		= 5 + 3 + 12,
	.rx_bytes		= 5 * V4_LEN + 3 * V6_LEN +			/* replies */
				  2 * ARP_LEN + V4_3TAG_LEN + V4_IHL6_LEN + V6_HBH_LEN +
				  6 * V4_LEN + V6_LEN,				/* passed */
	.echo4			= 5,
	.echo6			= 3,
	.tx_packets		= 8,
	.tx_bytes		= 5 * V4_LEN + 3 * V6_LEN,
	.pass			= 12,
	.pass_non_ip		= 2,
	.pass_vlan_depth	= 1,
	.pass_not_echo		= 1,
	.pass_ip_options	= 1,
	.pass_ipv6_ext		= 1,
	.pass_fragment		= 1,
	.pass_truncated		= 1,
	.pass_malformed		= 1,
	.pass_mcast_dst		= 1,
	.pass_bad_src		= 2,
	.pass_disabled		= 0,
};

static bool mix_lengths_ok(const struct mix_frame *m)
{
	static const size_t want[NR_MIX] = {
		[MIX_V4] = V4_LEN, [MIX_V6] = V6_LEN, [MIX_ARP] = ARP_LEN,
		[MIX_3TAG] = V4_3TAG_LEN, [MIX_V4_REPLY] = V4_LEN, [MIX_IHL6] = V4_IHL6_LEN,
		[MIX_HBH] = V6_HBH_LEN, [MIX_MF] = V4_LEN, [MIX_LONG] = V4_LEN,
		[MIX_VER5] = V4_LEN, [MIX_BCAST] = V4_LEN, [MIX_ZERO_SRC] = V4_LEN,
		[MIX_V6_ZERO_SRC] = V6_LEN, [MIX_TINY] = 10,
	};
	bool ok = true;
	int i;

	for (i = 0; i < NR_MIX; i++) {
		if (m[i].len != want[i]) {
			tap_diag("mix frame %d is %zu bytes, the sums assume %zu", i, m[i].len,
				 want[i]);
			ok = false;
		}
	}
	return ok;
}

static bool t_mix(struct env *env)
{
	static struct mix_frame frames[NR_MIX];
	static struct hook_run r;
	bool ok = true;
	unsigned int n;
	size_t i;
	int err;

	build_mix(frames);
	if (!mix_lengths_ok(frames))
		return false;
	err = stats_reset(&env->vnet);
	if (err) {
		tap_diag("reset: %s", strerror(-err));
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(mix); i++) {
		const struct mix_frame *f = &frames[mix[i].frame];

		for (n = 0; n < mix[i].times; n++) {
			hook_run(&env->vnet, mix[i].hook, f->buf, f->len, &r);
			if (r.err && !hook_refuses(mix[i].hook, f->buf, f->len)) {
				tap_diag("mix frame %d through %s: %s", mix[i].frame,
					 hook_name(mix[i].hook), strerror(-r.err));
				ok = false;
			}
		}
	}
	return expect_stats(&env->vnet, &mix_want, "after the mix") & ok;
}
SUBTEST(t_mix,
	"counters: a known mix through all hooks gives the hand-counted value of every field");

/* The family switches count their requests in pass_disabled, replies as usual. */
static bool t_disabled_counted(struct env *env)
{
	static struct mix_frame frames[NR_MIX];
	static struct hook_run r;
	const struct vnet_stats want = {
		.rx_packets = 3, .rx_bytes = 2 * V4_LEN + V6_LEN, .echo6 = 1,
		.tx_packets = 1, .tx_bytes = V6_LEN, .pass = 2, .pass_disabled = 2,
	};

	build_mix(frames);
	if (stats_reset(&env->no_ipv4))
		return false;
	hook_run(&env->no_ipv4, HOOK_XDP, frames[MIX_V4].buf, frames[MIX_V4].len, &r);
	hook_run(&env->no_ipv4, HOOK_TC_INGRESS, frames[MIX_V4].buf, frames[MIX_V4].len, &r);
	hook_run(&env->no_ipv4, HOOK_TC_LOOP, frames[MIX_V6].buf, frames[MIX_V6].len, &r);
	return expect_stats(&env->no_ipv4, &want, "no_ipv4 instance");
}
SUBTEST(t_disabled_counted,
	"counters: no_ipv4 instance counts pass_disabled, its v6 replies as usual");

static int cpu_in_set(int cpu, const cpu_set_t *set)
{
	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, set);
}

/*
 * A test run executes on the calling CPU: pinned to CPU c, c + 1 requests
 * land in CPU c's slot alone, and the reading adds the slots up.
 */
static bool t_per_cpu(struct env *env)
{
	static struct mix_frame frames[NR_MIX];
	static struct hook_run r;
	struct vnet_stats percpu[nr_cpus], sum;
	unsigned long long want_total = 0;
	bool ran[nr_cpus];
	cpu_set_t orig, one;
	bool ok = true;
	int cpu, used = 0, i;

	build_mix(frames);
	if (sched_getaffinity(0, sizeof(orig), &orig)) {
		tap_diag("sched_getaffinity: %s", strerror(errno));
		return false;
	}
	if (stats_reset(&env->vnet))
		return false;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		ran[cpu] = false;
		if (!cpu_in_set(cpu, &orig))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;	/* offline: its slot must stay zero */
		for (i = 0; i <= cpu; i++)
			hook_run(&env->vnet, HOOK_XDP, frames[MIX_V4].buf, frames[MIX_V4].len, &r);
		ran[cpu] = true;
		want_total += cpu + 1;
		used++;
	}
	sched_setaffinity(0, sizeof(orig), &orig);
	if (stats_read(&env->vnet, &sum, percpu))
		return false;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		unsigned long long want = ran[cpu] ? (unsigned long long)cpu + 1 : 0;

		if (percpu[cpu].rx_packets != want || percpu[cpu].echo4 != want) {
			tap_diag("CPU %d: rx_packets %llu echo4 %llu, want %llu", cpu,
				 (unsigned long long)percpu[cpu].rx_packets,
				 (unsigned long long)percpu[cpu].echo4, want);
			ok = false;
		}
	}
	if (sum.rx_packets != want_total || sum.tx_bytes != want_total * V4_LEN) {
		tap_diag("sum over CPUs: rx_packets %llu tx_bytes %llu, want %llu and %llu",
			 (unsigned long long)sum.rx_packets, (unsigned long long)sum.tx_bytes,
			 want_total, want_total * V4_LEN);
		ok = false;
	}
	if (used < 2)
		tap_diag("only %d CPU usable: the per-CPU split is not exercised", used);
	return ok;
}
SUBTEST(t_per_cpu, "counters: a run on CPU c counts in slot c only, the reading sums the slots");

/* After some traffic on every CPU, a reset leaves each slot zero. */
static bool t_reset(struct env *env)
{
	struct vnet_stats percpu[nr_cpus], sum, zero = {};
	bool ok = true;
	int cpu;

	if (stats_read(&env->vnet, &sum, NULL) || !sum.rx_packets) {
		tap_diag("expected counts left by the previous subtest");
		return false;
	}
	if (stats_reset(&env->vnet) || stats_read(&env->vnet, &sum, percpu))
		return false;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		ok &= stats_match("after reset", &zero, &percpu[cpu]);
	}
	return ok;
}
SUBTEST(t_reset, "counters: reset zeroes the slot of every possible CPU");
