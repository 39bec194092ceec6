// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats.c - `vnetctl stats IFACE`: the counters of the vnet program on an
 * interface, summed over CPUs, as text or JSON, optionally per CPU, or
 * for Prometheus; --watch hands over to watch.c. Reads through snap.c.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/watch.h"
#include "core/find.h"
#include "core/prom.h"
#include "core/snap.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/parse.h"

static void stats_print_text(const struct stats_snap *s, bool per_cpu)
{
	if (!per_cpu) {
		/* `name value`, one per line: trivial for awk and grep. */
		for (unsigned int f = 0; f < s->nfields; f++)
			printf("%s %llu\n", stats_fields[f].name,
			       (unsigned long long)s->total[f]);
		return;
	}

	printf("%-17s %14s", "field", "total");
	for (unsigned int cpu = 0; cpu < s->ncpus; cpu++) {
		char col[16];

		snprintf(col, sizeof(col), "cpu%u", cpu);
		printf(" %12s", col);
	}
	putchar('\n');
	for (unsigned int f = 0; f < s->nfields; f++) {
		printf("%-17s %14llu", stats_fields[f].name, (unsigned long long)s->total[f]);
		for (unsigned int cpu = 0; cpu < s->ncpus; cpu++)
			printf(" %12llu", (unsigned long long)
			       s->per_cpu[(size_t)cpu * VNET_STATS_NFIELDS + f]);
		putchar('\n');
	}
}

static void stats_print_json(const char *ifname, const struct vnet_att *att,
			     const struct stats_snap *s, bool per_cpu)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "ifname", ifname);
	json_kv_int(&j, "ifindex", att->ifindex);
	json_kv_string(&j, "mode", mode_name(att->mode));
	json_kv_u64(&j, "prog_id", att->prog_id);
	json_kv_u64(&j, "map_id", att->map_id);
	stats_json_fields(&j, s->total, s->nfields);
	if (per_cpu) {
		json_key(&j, "per_cpu");
		json_array_begin(&j);
		for (unsigned int cpu = 0; cpu < s->ncpus; cpu++) {
			json_object_begin(&j);
			json_kv_u64(&j, "cpu", cpu);
			stats_json_fields(&j, s->per_cpu + (size_t)cpu * VNET_STATS_NFIELDS,
					  s->nfields);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	putchar('\n');
}

struct stats_opts {
	int format;		/* enum cmd_format */
	bool per_cpu;
	double interval;	/* --watch's */
	unsigned long count;
};

static int cmd_stats(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct stats_opts o = { .interval = 1.0 };
	bool json, watch, prom;
	opt_seen_t seen;
	struct vnet_found found;
	struct stats_snap snap;
	const char *ifname;
	int rc, err, ret = VNET_EXIT_FAIL;

	rc = cmd_parse(cmd, &o, argc, argv, &seen);
	if (rc != CMD_CONTINUE)
		return rc;
	json = o.format == CMD_FORMAT_JSON;
	prom = o.format == CMD_FORMAT_PROMETHEUS;
	watch = opt_given(cmd->opts, seen, "watch");
	rc = cmd_iface_operand(cmd, argc, argv, &ifname);
	if (rc != CMD_CONTINUE)
		return rc;
	/* --count N alone means: watch N intervals. */
	if (o.count)
		watch = true;
	if (watch && o.per_cpu)
		return usage_error(cmd, "--per-cpu cannot be combined with --watch");
	if (watch && prom)
		return usage_error(cmd, "--format prometheus cannot be combined with --watch");

	if (vnet_find_attached(ifname, &found))
		goto out;
	/* One attachment per interface is what attach makes; show the first. */
	if (watch) {
		ret = stats_watch(ifname, &found.att[0], o.interval, (long)o.count, json);
		goto out;
	}
	err = stats_snap_read(&found.att[0], o.per_cpu, &snap);
	if (err) {
		log_err_sys(err, "%s: cannot read the stats map (id %u)", ifname,
			    found.att[0].map_id);
		goto out;
	}
	if (prom)
		prom_write_one(stdout, ifname, &found.att[0], &snap, o.per_cpu);
	else if (json)
		stats_print_json(ifname, &found.att[0], &snap, o.per_cpu);
	else
		stats_print_text(&snap, o.per_cpu);
	stats_snap_free(&snap);
	ret = VNET_EXIT_OK;
out:
	vnet_found_release(&found);
	return ret;
}

static const struct opt stats_opts[] = {
	/* -j is --format json; the last one given wins. */
	{ .name = "json", .key = 'j', .type = OPT_SET, .set = CMD_FORMAT_JSON,
	  OPT_AT(struct stats_opts, format), .help = "JSON output (--format json)" },
	{ .name = "format", .type = OPT_CHOICE, .choices = cmd_formats,
	  OPT_AT(struct stats_opts, format), .arg = "FMT",
	  .bad = "invalid format '%s': use text, json or prometheus",
	  .help = "text (default), json or prometheus (the text\n"
		  "exposition format, for node_exporter's textfile\n"
		  "collector)" },
	{ .name = "per-cpu", .type = OPT_FLAG, OPT_AT(struct stats_opts, per_cpu),
	  .help = "also each CPU's counters" },
	/* 1 ms to 1 day */
	{ .name = "watch", .key = 'w', .type = OPT_DOUBLE, OPT_AT(struct stats_opts, interval),
	  .dmin = 0.001, .dmax = 86400, .arg = "[SECONDS]",
	  .bad = "invalid interval '%s' (seconds, 0.001 to 86400)",
	  .help = "rates every SECONDS (default 1, fractions\n"
		  "allowed) until interrupted, then a summary" },
	{ .name = "count", .key = 'c', .type = OPT_UINT, OPT_AT(struct stats_opts, count),
	  .min = 1, .max = LONG_MAX, .arg = "N", .bad = "invalid count '%s' (a positive integer)",
	  .help = "stop watching after N intervals (implies -w)" },
	OPT_END
};

const struct vnet_cmd stats_cmd = {
	.name = "stats",
	.run = cmd_stats,
	.operands = "IFACE",
	.about = "  Show the counters of the vnet program on IFACE.\n",
	.opts = stats_opts,
	.col = 25,
};
