/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * snap.h - vnet's counters as user space sees them: the field table
 * (expanded from the same X-macro as the BPF side's struct) and snapshots
 * of a per-CPU vnet_stats map, summed.
 */
#ifndef VNET_SNAP_H
#define VNET_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "core/find.h"
#include "lib/json.h"

struct stats_field {
	const char *name;	/* exactly the struct vnet_stats member */
	const char *desc;
};

extern const struct stats_field stats_fields[VNET_STATS_NFIELDS];

/* Index of a field in stats_fields[] and in a snapshot. */
#define STATS_IDX(field) (offsetof(struct vnet_stats, field) / sizeof(__u64))

struct stats_snap {
	/*
	 * Fields the running program's map has: all of ours, or fewer for a
	 * program built before later fields were appended.
	 */
	unsigned int nfields;
	unsigned int ncpus;
	__u64 total[VNET_STATS_NFIELDS];
	__u64 *per_cpu;		/* [cpu * VNET_STATS_NFIELDS + field] if asked */
};

/* Reads @att's map (every CPU). 0 or -errno; free with stats_snap_free(). */
int stats_snap_read(const struct vnet_att *att, bool per_cpu, struct stats_snap *snap);
void stats_snap_free(struct stats_snap *snap);

/* Every available field of @v as "name": number members of an open object. */
void stats_json_fields(struct json *j, const __u64 *v, unsigned int nfields);

#endif /* VNET_SNAP_H */
