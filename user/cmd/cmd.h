/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cmd.h - what vnetctl's commands share: exit codes, the command struct
 * (each command file defines one), usage errors, the operand and option
 * helpers, and signal deferral.
 */
#ifndef VNET_CMD_H
#define VNET_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "core/mode.h"
#include "lib/opt.h"
#include "lib/util.h"

/* Exit codes, as vnetctl(8) EXIT STATUS says: runtime and usage errors differ. */
#define VNET_EXIT_OK	0
#define VNET_EXIT_FAIL	1
#define VNET_EXIT_USAGE	2

/*
 * A subcommand: argv[0] is its name, getopt state is fresh. Its --help is
 * the synopsis (name, operands, options), what it does, the option
 * table's help from column @col, then any notes.
 */
struct vnet_cmd {
	const char *name;
	int (*run)(const struct vnet_cmd *cmd, int argc, char **argv);
	const char *operands;		/* "IFACE" */
	const char *about;		/* lines, each starting "  " */
	const struct opt *opts;		/* the option table (lib/opt.h) */
	int col;			/* where the options' help starts */
	const char *notes;		/* lines after the options, or NULL */
};

/* The commands, each defined in the file of its name (bench's in bench/cmd.c). */
extern const struct vnet_cmd attach_cmd, detach_cmd, respond_cmd, apply_cmd,
	status_cmd, stats_cmd, exporter_cmd, bench_cmd;

/* --format's choices (stats, bench): cmd_formats[] names them in this order. */
enum cmd_format {
	CMD_FORMAT_TEXT,
	CMD_FORMAT_JSON,
	CMD_FORMAT_PROMETHEUS,
};
extern const char *const cmd_formats[];

/* The tables of commands with no options of their own, or only -j (a bool). */
extern const struct opt cmd_no_opts[], cmd_json_opts[];

/* Prints the command's usage after @prefix ("Usage: vnetctl [-v] "). */
void cmd_usage(const struct vnet_cmd *cmd, const char *prefix, FILE *out);
/*
 * The command's options from argv into @store (lib/opt.h), -v and -h
 * included; @seen (may be NULL) gets the rows given. CMD_CONTINUE with
 * optind at the operands, or the exit code to return at once (0 after
 * --help, 2 after a usage error).
 */
int cmd_parse(const struct vnet_cmd *cmd, void *store, int argc, char **argv,
	      opt_seen_t *seen);
/*
 * Reports a usage error for @cmd: one line on stderr, and returns
 * VNET_EXIT_USAGE so callers can `return usage_error(...)`.
 */
int usage_error(const struct vnet_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cmd_parse()'s and the operand helpers' "go on". */
#define CMD_CONTINUE (-1)
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
