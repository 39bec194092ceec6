// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prom.c - the Prometheus text exposition format of vnet's counters (see
 * prom.h). Names and help come from stats_fields[], itself expanded from
 * the X-macro in bpf/vnet.shared.h: a new counter appears here with no edit.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "core/mode.h"
#include "core/prom.h"
#include "core/tries.h"
#include "lib/log.h"
#include "lib/util.h"

/* HELP text escapes backslash and newline; label values also '"'. */
void prom_escape(FILE *f, const char *s, bool label)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (label && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	prom_escape(f, help, false);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

/* name{iface="...",mode="..." */
static void prom_labels(FILE *f, const char *name, const struct prom_target *t)
{
	fprintf(f, "%s{iface=\"", name);
	prom_escape(f, t->ifname, true);
	fprintf(f, "\",mode=\"%s\"", mode_name(t->att->mode));
}

int prom_write(FILE *f, const struct prom_target *t, size_t n, bool per_cpu)
{
	char name[64];

	prom_family(f, "vnet_info", "gauge",
		    "a vnet attachment: its interface, mode, program and stats map (always 1)");
	for (size_t i = 0; i < n; i++) {
		prom_labels(f, "vnet_info", &t[i]);
		fprintf(f, ",prog_id=\"%u\",map_id=\"%u\"} 1\n", t[i].att->prog_id,
			t[i].att->map_id);
	}
	prom_family(f, "vnet_prefixes", "gauge", "--respond prefixes (IPv4 and IPv6)");
	for (size_t i = 0; i < n; i++) {
		if (t[i].nr_prefixes < 0)
			continue;
		prom_labels(f, "vnet_prefixes", &t[i]);
		fprintf(f, "} %lld\n", t[i].nr_prefixes);
	}

	for (unsigned int fi = 0; fi < VNET_STATS_NFIELDS; fi++) {
		snprintf(name, sizeof(name), "vnet_%s_total", stats_fields[fi].name);
		prom_family(f, name, "counter", stats_fields[fi].desc);
		for (size_t i = 0; i < n; i++) {
			const struct stats_snap *s = t[i].snap;

			/* A program built before this field was appended has none. */
			if (fi >= s->nfields)
				continue;
			if (!per_cpu || !s->per_cpu) {
				prom_labels(f, name, &t[i]);
				fprintf(f, "} %llu\n", (unsigned long long)s->total[fi]);
				continue;
			}
			for (unsigned int cpu = 0; cpu < s->ncpus; cpu++) {
				prom_labels(f, name, &t[i]);
				fprintf(f, ",cpu=\"%u\"} %llu\n", cpu, (unsigned long long)
					s->per_cpu[(size_t)cpu * VNET_STATS_NFIELDS + fi]);
			}
		}
	}
	return ferror(f) ? -EIO : 0;
}

static long long prom_nr_prefixes(const struct vnet_att *att)
{
	__u32 count;

	if (!tries_present(&att->tries) || tries_get_count(&att->tries, &count))
		return -1;
	return count;
}

int prom_write_one(FILE *f, const char *ifname, const struct vnet_att *att,
		   const struct stats_snap *snap, bool per_cpu)
{
	struct prom_target t = {
		.ifname = ifname,
		.att = att,
		.snap = snap,
		.nr_prefixes = prom_nr_prefixes(att),
	};

	return prom_write(f, &t, 1, per_cpu);
}

/* What prom_write_all() collects: one slot per interface with vnet on it. */
struct prom_iface {
	char ifname[IF_NAMESIZE];
	struct vnet_found found;
	struct stats_snap snap;
};

int prom_write_all(FILE *f, bool per_cpu)
{
	struct if_nameindex *ifs = if_nameindex(), *ifp;
	struct prom_iface *slots = NULL;
	struct prom_target *t = NULL;
	size_t nifs = 0, n = 0;
	int err = 0;

	if (!ifs) {
		err = -errno;
		log_err_sys(err, "cannot list the network interfaces");
		return err;
	}
	for (ifp = ifs; ifp->if_index; ifp++)
		nifs++;
	slots = calloc(nifs ? nifs : 1, sizeof(*slots));
	t = calloc(nifs ? nifs : 1, sizeof(*t));
	if (!slots || !t) {
		err = -ENOMEM;
		log_err_sys(err, "cannot collect the counters");
		goto out;
	}
	for (ifp = ifs; ifp->if_index; ifp++) {
		struct prom_iface *s = &slots[n];

		/* Gone meanwhile, or nothing of ours on it: not a sample. */
		if (vnet_find((int)ifp->if_index, &s->found) || !s->found.n) {
			vnet_found_release(&s->found);
			continue;
		}
		if (stats_snap_read(&s->found.att[0], per_cpu, &s->snap)) {
			log_warn("%s: cannot read the stats map (id %u)", ifp->if_name,
				 s->found.att[0].map_id);
			vnet_found_release(&s->found);
			continue;
		}
		snprintf(s->ifname, sizeof(s->ifname), "%s", ifp->if_name);
		t[n] = (struct prom_target){
			.ifname = s->ifname,
			.att = &s->found.att[0],
			.snap = &s->snap,
			.nr_prefixes = prom_nr_prefixes(&s->found.att[0]),
		};
		n++;
	}
	err = prom_write(f, t, n, per_cpu);
out:
	for (size_t i = 0; i < n; i++) {
		stats_snap_free(&slots[i].snap);
		vnet_found_release(&slots[i].found);
	}
	free(slots);
	free(t);
	if_freenameindex(ifs);
	return err;
}
