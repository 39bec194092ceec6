// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnetctl.c - entry point: global options and the subcommand table.
 *
 *   vnetctl [-v|--verbose] COMMAND [ARGS]     see cmds[] below
 *   vnetctl --help | --version
 *
 * Exit codes: 0 success, 1 runtime error, 2 usage error; every error is
 * one line on stderr starting with "vnetctl: ".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "log.h"
#include "vnetctl.h"

static const struct vnet_cmd cmds[] = {
	{
		.name = "attach",
		.run = cmd_attach,
		.usage =
"attach IFACE [--mode MODE] [--force] [--no-ipv4] [--no-ipv6]\n"
"       [--respond PREFIX]... [--rate-limit PPS[/source]]... [--rate-limit-drop]\n"
"       [--ttl N] [--any-dst-mac] [--multiprog] [--claim-age SECONDS] [--seed N]\n"
"  Load the reflector and attach it to IFACE, where it outlives vnetctl.\n"
"  -m, --mode MODE  auto (default): native XDP where replies can leave\n"
"                   (on veth only if the peer runs native XDP), else\n"
"                   generic on veth, loopback on dummy and tc\n"
"                   elsewhere; or one of\n"
"                   native, generic, tc, loopback (answer the host's own\n"
"                   requests on IFACE's egress)\n"
"  -f, --force      replace a vnet attachment already on IFACE (the new\n"
"                   one has only the prefixes and limits given here)\n"
"      --no-ipv4    leave ICMP echo requests unanswered\n"
"      --no-ipv6    leave ICMPv6 echo requests unanswered\n"
"  -r, --respond PREFIX\n"
"                   answer only for destinations inside PREFIX (IPv4 or\n"
"                   IPv6 CIDR; an address alone is /32 or /128), and\n"
"                   answer ARP and neighbour solicitations for them with\n"
"                   IFACE's MAC; repeatable, up to 1024 per family.\n"
"                   Without it every unicast destination is answered and\n"
"                   ARP/ND never are\n"
"      --rate-limit PPS[/source]\n"
"                   answer at most PPS echo requests per second in all\n"
"                   (PPS) or per source address (PPS/source); each form\n"
"                   at most once. Requests over the limit are handed on\n"
"      --rate-limit-drop\n"
"                   drop requests over the limit instead\n"
"      --ttl N      reply TTL / hop limit 1..255 (default: the request's)\n"
"      --any-dst-mac\n"
"                   also answer echo requests sent to other hosts' MACs\n"
"                   (a bridge port answering for others; loopback mode\n"
"                   always does). Default: only those to IFACE's MAC\n"
"      --multiprog  share the hook with other programs: XDP through\n"
"                   libxdp's dispatcher (priority 40, XDP_PASS goes on to\n"
"                   the next program; automatic where a dispatcher is\n"
"                   already), tc in the tcx chain (Linux 6.6+; else clsact)\n"
"      --claim-age SECONDS\n"
"                   when another MAC claims an address of the prefixes\n"
"                   (ARP reply or announcement, neighbour advertisement,\n"
"                   DAD), leave it to that host until the claim is\n"
"                   SECONDS old (default 60; 0: never step aside)\n"
"      --seed N     draw loss= and dup= from a generator seeded with N\n"
"                   (1..4294967295), the same drops every run; default:\n"
"                   the kernel's random numbers\n",
	},
	{
		.name = "detach",
		.run = cmd_detach,
		.usage =
"detach IFACE\n"
"  Remove what attach added to IFACE, and nothing else.\n",
	},
	{
		.name = "respond",
		.run = cmd_respond,
		.usage =
"respond IFACE add|del PREFIX... | list [-j|--json] | flush\n"
"  Change the prefixes vnet on IFACE answers for, while it runs: add\n"
"  (a prefix already there is fine), del (every PREFIX must be there),\n"
"  list (IPv4 then IPv6, sorted, then the addresses another MAC claimed,\n"
"  which vnet leaves to it: see attach --claim-age), flush (all: answer\n"
"  every destination again, and no ARP/ND).\n",
	},
	{
		.name = "apply",
		.run = cmd_apply,
		.usage =
"apply FILE|IFACE [-n|--dry-run] [-j|--json]\n"
"  Bring IFACE's attachment to what its config file says (FILE, named\n"
"  IFACE.conf, or /etc/vnet/IFACE.conf) with the fewest changes: prefixes\n"
"  changed live, a re-attach only when the mode or the program must change.\n"
"  -n, --dry-run    print the plan (as vnetctl commands) and change nothing\n"
"  -j, --json       the plan as one JSON object\n",
	},
	{
		.name = "status",
		.run = cmd_status,
		.usage =
"status [-j|--json]\n"
"  List the vnet attachments of this network namespace.\n",
	},
	{
		.name = "stats",
		.run = cmd_stats,
		.usage =
"stats IFACE [-j|--json] [--format FMT] [--per-cpu] [-w|--watch [SECONDS]]\n"
"      [-c|--count N]\n"
"  Show the counters of the vnet program on IFACE.\n"
"  -j, --json             JSON output (--format json)\n"
"      --format FMT       text (default), json or prometheus (the text\n"
"                         exposition format, for node_exporter's textfile\n"
"                         collector)\n"
"      --per-cpu          also each CPU's counters\n"
"  -w, --watch [SECONDS]  rates every SECONDS (default 1, fractions\n"
"                         allowed) until interrupted, then a summary\n"
"  -c, --count N          stop watching after N intervals (implies -w)\n",
	},
	{
		.name = "exporter",
		.run = cmd_exporter,
		.usage =
"exporter [-l|--listen ADDR:PORT] [--per-cpu]\n"
"  Serve the counters of every vnet attachment in this network namespace\n"
"  over HTTP for Prometheus (GET /metrics), until SIGINT or SIGTERM.\n"
"  -l, --listen ADDR:PORT  default 127.0.0.1:9797; [ADDR]:PORT for IPv6,\n"
"                          port 0 picks a free one (printed on stdout)\n"
"      --per-cpu           each CPU's counters (a cpu label) instead of sums\n",
	},
	{
		.name = "bench",
		.run = cmd_bench,
		.usage =
"bench IFACE --dst ADDR[-ADDR] [options]\n"
"  Ping flood from IFACE with exact accounting: ICMP/ICMPv6 echo requests\n"
"  out, a sink XDP program on IFACE (for the run only) matching the replies.\n"
"      --dst ADDR|A-B     destination, or an inclusive range to spread over\n"
"      --src ADDR         default: IFACE's first global address\n"
"      --dst-mac MAC      default: the veth peer's MAC, else the neighbour's\n"
"  -s, --size BYTES       frame size without FCS (default 64; IPv6 84)\n"
"  -n, --count N          send N requests, or\n"
"  -d, --duration SECS    send for SECS (default 10, fractions allowed)\n"
"  -r, --rate PPS         target rate of all threads (default: flat out)\n"
"  -t, --threads N        sending threads (default: one per CPU)\n"
"      --cpus LIST        pin the threads to these CPUs (e.g. 0 or 0,1)\n"
"  -i, --interval SECS    report interval (default 1)\n"
"      --id N             ICMP identifier (default: from the pid)\n"
"      --method M         live: BPF_PROG_RUN live frames (the default where\n"
"                         the kernel runs them); loop: the sink turns each\n"
"                         reply into the next request (XDP_TX), seeded and\n"
"                         topped up through AF_PACKET (the default where\n"
"                         live frames are refused; no --rate); packet:\n"
"                         AF_PACKET only\n"
"      --window N         loop: requests in flight (default 128)\n"
"      --napi-cpu CPU     threaded NAPI on IFACE and its veth peer, the\n"
"                         kthreads pinned to CPU; restored afterwards\n"
"      --drain SECS       wait for late replies (default 0.5, max 10)\n"
"  -j, --json             one JSON object at the end\n"
"      --format F         text (default), json (as -j) or prometheus: the\n"
"                         counts and the RTT histogram, for a textfile\n"
"  sent == replies + lost; duplicates, bad checksums and requests that\n"
"  come back unchanged (\"bounced\", a MAC-swap responder) are not replies.\n"
"  Exit 0 when the run completes, loss or not; SIGINT ends it early.\n",
	},
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: vnetctl [-v|--verbose] COMMAND [ARGS]\n"
		     "       vnetctl [COMMAND] -h|--help | -V|--version\n\n"
		     "vnet: a ping reflector in XDP/TC. Commands:\n\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(out, "vnetctl %s\n", cmds[i].usage);
	fprintf(out, "-v, --verbose shows why auto picks a mode, libbpf's messages and the\n"
		     "verifier's log; -vv adds libbpf's debug output.\n");
}

