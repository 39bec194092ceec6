/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cmd.h - what vnetctl's commands share: exit codes, the command struct
 * (each command file defines one), usage errors, the operand and option
 * helpers, and signal deferral.
 */
#ifndef VNET_CMD_H
#define VNET_CMD_H

#include <stdbool.h>

#include "core/mode.h"
#include "lib/util.h"

/* Exit codes, as vnetctl(8) EXIT STATUS says: runtime and usage errors differ. */
#define VNET_EXIT_OK	0
#define VNET_EXIT_FAIL	1
#define VNET_EXIT_USAGE	2

/* A subcommand: argv[0] is its name, getopt state is fresh. */
struct vnet_cmd {
	const char *name;
	int (*run)(const struct vnet_cmd *cmd, int argc, char **argv);
	const char *usage;	/* the lines after "Usage: vnetctl " */
};

/* The commands, each defined in the file of its name (bench's in bench/cmd.c). */
extern const struct vnet_cmd attach_cmd, detach_cmd, respond_cmd, apply_cmd,
	status_cmd, stats_cmd, exporter_cmd, bench_cmd;

/* Prints the command's usage to stdout (for --help). */
void cmd_usage(const struct vnet_cmd *cmd);
/*
 * Reports a usage error for @cmd: one line on stderr, and returns
 * VNET_EXIT_USAGE so callers can `return usage_error(...)`.
 */
int usage_error(const struct vnet_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage error getopt_long's return of '?' or ':' stands for. */
int usage_bad_option(const struct vnet_cmd *cmd, int c, char **argv);

/* cmd_common_option()'s "that was -v: go on parsing". */
#define CMD_CONTINUE (-1)
/*
 * What every subcommand does with an option of its own it does not know:
 * -v/--verbose, -h/--help, and getopt's errors. Returns CMD_CONTINUE or the
 * exit code the subcommand returns at once.
 */
int cmd_common_option(const struct vnet_cmd *cmd, int c, char **argv);
/*
 * The single IFACE operand left after the options: stores it in *@ifname
 * and returns CMD_CONTINUE, or returns the usage error's exit code.
 */
int cmd_iface_operand(const struct vnet_cmd *cmd, int argc, char **argv,
		      const char **ifname);

struct prefix_list;
/* A PREFIX argument added to @l: CMD_CONTINUE or the exit code. */
int cmd_prefix_arg(const struct vnet_cmd *cmd, struct prefix_list *l, const char *text);
/* At most VNET_MAX_PREFIXES per family: CMD_CONTINUE or the usage error. */
int cmd_prefix_args_check(const struct vnet_cmd *cmd, const struct prefix_list *l);

/*
 * For the commands that change an interface, called before the first
 * change: from then until exit, SIGINT, SIGTERM, SIGHUP and SIGQUIT stay
 * pending, so a Ctrl-C or a timeout(1) cannot cut an attach between its
 * steps (clsact created but no filter, old program removed but the new
 * one not on) where nothing would roll it back. The steps are a few
 * system calls; the command then exits with its own result.
 */
void cmd_defer_signals(void);

#endif /* VNET_CMD_H */
