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

const char *const cmd_formats[] = { "text", "json", "prometheus", NULL };

const struct opt cmd_no_opts[] = { OPT_END };

const struct opt cmd_json_opts[] = {
	{ .name = "json", .key = 'j', .type = OPT_FLAG, .off = 0, .size = sizeof(bool) },
	OPT_END
};

void cmd_usage(const struct vnet_cmd *cmd, const char *prefix, FILE *out)
{
	opt_synopsis(out, fprintf(out, "%s", prefix), cmd->name, cmd->operands, cmd->opts);
	fputs(cmd->about, out);
	opt_help(out, cmd->opts, cmd->col);
	if (cmd->notes)
		fputs(cmd->notes, out);
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

int cmd_parse(const struct vnet_cmd *cmd, void *store, int argc, char **argv,
	      opt_seen_t *seen)
{
	char err[OPT_ERR_MAX];
	opt_seen_t given;
	int rc;

	rc = opt_parse(cmd->opts, store, argc, argv, seen ?: &given, err);
	if (rc == OPT_HELP) {
		cmd_usage(cmd, "Usage: vnetctl [-v] ", stdout);
		return VNET_EXIT_OK;
	}
	/* An empty error: the parser has printed its own (a prefix's). */
	if (rc)
		return err[0] ? usage_error(cmd, "%s", err) : VNET_EXIT_USAGE;
	return CMD_CONTINUE;
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