void cmd_usage(const struct vnet_cmd *cmd)
{
	printf("Usage: vnetctl [-v] %s", cmd->usage);
}

int usage_error(const struct vnet_cmd *cmd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s: %s (see 'vnetctl %s --help')", cmd->name, msg, cmd->name);
	return VNET_EXIT_USAGE;
}

int usage_bad_option(const struct vnet_cmd *cmd, int c, char **argv)
{
	/* getopt has moved past the offending word for long options. */
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':') {
		if (optopt && strncmp(word, "--", 2))
			return usage_error(cmd, "option '-%c' requires an argument", optopt);
		return usage_error(cmd, "option '%s' requires an argument", log_arg(word));
	}
	if (optopt)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", log_arg(word));
}

int cmd_common_option(const struct vnet_cmd *cmd, int c, char **argv)
{
	switch (c) {
	case 'v':
		log_verbosity++;
		return CMD_CONTINUE;
	case 'h':
		cmd_usage(cmd);
		return VNET_EXIT_OK;
	default:
		return usage_bad_option(cmd, c, argv);
	}
}

int cmd_iface_operand(const struct vnet_cmd *cmd, int argc, char **argv,
		      const char **ifname)
{
	if (optind >= argc)
		return usage_error(cmd, "missing IFACE");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'", log_arg(argv[optind + 1]));
	*ifname = argv[optind];
	return CMD_CONTINUE;
}

