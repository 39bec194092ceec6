// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - what every command does alike: usage and its errors, the IFACE
 * and PREFIX operands, -v and -h, and deferring signals while it changes
 * an interface.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/prefix.h"
#include "lib/log.h"

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

int cmd_prefix_arg(const struct vnet_cmd *cmd, struct prefix_list *l, const char *text)
{
	struct prefix p;

	if (prefix_parse_report(text, &p))
		return VNET_EXIT_USAGE;
	if (prefix_list_add(l, &p)) {
		log_err_sys(ENOMEM, "%s", cmd->name);
		return VNET_EXIT_FAIL;
	}
	return CMD_CONTINUE;
}

int cmd_prefix_args_check(const struct vnet_cmd *cmd, const struct prefix_list *l)
{
	for (int family = 4; family <= 6; family += 2) {
		size_t n = prefix_list_count(l, family);

		if (n > VNET_MAX_PREFIXES)
			return usage_error(cmd, "too many IPv%d prefixes: %zu (at most %d)",
					   family, n, VNET_MAX_PREFIXES);
	}
	return CMD_CONTINUE;
}
