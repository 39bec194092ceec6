// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * snap.c - snapshots of a vnet program's counters (snap.h): the per-CPU
 * vnet_stats map read once and summed. Part of the attachment model:
 * `stats`, `status`, `stats --watch` and the Prometheus writer read
 * through it, and it calls none of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/snap.h"

#define STATS_FIELD(name, desc) { #name, desc },
const struct stats_field stats_fields[VNET_STATS_NFIELDS] = {
	VNET_STATS_FIELDS(STATS_FIELD)
};
#undef STATS_FIELD

/* The table is indexed like the struct: every member one __u64, in order. */
_Static_assert(sizeof(struct vnet_stats) == VNET_STATS_NFIELDS * sizeof(__u64),
	       "struct vnet_stats must be all __u64 counters");

int stats_snap_read(const struct vnet_att *att, bool per_cpu, struct stats_snap *snap)
{
	size_t stride = (att->map_value_size + 7) & ~(size_t)7;
	__u32 key = 0;
	char *buf;
	int ncpus, err;

	memset(snap, 0, sizeof(*snap));
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	snap->ncpus = (unsigned int)ncpus;
	snap->nfields = att->map_value_size / sizeof(__u64);
	if (snap->nfields > VNET_STATS_NFIELDS)
		snap->nfields = VNET_STATS_NFIELDS;

	/* A per-CPU lookup fills one 8-byte-aligned value per possible CPU. */
	buf = calloc((size_t)ncpus, stride);
	if (!buf)
		return -ENOMEM;
	if (per_cpu) {
		snap->per_cpu = calloc((size_t)ncpus * VNET_STATS_NFIELDS, sizeof(__u64));
		if (!snap->per_cpu) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = bpf_map_lookup_elem(att->map_fd, &key, buf);
	if (err)
		goto out;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		const char *v = buf + (size_t)cpu * stride;

		for (unsigned int f = 0; f < snap->nfields; f++) {
			__u64 x;

			memcpy(&x, v + f * sizeof(__u64), sizeof(x));
			snap->total[f] += x;
			if (snap->per_cpu)
				snap->per_cpu[(size_t)cpu * VNET_STATS_NFIELDS + f] = x;
		}
	}
out:
	free(buf);
	if (err)
		stats_snap_free(snap);
	return err;
}

void stats_snap_free(struct stats_snap *snap)
{
	free(snap->per_cpu);
	snap->per_cpu = NULL;
}

void stats_json_fields(struct json *j, const __u64 *v, unsigned int nfields)
{
	for (unsigned int f = 0; f < nfields; f++)
		json_kv_u64(j, stats_fields[f].name, v[f]);
}