void cmd_defer_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

const struct vnet_cmd *vnet_cmd_find(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

/*
 * libbpf treats fd 0 as "no fd" in places (e.g. XDP's old_prog_fd), and a
 * program fd must never land on stdout. Started with 0-2 closed, we open
 * them onto /dev/null first.
 */
static int keep_std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		nfd = open("/dev/null", O_RDWR);
		if (nfd < 0)
			return -errno;
		if (nfd != fd)
			return -EBADF;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose",	no_argument,	NULL, 'v' },
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{}
	};
	const struct vnet_cmd *cmd;
	int c;

	if (keep_std_fds_open())
		return VNET_EXIT_FAIL;
	log_libbpf_init();
	opterr = 0;

	/* "+": stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			log_verbosity++;
			break;
		case 'h':
			usage(stdout);
			return VNET_EXIT_OK;
		case 'V':
			printf("vnetctl %s (libbpf %s)\n", VNET_VERSION, libbpf_version_string());
			return VNET_EXIT_OK;
		default:
			if (optopt)
				log_err("unknown option '-%c' (see 'vnetctl --help')", optopt);
			else
				log_err("unknown option '%s' (see 'vnetctl --help')",
					log_arg(argv[optind - 1]));
			return VNET_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_err("missing COMMAND (see 'vnetctl --help')");
		return VNET_EXIT_USAGE;
	}

	/* `vnetctl help [COMMAND]`, as git and ip have it. */
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 < argc) {
			cmd = vnet_cmd_find(argv[optind + 1]);
			if (!cmd) {
				log_err("unknown command '%s' (see 'vnetctl --help')",
					log_arg(argv[optind + 1]));
				return VNET_EXIT_USAGE;
			}
			cmd_usage(cmd);
		} else {
			usage(stdout);
		}
		return VNET_EXIT_OK;
	}

	cmd = vnet_cmd_find(argv[optind]);
	if (!cmd) {
		log_err("unknown command '%s' (see 'vnetctl --help')", log_arg(argv[optind]));
		return VNET_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	/* 0, not 1: glibc then resets its internal permutation state too. */
	optind = 0;
	return cmd->run(cmd, argc, argv);
}
