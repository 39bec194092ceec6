// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * answers.c - what each answer of the virtual network costs against the
 * echo reply in the same hook: Time Exceeded (hops=), Port Unreachable,
 * TCP SYN-ACK and RST, ICMP timestamp, IPv4 and IPv6, for vnet_xdp (native
 * and generic run the same program) and vnet_tc_ingress, measured with
 * BPF_PROG_TEST_RUN. Prints each answer's rate as a share of the echo
 * rate (issue 15 asks for >= 0.5 for Time Exceeded and Port Unreachable).
 *
 *   bench/answers [-r RUNS] [-c CALLS]
 *
 * THE METHOD. These answers rebuild the frame (grow it at the head, cut
 * it), so bench/micro's trick, re-arming the reply into a request and
 * repeating on one buffer, does not apply: every call here is a one-packet
 * test run on a fresh copy of the probe. The kernel's duration then
 * includes its timer reads and a program gone cold during the syscall; the
 * same holds for the do-nothing vnet_xdp_pass, whose figure is subtracted
 * ("net"). Both are shown: "gross" is per call as the kernel reports it,
 * "net" is the program's own work. Rates are 1 / ns. Programs and frames
 * are interleaved call batch by call batch; each figure is the median over
 * RUNS batches of CALLS calls. Every call must have been answered (the
 * return code says so), or the row fails.
 *
 * Exit: 0 measured, 1 a row failed or a runtime error, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "lib/opt.h"
#include "vnet.shared.h"
#include "vnet.skel.h"
#include "xdp_pass.skel.h"

#define MAX_RUNS	64
#define XDP_TX		3
#define TC_ACT_REDIRECT	7

enum kind { ECHO, TIMEX, UNREACH, SYNACK, RST, TS };

struct row {
	const char *name;
	int family;
	enum kind kind;
	uint8_t frame[256];
	size_t len;
	double gross[2][MAX_RUNS];	/* [hook][run] */
	double ns[2], net[2];
};

static struct row rows[] = {
	{ .name = "IPv4 echo request (the reference)",	.family = 4, .kind = ECHO },
	{ .name = "IPv4 Time Exceeded (ICMP probe)",	.family = 4, .kind = TIMEX },
	{ .name = "IPv4 Port Unreachable (UDP probe)",	.family = 4, .kind = UNREACH },
	{ .name = "IPv4 TCP SYN-ACK (open port)",	.family = 4, .kind = SYNACK },
	{ .name = "IPv4 TCP RST (closed port)",		.family = 4, .kind = RST },
	{ .name = "IPv4 ICMP timestamp reply",		.family = 4, .kind = TS },
	{ .name = "IPv6 echo request (the reference)",	.family = 6, .kind = ECHO },
	{ .name = "IPv6 Time Exceeded (ICMPv6 probe)",	.family = 6, .kind = TIMEX },
	{ .name = "IPv6 Port Unreachable (UDP probe)",	.family = 6, .kind = UNREACH },
};
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

static const uint8_t mac_r[6] = { 0x02, 0x76, 0x6e, 0x65, 0x74, 0x01 };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/*
 * The probes as the tools send them: ping's 56 bytes of data, traceroute's
 * 32-byte UDP datagram to port 33434, a bare SYN, hping3's timestamp.
 * Checksums are left zero: the program does not verify them.
 */
