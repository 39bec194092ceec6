// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * micro.c - what one frame costs the reflector, measured with
 * BPF_PROG_TEST_RUN: vnet_xdp against the bare MAC-swap bounce
 * (bench_bounce, bpf/bounce.bpf.c) on the very same frame, and the extra
 * cost of each feature (IPv6, one and two VLAN tags, --respond prefixes,
 * rate limiting with a limit never reached), so regressions show.
 *
 *   bench/micro [-R REPEAT] [-r RUNS] [-c CALLS] [--cpu N] [-o FILE.json] [-j]
 *
 * THE METHOD, and why. The kernel's test run (net/bpf/test_run.c,
 * bpf_test_run()) copies data_in into one buffer, runs the program `repeat`
 * times on that buffer without restoring it, and copies data_out once at
 * the end. The reflector rewrites the frame in place, so with repeat > 1 only
 * the first run answers a request: every later run sees the echo reply it
 * just made and hands it on (NOT_ECHO) - it does not even alternate. A plain
 * large repeat would time the parse-and-pass path under the reply path's
 * name. A MAC swap, by contrast, does the same work every time.
 *
 * Hot (the table's main columns): the runs go through bench_rearm
 * (bpf/bounce.bpf.c), which turns the frame back into an echo request (type
 * byte and checksum) and tail-calls the program under test, so every one of
 * REPEAT runs is a full answer - checked: vnet_xdp's own tx_packets counter
 * must rise by exactly the number of runs. The same chain is timed in front
 * of vnet_xdp, bench_bounce and the do-nothing vnet_xdp_pass; chain(X) -
 * chain(pass) is X's own work ("net"). Per packet = the dispatch a program
 * costs in that loop anyway (vnet_xdp_pass alone, in place) + net: what
 * BPF_PROG_TEST_RUN would report for the program if the frame were fresh on
 * every run. The kernel reports whole ns per run (time / runs, rounded
 * down; time spent rescheduled excluded), so figures are +-1 ns.
 *
 * Cold (for comparison): many test runs with repeat = 1, each on a fresh
 * copy of the request; the kernel's duration then includes its timer reads
 * and, more to the point, a program whose code and maps went cold during
 * the syscall. Mean per call, gross and minus vnet_xdp_pass.
 *
 * Programs are interleaved run by run so drift hits all of them alike; hot
 * figures are the minimum over RUNS runs (noise only adds), cold ones the
 * median.
 *
 * Exit: 0 done (targets are reported, not enforced), 1 runtime error or a
 * feature row that failed (its row says why, the others are measured), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/opt.h"
#include "lib/csum.h"
#include "lib/parse.h"
#include "vnet.shared.h"
#include "vnet.skel.h"
#include "bounce.skel.h"
#include "xdp_pass.skel.h"

#define TARGET_RATIO	1.3	/* the target: vnet <= 1.3 x bounce */
#define MAX_RUNS	101
#define FRAME_LEN_MAX	256
#define XDP_TX_RET	3

/* Addresses: 198.18.0.0/15 and 2001:db8::/32 only. */
static const uint8_t mac_reflector[6] = { 0x02, 0x76, 0x6e, 0x65, 0x74, 0x01 };
static const uint8_t mac_client[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t ip4_client[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_reflector[4] = { 198, 18, 0, 2 };
static const uint8_t ip6_client[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_reflector[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* What a row changes, relative to an untagged IPv4 echo request. */
enum feature {
	F_NONE,
	F_PREFIXES,		/* --respond: prefixes in the tries, state count set */
	F_RATELIMIT,		/* per-source and global limits, never reached */
};

struct row {
	const char *name;
	int family;		/* 4 or 6 */
	int tags;		/* VLAN tags in the frame: 0, 1 (802.1Q), 2 (802.1ad + 802.1Q) */
	enum feature feature;
	/* results, ns */
	bool skipped;		/* not measured: see note */
	bool failed;		/* ... because the feature did not work */
	char note[160];
	size_t frame_len;
	double dispatch;				/* vnet_xdp_pass alone, in place */
	double chain_pass, chain_bounce, chain_vnet;	/* behind bench_rearm, in place */
	double net_vnet, net_bounce;			/* chain(X) - chain(pass) */
	double cold_vnet, cold_bounce, cold_pass;	/* one fresh frame per call */
	double spread_vnet;				/* median - minimum of chain(vnet) */
	unsigned int insns;	/* vnet_xdp as verified for the row (xlated) */
};

static struct row rows[] = {
	{ .name = "IPv4 echo request", .family = 4 },
	{ .name = "IPv6 echo request", .family = 6 },
	{ .name = "IPv4, one VLAN tag", .family = 4, .tags = 1 },
	{ .name = "IPv4, two VLAN tags (QinQ)", .family = 4, .tags = 2 },
	{ .name = "IPv4, --respond prefixes set", .family = 4, .feature = F_PREFIXES },
	{ .name = "IPv4, rate limits on, never reached", .family = 4, .feature = F_RATELIMIT },
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

/* How many prefixes per family the --respond row puts in the tries. */
#define NR_PREFIXES	16

struct opts {
	unsigned int calls;	/* test runs (repeat = 1) per measurement */
	unsigned int runs;	/* measurements per figure; the median is kept */
	unsigned int repeat;	/* in-place cross-check */
	int cpu;
	const char *json_path;
	bool json_stdout;
};

static const struct opt micro_opts[] = {
	{ .name = "repeat", .key = 'R', .type = OPT_UINT, OPT_AT(struct opts, repeat), .min = 1000,
	  .max = UINT_MAX, .arg = "N", .bad = "bad --repeat '%s': 1000 or more",
	  .help = "runs per hot measurement (default 200000)" },
	{ .name = "runs", .key = 'r', .type = OPT_UINT, OPT_AT(struct opts, runs), .min = 1,
	  .max = MAX_RUNS, .arg = "N", .bad = "bad --runs '%s': 1 to 101",
	  .help = "measurements per figure (default 21, max 101): the minimum of\n"
		  "the hot ones is kept, the median of the cold ones" },
	{ .name = "calls", .key = 'c', .type = OPT_UINT, OPT_AT(struct opts, calls), .min = 1,
	  .max = 100000000, .arg = "N", .bad = "bad --calls '%s': 1 to 100000000",
	  .help = "one-packet calls per cold measurement (default 50000)" },
	{ .name = "cpu", .type = OPT_UINT, OPT_AT(struct opts, cpu), .max = CPU_SETSIZE - 1,
	  .arg = "N", .bad = "bad --cpu '%s': a CPU number", .help = "pin to CPU N (default 0)" },
	{ .name = "output", .key = 'o', .type = OPT_STRING, OPT_AT(struct opts, json_path),
	  .arg = "F", .help = "also write the results as JSON to F" },
	{ .name = "json", .key = 'j', .type = OPT_FLAG, OPT_AT(struct opts, json_stdout),
	  .help = "JSON on stdout instead of the table" },
	OPT_END
};

_Static_assert(MAX_RUNS == 101, "--runs' help and error quote 101");

static int parse_opts(int argc, char **argv, struct opts *o)
{
	char err[OPT_ERR_MAX];
	opt_seen_t seen;
	int rc;

	*o = (struct opts){ .calls = 50000, .runs = 21, .repeat = 200000, .cpu = 0 };
	rc = opt_parse(micro_opts, o, argc, argv, &seen, err);
	if (rc == OPT_HELP) {
		opt_synopsis(stdout, fprintf(stdout, "Usage: "), "bench/micro", NULL, micro_opts);
		fputs("  BPF_PROG_TEST_RUN ns/packet of vnet_xdp against bench_bounce on the same\n"
		      "  frame, and the cost of each feature. Root (or CAP_BPF + CAP_NET_ADMIN).\n",
		      stdout);
		opt_help(stdout, micro_opts, 19);
		exit(0);
	}
	if (!rc && optind < argc)
		snprintf(err, sizeof(err), "unexpected argument '%s'", log_arg(argv[optind]));
	if (rc || optind < argc) {
		fprintf(stderr, "micro: %s (see --help)\n", err);
		return -1;
	}
	return 0;
}

/* ---- frames ------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xFF;
}

/* The checksum of a memory-order sum (user/lib/csum.h), stored as it is. */
static void store_csum(uint8_t *p, uint64_t sum)
{
	uint16_t c = ~csum_fold(sum);

	memcpy(p, &c, 2);
}

/*
 * An echo request from the client to the reflector with correct checksums:
 * 22 bytes of payload, so the untagged IPv4 frame is the classic 64 bytes.
 * Returns the frame's length; *l4 is where the ICMP header starts.
 */
static size_t build_frame(uint8_t *f, int family, int tags, size_t *l4)
{
	static const unsigned int payload_len = 22;
	size_t off = 12, ip, icmp, icmp_len = 8 + payload_len;

	memset(f, 0, FRAME_LEN_MAX);
	memcpy(f, mac_reflector, 6);
	memcpy(f + 6, mac_client, 6);
	if (tags == 2) {
		put16(f + off, 0x88A8);		/* service tag outside */
		put16(f + off + 2, 100);
		off += 4;
	}
	if (tags >= 1) {
		put16(f + off, 0x8100);
		put16(f + off + 2, 200);
		off += 4;
	}
	put16(f + off, family == 4 ? 0x0800 : 0x86DD);
	ip = off + 2;

	if (family == 4) {
		f[ip] = 0x45;
		put16(f + ip + 2, 20 + icmp_len);
		put16(f + ip + 4, 0x1234);	/* id */
		f[ip + 8] = 64;			/* ttl */
		f[ip + 9] = 1;			/* ICMP */
		memcpy(f + ip + 12, ip4_client, 4);
		memcpy(f + ip + 16, ip4_reflector, 4);
		store_csum(f + ip + 10, csum_add(0, f + ip, 20));
		icmp = ip + 20;
		f[icmp] = 8;
	} else {
		f[ip] = 0x60;
		put16(f + ip + 4, icmp_len);
		f[ip + 6] = 58;			/* ICMPv6 */
		f[ip + 7] = 64;			/* hop limit */
		memcpy(f + ip + 8, ip6_client, 16);
		memcpy(f + ip + 24, ip6_reflector, 16);
		icmp = ip + 40;
		f[icmp] = 128;
	}
	put16(f + icmp + 4, 0x4242);		/* identifier */
	put16(f + icmp + 6, 1);			/* sequence */
	for (unsigned int i = 0; i < payload_len; i++)
		f[icmp + 8 + i] = 0xA0 + i;	/* never all zero: no zero-sum scan */

	uint64_t sum = csum_add(0, f + icmp, icmp_len);

	if (family == 6) {
		uint8_t len_nh[8] = { 0, 0, 0, 0, 0, 0, 0, 58 };

		len_nh[2] = icmp_len >> 8;
		len_nh[3] = icmp_len & 0xFF;
		sum = csum_add(sum, f + ip + 8, 32);
		sum = csum_add(sum, len_nh, sizeof(len_nh));
	}
	store_csum(f + icmp + 2, sum);
	*l4 = icmp;
	return icmp + icmp_len;
}

/* ---- running programs --------------------------------------------------- */

static int test_run(int prog_fd, const uint8_t *frame, size_t len, unsigned int repeat,
		    uint8_t *out, uint32_t *out_len, uint32_t *retval, uint32_t *duration)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = frame,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out ? *out_len : 0,
		.repeat = repeat,
	);
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &o);
	if (err)
		return -errno;
	if (out)
		*out_len = o.data_size_out;
	*retval = o.retval;
	*duration = o.duration;
	return 0;
}

/* Mean ns of CALLS one-packet test runs, each on a fresh copy of the frame. */
static int mean_fresh(int prog_fd, const uint8_t *frame, size_t len, unsigned int calls,
		      double *mean)
{
	uint64_t total = 0;
	uint32_t ret, dur = 0;
	int err;

	for (unsigned int i = 0; i < calls; i++) {
		err = test_run(prog_fd, frame, len, 1, NULL, NULL, &ret, &dur);
		if (err)
			return err;
		total += dur;
	}
	*mean = (double)total / calls;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The hot figures keep the minimum: interrupts, other tasks and their cache
 * traffic only ever add time, and on a shared machine the median drifts
 * with the load while the minimum stays put.
 */
static double minimum(const double *v, unsigned int n)
{
	double m = v[0];

	for (unsigned int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * vnet_xdp must answer this frame: XDP_TX, and an echo reply of the right
 * family in data_out. Without this check a broken configuration would
 * time the pass path and look fast.
 */
static int check_answers(int prog_fd, const uint8_t *frame, size_t len, size_t l4,
			 int family, char *why, size_t why_len)
{
	uint8_t out[FRAME_LEN_MAX];
	uint32_t out_len = sizeof(out), ret = 0, dur = 0;
	int err;

	err = test_run(prog_fd, frame, len, 1, out, &out_len, &ret, &dur);
	if (err) {
		snprintf(why, why_len, "test run failed: %s", strerror(-err));
		return -1;
	}
	if (ret != XDP_TX_RET || out_len != len ||
	    out[l4] != (family == 4 ? 0 : 129) || memcmp(out, mac_client, 6)) {
		snprintf(why, why_len, "vnet_xdp did not answer (retval %u, type %u)",
			 ret, out_len > l4 ? out[l4] : 0);
		return -1;
	}
	return 0;
}

/* ---- vnet configurations ------------------------------------------------ */

/*
 * The --respond tries: NR_PREFIXES /24s per family out of 198.18.0.0/15 and
 * 2001:db8::/32, one of them holding the frame's destination, then the
 * count in vnet_state. Written against the map names in vnet.shared.h and the sizes
 * the object declares, so it works whatever the value types turn out to be.
 */
static int fill_prefixes(struct vnet *skel, char *why, size_t why_len)
{
	struct vnet_state state = { .nr_prefixes = 2 * NR_PREFIXES };
	struct vnet_prefix_attr one = {};	/* plain prefixes: no hops */
	uint32_t key0 = 0;
	int err = 0;

	for (int i = 0; i < NR_PREFIXES && !err; i++) {
		struct vnet_prefix4_key k4 = { .prefixlen = 24, .addr = { 198, 18, i * 8, 0 } };
		struct vnet_prefix6_key k6 = { .prefixlen = 48,
			.addr = { 0x20, 0x01, 0x0d, 0xb8, 0, i * 8 } };

		err = bpf_map__update_elem(skel->maps.vnet_prefix4, &k4, sizeof(k4), &one,
					   sizeof(one), BPF_ANY);
		if (!err)
			err = bpf_map__update_elem(skel->maps.vnet_prefix6, &k6, sizeof(k6), &one,
						   sizeof(one), BPF_ANY);
	}
	if (err) {
		snprintf(why, why_len, "cannot fill the prefix tries: %s", strerror(-err));
		return -1;
	}
	/* As vnetctl does: the prefixes first, then the count that enables them. */
	err = bpf_map__update_elem(skel->maps.data_state, &key0, sizeof(key0), &state,
				   sizeof(state), BPF_ANY);
	if (err) {
		snprintf(why, why_len, "cannot set %s: %s", VNET_STATE_MAP, strerror(-err));
		return -1;
	}
	return 0;
}

/*
 * A vnet_xdp configured for ROW, loaded. Returns 0, or -1 with a note.
 */
static int vnet_open_row(const struct row *r, struct vnet **out, char *why, size_t why_len)
{
	struct vnet *skel;
	int err;

	skel = vnet__open();
	if (!skel) {
		snprintf(why, why_len, "cannot open vnet_xdp: %s", strerror(errno));
		return -1;
	}
	/*
	 * What attach sets in native, generic and tc mode: answer only frames
	 * to the interface's own MAC (the frame's, here), so every row pays
	 * for that check as a real attachment does.
	 */
	memcpy(&skel->rodata->vnet_cfg.dst_mac16, mac_reflector, 2);
	memcpy(&skel->rodata->vnet_cfg.dst_mac32, mac_reflector + 2, 4);
	skel->rodata->vnet_cfg.dst_mac_on = 1;
	if (r->feature == F_RATELIMIT) {
		/* Limits no test run can reach: the limiter runs, never refuses. */
		skel->rodata->vnet_cfg.rate_per_source = UINT32_MAX;
		skel->rodata->vnet_cfg.rate_global = UINT32_MAX;
	}
	err = vnet__load(skel);
	if (err) {
		snprintf(why, why_len, "cannot load vnet_xdp: %s", strerror(-err));
		err = -1;
		goto err_destroy;
	}
	if (r->feature == F_PREFIXES) {
		err = fill_prefixes(skel, why, why_len);
		if (err)
			goto err_destroy;
	}
	*out = skel;
	return 0;

err_destroy:
	vnet__destroy(skel);
	return err;
}

/* ---- one row ------------------------------------------------------------ */

/* vnet_xdp's tx_packets, summed over the CPUs. */
static int vnet_tx_total(struct vnet *skel, uint64_t *total)
{
	int ncpu = libbpf_num_possible_cpus(), err;
	struct vnet_stats *v;
	uint32_t key = 0;

	if (ncpu < 1)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = bpf_map__lookup_elem(skel->maps.vnet_stats, &key, sizeof(key), v,
				   ncpu * sizeof(*v), 0);
	*total = 0;
	for (int i = 0; !err && i < ncpu; i++)
		*total += v[i].tx_packets;
	free(v);
	return err;
}

/* One in-place test run of bench_rearm with CALLEE in its slot: ns per run. */
static int chain_run(struct bounce *rearm, int callee_fd, const uint8_t *frame, size_t len,
		     unsigned int repeat, double *ns)
{
	uint8_t in[FRAME_LEN_MAX];
	uint32_t key = 0, ret, dur = 0;
	int err;

	err = bpf_map__update_elem(rearm->maps.rearm_next, &key, sizeof(key), &callee_fd,
				   sizeof(callee_fd), BPF_ANY);
	if (err)
		return err;
	/* bench_rearm swaps the MACs before every run: the first swap makes this the request. */
	memcpy(in, frame + 6, 6);
	memcpy(in + 6, frame, 6);
	memcpy(in + 12, frame + 12, len - 12);
	err = test_run(bpf_program__fd(rearm->progs.bench_rearm), in, len, repeat, NULL, NULL,
		       &ret, &dur);
	*ns = dur;
	return err;
}

/* What one row keeps loaded while every row is measured in turn. */
struct row_ctx {
	struct vnet *skel;	/* vnet_xdp configured for the row */
	struct bounce *rearm;	/* bench_rearm for the row's frame, and bench_bounce */
	uint8_t frame[FRAME_LEN_MAX];
	size_t len, l4;
	uint64_t tx0;		/* vnet_xdp's tx_packets before the timed runs */
	double d[MAX_RUNS], cp[MAX_RUNS], cb[MAX_RUNS], cv[MAX_RUNS];
	double gp[MAX_RUNS], gb[MAX_RUNS], gv[MAX_RUNS];
};

static void row_close(struct row_ctx *c)
{
	bounce__destroy(c->rearm);
	vnet__destroy(c->skel);
	c->rearm = NULL;
	c->skel = NULL;
}

/*
 * The program's size after verification: what the row's configuration
 * leaves of vnet_xdp once the verifier has pruned what its .rodata turns
 * off (the rate limiter and TTL code are not in the default program).
 */
static int prog_insns(int prog_fd, unsigned int *insns)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	*insns = info.xlated_prog_len / sizeof(struct bpf_insn);
	return 0;
}

/* Load and check what ROW needs: 0 ready, -1 error (note set). */
static int row_open(struct row *r, struct row_ctx *c)
{
	c->len = build_frame(c->frame, r->family, r->tags, &c->l4);
	r->frame_len = c->len;
	if (vnet_open_row(r, &c->skel, r->note, sizeof(r->note)))
		return -1;
	/* bench_rearm learns where this frame's ICMP type is from its rodata. */
	c->rearm = bounce__open();
	if (!c->rearm) {
		snprintf(r->note, sizeof(r->note), "cannot open bounce.bpf.o: %s", strerror(errno));
		goto err;
	}
	c->rearm->rodata->rearm_type_off = c->l4;
	c->rearm->rodata->rearm_type = r->family == 4 ? 8 : 128;
	if (bounce__load(c->rearm)) {
		snprintf(r->note, sizeof(r->note), "cannot load bench_rearm: %s", strerror(errno));
		goto err;
	}
	if (check_answers(bpf_program__fd(c->skel->progs.vnet_xdp), c->frame, c->len, c->l4,
			  r->family, r->note, sizeof(r->note)))
		goto err;
	if (prog_insns(bpf_program__fd(c->skel->progs.vnet_xdp), &r->insns)) {
		snprintf(r->note, sizeof(r->note), "cannot read vnet_xdp's info");
		goto err;
	}
	if (vnet_tx_total(c->skel, &c->tx0)) {
		snprintf(r->note, sizeof(r->note), "cannot read vnet_stats");
		goto err;
	}
	return 0;
err:
	row_close(c);
	return -1;
}

static int row_hot(struct row *r, struct row_ctx *c, const struct opts *o, int pass_fd,
		   unsigned int i)
{
	int vnet_fd = bpf_program__fd(c->skel->progs.vnet_xdp);
	int bounce_fd = bpf_program__fd(c->rearm->progs.bench_bounce);
	uint32_t ret, dur = 0;
	int err;

	err = test_run(pass_fd, c->frame, c->len, o->repeat, NULL, NULL, &ret, &dur);
	c->d[i] = dur;
	if (!err)
		err = chain_run(c->rearm, pass_fd, c->frame, c->len, o->repeat, &c->cp[i]);
	if (!err)
		err = chain_run(c->rearm, bounce_fd, c->frame, c->len, o->repeat, &c->cb[i]);
	if (!err)
		err = chain_run(c->rearm, vnet_fd, c->frame, c->len, o->repeat, &c->cv[i]);
	if (err)
		snprintf(r->note, sizeof(r->note), "test run failed: %s", strerror(-err));
	return err;
}

static int row_cold(struct row *r, struct row_ctx *c, const struct opts *o, int pass_fd,
		    unsigned int i)
{
	int err;

	err = mean_fresh(pass_fd, c->frame, c->len, o->calls, &c->gp[i]);
	if (!err)
		err = mean_fresh(bpf_program__fd(c->rearm->progs.bench_bounce), c->frame, c->len,
				 o->calls, &c->gb[i]);
	if (!err)
		err = mean_fresh(bpf_program__fd(c->skel->progs.vnet_xdp), c->frame, c->len,
				 o->calls, &c->gv[i]);
	if (err)
		snprintf(r->note, sizeof(r->note), "test run failed: %s", strerror(-err));
	return err;
}

/*
 * Every hot run and every cold call must have been an answer: had the
 * re-arm not worked, vnet_xdp would have handed frames on and the row
 * would time the wrong path. Then the figures.
 */
static int row_finish(struct row *r, struct row_ctx *c, const struct opts *o)
{
	uint64_t tx1, want;

	want = (uint64_t)o->runs * o->repeat + (uint64_t)o->runs * o->calls;
	if (vnet_tx_total(c->skel, &tx1) || tx1 - c->tx0 != want) {
		snprintf(r->note, sizeof(r->note),
			 "vnet_xdp answered %llu of %llu runs: the re-arm did not work",
			 (unsigned long long)(tx1 - c->tx0), (unsigned long long)want);
		return -1;
	}
	r->dispatch = minimum(c->d, o->runs);
	r->chain_pass = minimum(c->cp, o->runs);
	r->chain_bounce = minimum(c->cb, o->runs);
	r->chain_vnet = minimum(c->cv, o->runs);
	r->spread_vnet = median(c->cv, o->runs) - r->chain_vnet;
	r->net_bounce = r->chain_bounce - r->chain_pass;
	r->net_vnet = r->chain_vnet - r->chain_pass;
	r->cold_pass = median(c->gp, o->runs);
	r->cold_bounce = median(c->gb, o->runs);
	r->cold_vnet = median(c->gv, o->runs);
	return 0;
}

/*
 * Rows are interleaved run by run, as the programs within a row are: a
 * burst of load elsewhere on the machine then hits every row alike instead
 * of making one feature look expensive.
 */
static int measure_all(const struct opts *o, int pass_fd)
{
	static struct row_ctx ctx[NR_ROWS];
	bool failed = false;
	unsigned int i, k;
	int err = -1, e;

	for (k = 0; k < NR_ROWS; k++) {
		e = row_open(&rows[k], &ctx[k]);
		if (e >= 0)
			continue;
		fprintf(stderr, "micro: %s: %s\n", rows[k].name, rows[k].note);
		/*
		 * A feature that does not work (does not answer, say) fails its
		 * row and the exit status; the other rows are still measured.
		 * Without the plain rows there is nothing to compare with.
		 */
		if (rows[k].feature == F_NONE)
			goto out;
		rows[k].failed = rows[k].skipped = true;
		failed = true;
	}
	for (i = 0; i < o->runs; i++)
		for (k = 0; k < NR_ROWS; k++)
			if (!rows[k].skipped && row_hot(&rows[k], &ctx[k], o, pass_fd, i))
				goto fail;
	for (i = 0; i < o->runs; i++)
		for (k = 0; k < NR_ROWS; k++)
			if (!rows[k].skipped && row_cold(&rows[k], &ctx[k], o, pass_fd, i))
				goto fail;
	for (k = 0; k < NR_ROWS; k++)
		if (!rows[k].skipped && row_finish(&rows[k], &ctx[k], o))
			goto fail;
	err = failed ? 1 : 0;
	goto out;
fail:
	fprintf(stderr, "micro: %s: %s\n", rows[k].name, rows[k].note);
out:
	for (k = 0; k < NR_ROWS; k++)
		row_close(&ctx[k]);
	return err;
}

/* ---- output ------------------------------------------------------------- */

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* Per packet: the dispatch any program pays in the loop, plus its own work. */
static double pkt_vnet(const struct row *r)
{
	return r->dispatch + r->net_vnet;
}

static double pkt_bounce(const struct row *r)
{
	return r->dispatch + r->net_bounce;
}

/*
 * v.net / b.net as a table cell: "n/a" when the bounce's own work came
 * out at or below zero (below what the subtraction of two chains can
 * resolve), where no ratio can be formed; the footnote says what was
 * measured.
 */
static const char *net_ratio_cell(const struct row *r, char *buf, size_t len)
{
	if (r->net_bounce <= 0)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.2fx", r->net_vnet / r->net_bounce);
	return buf;
}

static void print_table(FILE *f, const struct opts *o)
{
	const struct row *base = &rows[0];
	bool no_net_ratio = false;
	char cell[16];

	fprintf(f, "BPF_PROG_TEST_RUN, ns per packet, every run a full answer (re-armed in place,\n"
		   "%u runs per measurement, minimum of %u; cold: %u fresh one-packet calls; CPU %d)\n\n",
		o->repeat, o->runs, o->calls, o->cpu);
	fprintf(f, "| %-36s | %5s | %6s | %6s | %6s | %7s | %6s | %6s | %7s | %7s | %-6s | %5s |\n",
		"frame / feature", "bytes", "bounce", "vnet", "ratio", "feature", "b.net",
		"v.net", "net rat", "cold", "target", "insns");
	fprintf(f, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------------------",
		"------:", "-------:", "-------:", "-------:", "--------:", "-------:", "-------:",
		"--------:", "--------:", "--------", "------:");
	for (unsigned int i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];

		if (r->skipped) {
			fprintf(f, "| %-36s | %5zu | %6s | %6s | %6s | %7s | %6s | %6s | %7s | %7s | %-6s | %5s |\n",
				r->name, r->frame_len, "-", "-", "-", "-", "-", "-", "-", "-",
				r->failed ? "FAILED" : "skip", "-");
			continue;
		}
		no_net_ratio |= r->net_bounce <= 0;
		fprintf(f, "| %-36s | %5zu | %6.1f | %6.1f | %5.2fx | %+7.1f | %6.1f | %6.1f | %7s | %6.2fx | %-6s | %5u |\n",
			r->name, r->frame_len, pkt_bounce(r), pkt_vnet(r),
			ratio(pkt_vnet(r), pkt_bounce(r)), r->net_vnet - base->net_vnet,
			r->net_bounce, r->net_vnet, net_ratio_cell(r, cell, sizeof(cell)),
			ratio(r->cold_vnet, r->cold_bounce),
			ratio(pkt_vnet(r), pkt_bounce(r)) <= TARGET_RATIO ? "met" : "missed",
			r->insns);
	}
	fprintf(f, "\nbounce, vnet: ns per packet = dispatch (vnet_xdp_pass alone in the loop, %.1f ns\n"
		   "  for the first row) + the program's own work; ratio = vnet / bounce, target <= %.1f.\n"
		   "feature: vnet's own work minus that of the first row. b.net, v.net: the programs'\n"
		   "  own work (behind bench_rearm, minus the same chain ending in vnet_xdp_pass);\n"
		   "  net rat = v.net / b.net. cold: vnet / bounce on fresh one-packet calls\n"
		   "  (timer and cold caches included: %.1f / %.1f ns for the first row).\n"
		   "insns: vnet_xdp's size as verified for the row's configuration: what\n"
		   "  .rodata switches off (rate limits, TTL) the verifier removes, so the\n"
		   "  default program carries none of it.\n"
		   "Noise: chain(vnet) median - minimum, first row: %.1f ns.\n",
		base->dispatch, TARGET_RATIO, base->cold_vnet, base->cold_bounce, base->spread_vnet);
	if (no_net_ratio)
		fprintf(f, "net rat n/a: the bounce's own work (b.net) came out at or below 0 ns, less than\n"
			   "  the two chains' difference can resolve (see Noise); there is nothing to divide by.\n");
	for (unsigned int i = 0; i < NR_ROWS; i++)
		if (rows[i].skipped)
			fprintf(f, "%s '%s': %s\n", rows[i].failed ? "FAILED" : "skipped",
				rows[i].name, rows[i].note);
	fprintf(f, "Method: a test run repeats on one buffer without restoring it, so the reflector\n"
		   "  would answer only the first run and then hand on its own reply; every run here\n"
		   "  goes through bench_rearm (type byte and checksum back to a request, then a tail\n"
		   "  call), and vnet_xdp's tx_packets rose by exactly the number of runs.\n");
}

/* The same for JSON: null where no ratio can be formed. */
static void print_json(FILE *f, const struct opts *o)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "method", "BPF_PROG_TEST_RUN in place behind bench_rearm (every run a "
		       "full answer); per packet = dispatch (vnet_xdp_pass in place) + chain(X) - "
		       "chain(pass); minimum of runs (cold: median)");
	json_kv_u64(&j, "repeat", o->repeat);
	json_kv_u64(&j, "runs", o->runs);
	json_kv_u64(&j, "calls", o->calls);
	json_kv_int(&j, "cpu", o->cpu);
	json_kv_double(&j, "target_ratio", TARGET_RATIO, 2);
	json_key(&j, "rows");
	json_array_begin(&j);
	for (unsigned int i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];

		json_object_begin(&j);
		json_kv_string(&j, "name", r->name);
		json_kv_int(&j, "family", r->family);
		json_kv_int(&j, "vlan_tags", r->tags);
		json_kv_u64(&j, "frame_len", r->frame_len);
		json_key(&j, "skipped");
		json_bool(&j, r->skipped);
		if (r->skipped) {
			json_key(&j, "failed");
			json_bool(&j, r->failed);
			json_kv_string(&j, "note", r->note);
			json_object_end(&j);
			continue;
		}
		json_kv_double(&j, "dispatch_ns", r->dispatch, 2);
		json_kv_double(&j, "bounce_ns", pkt_bounce(r), 2);
		json_kv_double(&j, "vnet_ns", pkt_vnet(r), 2);
		json_kv_double(&j, "ratio", ratio(pkt_vnet(r), pkt_bounce(r)), 3);
		json_kv_double(&j, "bounce_net_ns", r->net_bounce, 2);
		json_kv_double(&j, "vnet_net_ns", r->net_vnet, 2);
		/* No ratio where the bounce's own work came out at or below zero. */
		if (r->net_bounce <= 0)
			json_kv_null(&j, "ratio_net");
		else
			json_kv_double(&j, "ratio_net", r->net_vnet / r->net_bounce, 3);
		json_kv_double(&j, "feature_cost_ns", r->net_vnet - rows[0].net_vnet, 2);
		json_kv_double(&j, "cold_pass_ns", r->cold_pass, 2);
		json_kv_double(&j, "cold_bounce_ns", r->cold_bounce, 2);
		json_kv_double(&j, "cold_vnet_ns", r->cold_vnet, 2);
		json_kv_double(&j, "ratio_cold", ratio(r->cold_vnet, r->cold_bounce), 3);
		json_kv_double(&j, "vnet_median_minus_min_ns", r->spread_vnet, 2);
		json_key(&j, "target_met");
		json_bool(&j, ratio(pkt_vnet(r), pkt_bounce(r)) <= TARGET_RATIO);
		json_kv_u64(&j, "vnet_insns", r->insns);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fputc('\n', f);
}

/* Warnings only: libbpf's notes (a section it skips) are not micro's output. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct xdp_pass *pass = NULL;
	struct opts o;
	cpu_set_t set;
	int err = 1, measured;

	if (parse_opts(argc, argv, &o))
		return 2;
	libbpf_set_print(libbpf_print);
	/* One CPU: the numbers of different programs must be comparable. */
	CPU_ZERO(&set);
	CPU_SET(o.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "micro: cannot pin to CPU %d: %s\n", o.cpu, strerror(errno));
		return 1;
	}
	pass = xdp_pass__open_and_load();
	if (!pass) {
		fprintf(stderr, "micro: cannot load vnet_xdp_pass: %s (root? make?)\n",
			strerror(errno));
		goto out;
	}
	measured = measure_all(&o, bpf_program__fd(pass->progs.vnet_xdp_pass));
	if (measured < 0)
		goto out;
	if (o.json_stdout)
		print_json(stdout, &o);
	else
		print_table(stdout, &o);
	if (o.json_path) {
		FILE *f = fopen(o.json_path, "w");

		if (!f) {
			fprintf(stderr, "micro: cannot write %s: %s\n", o.json_path, strerror(errno));
			goto out;
		}
		print_json(f, &o);
		if (fclose(f)) {
			fprintf(stderr, "micro: cannot write %s: %s\n", o.json_path, strerror(errno));
			goto out;
		}
	}
	err = measured;	/* 1 when a feature row failed */
out:
	xdp_pass__destroy(pass);
	return err;
}
