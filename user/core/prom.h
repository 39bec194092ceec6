/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * prom.h - vnet's counters in Prometheus' text exposition format (0.0.4):
 * one counter family per field of stats_fields[], named vnet_<field>_total,
 * its # HELP the field's description, labelled iface and mode (and cpu for
 * per-CPU values); plus vnet_info and vnet_prefixes. `vnetctl stats
 * --format prometheus` writes it for node_exporter's textfile collector,
 * `vnetctl exporter` serves it.
 */
#ifndef VNET_PROM_H
#define VNET_PROM_H

#include <stdbool.h>
#include <stdio.h>

#include "core/find.h"
#include "core/snap.h"

/* The format's two escapes: HELP text (@label false) and label values. */
void prom_escape(FILE *f, const char *s, bool label);
/* "# HELP name help" and "# TYPE name type". */
void prom_family(FILE *f, const char *name, const char *type, const char *help);

/* One attachment's snapshot. */
struct prom_target {
	const char *ifname;
	const struct vnet_att *att;
	const struct stats_snap *snap;	/* per-CPU values if it has them */
	long long nr_prefixes;		/* -1: unknown (a program without prefix maps) */
};

/*
 * Writes every family, with a sample for each of the @n targets (each
 * CPU's when @per_cpu, else the sums). 0, or -EIO if @f failed.
 */
int prom_write(FILE *f, const struct prom_target *t, size_t n, bool per_cpu);

/*
 * Every vnet attachment of this network namespace, read and written as
 * above. 0 or -errno (reported); interfaces that vanish meanwhile are
 * skipped.
 */
int prom_write_all(FILE *f, bool per_cpu);

/* One attachment, as `vnetctl stats IFACE --format prometheus` prints it. */
int prom_write_one(FILE *f, const char *ifname, const struct vnet_att *att,
		   const struct stats_snap *snap, bool per_cpu);

#endif /* VNET_PROM_H */