static void build(struct row *r)
{
	size_t hdr = r->family == 4 ? 20 : 40, l4_len;
	uint8_t *p = r->frame, *ip = p + 14, *l4 = ip + hdr;
	uint8_t proto = r->family == 4 ? 1 : 58, ttl = r->kind == TIMEX ? 1 : 64;

	switch (r->kind) {
	case UNREACH:
		proto = 17;
		l4_len = 8 + 32;
		l4[0] = 0xA0, l4[1] = 0x00, l4[2] = 0x82, l4[3] = 0x9A;	/* 40960 -> 33434 */
		l4[5] = l4_len;
		break;
	case SYNACK:
	case RST:
		proto = 6;
		l4_len = 20;
		l4[0] = 0xA0;
		l4[3] = r->kind == SYNACK ? 22 : 23;
		l4[12] = 0x50;
		l4[13] = 0x02;
		break;
	case TS:
		l4_len = 20;
		l4[0] = 13;
		break;
	default:
		l4_len = 8 + 56;
		l4[0] = r->family == 4 ? 8 : 128;
		break;
	}
	memcpy(p, mac_r, 6);
	memcpy(p + 6, mac_c, 6);
	if (r->family == 4) {
		p[12] = 0x08, p[13] = 0x00;
		ip[0] = 0x45;
		ip[2] = (20 + l4_len) >> 8, ip[3] = (20 + l4_len) & 0xFF;
		ip[8] = ttl;
		ip[9] = proto;
		inet_pton(AF_INET, "198.18.0.1", ip + 12);
		inet_pton(AF_INET, "198.18.5.5", ip + 16);
	} else {
		p[12] = 0x86, p[13] = 0xDD;
		ip[0] = 0x60;
		ip[4] = l4_len >> 8, ip[5] = l4_len & 0xFF;
		ip[6] = proto;
		ip[7] = ttl;
		inet_pton(AF_INET6, "2001:db8:1::1", ip + 8);
		inet_pton(AF_INET6, "2001:db8:1::4:9", ip + 24);
	}
	r->len = 14 + hdr + l4_len;
}

static int prefixes(struct vnet *skel)
{
	struct vnet_prefix4_key k4 = { .prefixlen = 22, .addr = { 198, 18, 4, 0 } };
	struct vnet_prefix6_key k6 = { .prefixlen = 118 };
	struct vnet_prefix_attr a = { .hops = 3, .flags = VNET_ATTR_L4, .nr_ports = 1 };
	struct vnet_state st = { .nr_prefixes = 2 };
	__u32 zero = 0;
	int err;

	a.ports[0] = htons(22);
	inet_pton(AF_INET, "198.18.4.1", a.router);
	inet_pton(AF_INET6, "2001:db8:1::4:0", k6.addr);
	err = bpf_map__update_elem(skel->maps.vnet_prefix4, &k4, sizeof(k4), &a, sizeof(a), 0);
	inet_pton(AF_INET6, "2001:db8:1::4:1", a.router);
	if (!err)
		err = bpf_map__update_elem(skel->maps.vnet_prefix6, &k6, sizeof(k6), &a,
					   sizeof(a), 0);
	if (!err)
		err = bpf_map__update_elem(skel->maps.data_state, &zero, sizeof(zero), &st,
					   sizeof(st), 0);
	return err;
}

