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

#include "cmd/cmd.h"
#include "lib/log.h"

/* The Makefile passes debian/changelog's. */
#ifndef VNET_VERSION
#define VNET_VERSION "0.1.0"
#endif
#include "cmd/cmd.h"

/* In `vnetctl --help` order. */
static const struct vnet_cmd *const cmds[] = {
	&attach_cmd, &detach_cmd, &respond_cmd, &apply_cmd, &status_cmd,
	&stats_cmd, &exporter_cmd, &bench_cmd,
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: vnetctl [-v|--verbose] COMMAND [ARGS]\n"
		     "       vnetctl [COMMAND] -h|--help | -V|--version\n\n"
		     "vnet: a ping reflector in XDP/TC. Commands:\n\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmd_usage(cmds[i], "vnetctl ", out);
		fputc('\n', out);
	}
	fprintf(out, "-v, --verbose shows why auto picks a mode, libbpf's messages and the\n"
		     "verifier's log; -vv adds libbpf's debug output.\n");
}

static const struct vnet_cmd *vnet_cmd_find(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i]->name))
			return cmds[i];
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
			cmd_usage(cmd, "Usage: vnetctl [-v] ", stdout);
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
