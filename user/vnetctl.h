/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnetctl.h - what every part of vnetctl shares: exit codes, the attach
 * modes and the subcommand entry points.
 */
#ifndef VNETCTL_H
#define VNETCTL_H

#include <stdbool.h>
#include <linux/types.h>

#include "vnet.h"

#ifndef VNET_VERSION
#define VNET_VERSION "0.1.0"
#endif

/* Where `make install` puts xdp_pass.bpf.o; the Makefile may override it. */
#ifndef VNET_LIBDIR
#define VNET_LIBDIR "/usr/local/lib/vnet"
#endif

/* Exit codes, as vnetctl(8) EXIT STATUS says: runtime and usage errors differ. */
#define VNET_EXIT_OK	0
#define VNET_EXIT_FAIL	1
#define VNET_EXIT_USAGE	2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Where a vnet program runs. The first four are what an attachment is;
 * AUTO is only ever a request.
 */
enum vnet_mode {
	VNET_MODE_NATIVE,	/* XDP, driver mode */
	VNET_MODE_GENERIC,	/* XDP, skb mode */
	VNET_MODE_TC,		/* clsact ingress, vnet_tc_ingress */
	VNET_MODE_LOOPBACK,	/* clsact egress, vnet_tc_loop */
	VNET_MODE_AUTO,
};

const char *mode_name(enum vnet_mode mode);
int mode_parse(const char *name, enum vnet_mode *mode);
bool mode_is_xdp(enum vnet_mode mode);
/* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE for an XDP mode. */
__u32 mode_xdp_flags(enum vnet_mode mode);
/* The name of the program a mode loads. */
const char *mode_prog_name(enum vnet_mode mode);
/* Devices of @driver receive nothing (dummy): auto picks loopback there. */
bool mode_driver_rx_empty(const char *driver);

/* A subcommand: argv[0] is its name, getopt state is fresh. */
struct vnet_cmd {
	const char *name;
	int (*run)(const struct vnet_cmd *cmd, int argc, char **argv);
	const char *usage;	/* the lines after "Usage: vnetctl " */
};

int cmd_attach(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_detach(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_status(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_stats(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_respond(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_bench(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_apply(const struct vnet_cmd *cmd, int argc, char **argv);
int cmd_exporter(const struct vnet_cmd *cmd, int argc, char **argv);

/* The subcommand named @name, or NULL (apply runs attach and respond). */
const struct vnet_cmd *vnet_cmd_find(const char *name);

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

/*
 * For the commands that change an interface, called before the first
 * change: from then until exit, SIGINT, SIGTERM, SIGHUP and SIGQUIT stay
 * pending, so a Ctrl-C or a timeout(1) cannot cut an attach between its
 * steps (clsact created but no filter, old program removed but the new
 * one not on) where nothing would roll it back. The steps are a few
 * system calls; the command then exits with its own result.
 */
void cmd_defer_signals(void);

#endif /* VNETCTL_H */