/* Mean gross ns of @calls fresh one-packet runs; -1 if one was not answered. */
static double batch(int fd, const uint8_t *frame, size_t len, unsigned int calls,
		    uint32_t want)
{
	uint8_t out[2048];
	uint64_t total = 0;

	for (unsigned int i = 0; i < calls; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		if (bpf_prog_test_run_opts(fd, &o) || (want && o.retval != want))
			return -1;
		total += o.duration;
	}
	return (double)total / calls;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct answers_opts {
	unsigned int runs, calls;
};

static const struct opt answers_opts[] = {
	{ .name = "runs", .key = 'r', .type = OPT_UINT, OPT_AT(struct answers_opts, runs),
	  .min = 1, .max = MAX_RUNS, .arg = "N", .bad = "bad --runs '%s': 1 to 64",
	  .help = "measurements per figure (default 15): the median is kept" },
	{ .name = "calls", .key = 'c', .type = OPT_UINT, OPT_AT(struct answers_opts, calls),
	  .min = 1, .max = 100000000, .arg = "N", .bad = "bad --calls '%s': 1 to 100000000",
	  .help = "one-packet calls per measurement (default 2000)" },
	OPT_END
};

_Static_assert(MAX_RUNS == 64, "--runs' error quotes 64");

int main(int argc, char **argv)
{
	struct answers_opts o = { .runs = 15, .calls = 2000 };
	char err[OPT_ERR_MAX];
	opt_seen_t seen;
	double pass[MAX_RUNS], pass_ns;
	struct xdp_pass *pskel = NULL;
	struct vnet *skel = NULL;
	int rc, fd[2], ret = 1;

	rc = opt_parse(answers_opts, &o, argc, argv, &seen, err);
	if (rc == OPT_HELP) {
		opt_synopsis(stdout, fprintf(stdout, "Usage: "), "bench/answers", NULL, answers_opts);
		fputs("  BPF_PROG_TEST_RUN rates of each answer beside the echo, as ratios\n"
		      "  to the echo's in the same hook.\n", stdout);
		opt_help(stdout, answers_opts, 19);
		return 0;
	}
	if (!rc && optind < argc)
		snprintf(err, sizeof(err), "unexpected argument '%s'", log_arg(argv[optind]));
	if (rc || optind < argc) {
		fprintf(stderr, "answers: %s (see --help)\n", err);
		return 2;
	}
	libbpf_set_print(NULL);
	skel = vnet__open();
	if (skel)
		memcpy((void *)skel->rodata->vnet_cfg.mac, mac_r, 6);
	if (!skel || vnet__load(skel) || prefixes(skel)) {
		fprintf(stderr, "answers: cannot load and fill vnet.bpf.o: %s\n", strerror(errno));
		goto out;
	}
	pskel = xdp_pass__open_and_load();
	if (!pskel) {
		fprintf(stderr, "answers: cannot load xdp_pass.bpf.o: %s\n", strerror(errno));
		goto out;
	}
	fd[0] = bpf_program__fd(skel->progs.vnet_xdp);
	fd[1] = bpf_program__fd(skel->progs.vnet_tc_ingress);
	for (size_t i = 0; i < NR_ROWS; i++)
		build(&rows[i]);

	for (unsigned int run = 0; run < o.runs; run++) {
		pass[run] = batch(bpf_program__fd(pskel->progs.vnet_xdp_pass), rows[0].frame,
				  rows[0].len, o.calls, 0);
		for (size_t i = 0; i < NR_ROWS; i++) {
			for (int h = 0; h < 2; h++) {
				rows[i].gross[h][run] = batch(fd[h], rows[i].frame, rows[i].len,
							      o.calls, h ? TC_ACT_REDIRECT : XDP_TX);
				if (rows[i].gross[h][run] < 0) {
					fprintf(stderr, "answers: %s, %s: not answered\n",
						rows[i].name, h ? "tc" : "xdp");
					goto out;
				}
			}
		}
	}
	pass_ns = median(pass, o.runs);
	printf("bench/answers: %u batches of %u fresh one-packet test runs, median; "
	       "net = minus vnet_xdp_pass (%.1f ns)\n\n", o.runs, o.calls, pass_ns);
	printf("| %-36s | %8s | %8s | %10s | %8s | %8s | %10s |\n", "answer", "xdp ns",
	       "xdp net", "xdp rate", "tc ns", "tc net", "tc rate");
	printf("|%s|---------:|---------:|-----------:|---------:|---------:|-----------:|\n",
	       "--------------------------------------");
	for (size_t i = 0; i < NR_ROWS; i++) {
		struct row *r = &rows[i];

		for (int h = 0; h < 2; h++) {
			r->ns[h] = median(r->gross[h], o.runs);
			r->net[h] = r->ns[h] - pass_ns;
		}
	}
	for (size_t i = 0; i < NR_ROWS; i++) {
		struct row *r = &rows[i], *ref = r->family == 4 ? &rows[0] : &rows[6];

		printf("| %-36s | %8.1f | %8.1f | %9.2fx | %8.1f | %8.1f | %9.2fx |\n", r->name,
		       r->ns[0], r->net[0], ref->ns[0] / r->ns[0], r->ns[1], r->net[1],
		       ref->ns[1] / r->ns[1]);
	}
	printf("\nrate: this answer's rate as a share of the echo rate of the same hook and\n"
	       "family (echo ns / this ns, gross); >= 0.5x asked for Time Exceeded and\n"
	       "Port Unreachable. Net figures: the programs' own work.\n");
	ret = 0;
out:
	xdp_pass__destroy(pskel);
	vnet__destroy(skel);
	return ret;
}
