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

/* Whether @s is all number (as strtod reads it), so not an interface. */
static bool stats_is_number(const char *s)
{
	char *end;

	strtod(s, &end);
	return end != s && !*end;
}

static int cmd_stats(const struct vnet_cmd *cmd, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "per-cpu",	no_argument,		NULL, 'P' },
		{ "watch",	optional_argument,	NULL, 'w' },
		{ "count",	required_argument,	NULL, 'c' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{}
	};
	bool json = false, per_cpu = false, watch = false, prom = false;
	double interval = 1.0;
	unsigned long long count = 0;
	struct vnet_found found;
	struct stats_snap snap;
	const char *ifname, *arg;
	int c, rc, err, ret = VNET_EXIT_FAIL;

	while ((c = getopt_long(argc, argv, ":jw::c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			prom = false;
			break;
		case 'P':
			per_cpu = true;
			break;
		case 'F':
			/* -j is --format json; the last one given wins. */
			json = !strcmp(optarg, "json");
			prom = !strcmp(optarg, "prometheus");
			if (!json && !prom && strcmp(optarg, "text"))
				return usage_error(cmd, "invalid format '%s': use text, json or prometheus",
						   optarg);
			break;
		case 'w':
			watch = true;
			/*
			 * getopt only sees "-w2" or "--watch=2"; accept the "-w 2"
			 * of vnetctl(8) too. A number there is the interval, never
			 * the interface.
			 */
			arg = optarg;
			if (!arg && optind < argc && stats_is_number(argv[optind]))
				arg = argv[optind++];
			if (arg && parse_double(arg, 0.001, 86400, &interval))	/* 1 ms to 1 day */
				return usage_error(cmd, "invalid interval '%s' (seconds, 0.001 to 86400)",
						   log_arg(arg));
			break;
		case 'c':
			if (parse_u64(optarg, 1, LONG_MAX, &count))
				return usage_error(cmd, "invalid count '%s' (a positive integer)",
						   log_arg(optarg));
			break;
		default:
			rc = cmd_common_option(cmd, c, argv);
			if (rc != CMD_CONTINUE)
				return rc;
		}
	}
	rc = cmd_iface_operand(cmd, argc, argv, &ifname);
	if (rc != CMD_CONTINUE)
		return rc;
	/* --count N alone means: watch N intervals. */
	if (count)
		watch = true;
	if (watch && per_cpu)
		return usage_error(cmd, "--per-cpu cannot be combined with --watch");
	if (watch && prom)
		return usage_error(cmd, "--format prometheus cannot be combined with --watch");

	if (vnet_find_attached(ifname, &found))
		goto out;
	/* One attachment per interface is what attach makes; show the first. */
	if (watch) {
		ret = stats_watch(ifname, &found.att[0], interval, count, json);
		goto out;
	}
	err = stats_snap_read(&found.att[0], per_cpu, &snap);
	if (err) {
		log_err_sys(err, "%s: cannot read the stats map (id %u)", ifname,
			    found.att[0].map_id);
		goto out;
	}
	if (prom)
		prom_write_one(stdout, ifname, &found.att[0], &snap, per_cpu);
	else if (json)
		stats_print_json(ifname, &found.att[0], &snap, per_cpu);
	else
		stats_print_text(&snap, per_cpu);
	stats_snap_free(&snap);
	ret = VNET_EXIT_OK;
out:
	vnet_found_release(&found);
	return ret;
}

const struct vnet_cmd stats_cmd = {
	.name = "stats",
	.run = cmd_stats,
	.usage =
"stats IFACE [-j|--json] [--format FMT] [--per-cpu] [-w|--watch [SECONDS]]\n"
"      [-c|--count N]\n"
"  Show the counters of the vnet program on IFACE.\n"
"  -j, --json             JSON output (--format json)\n"
"      --format FMT       text (default), json or prometheus (the text\n"
"                         exposition format, for node_exporter's textfile\n"
"                         collector)\n"
"      --per-cpu          also each CPU's counters\n"
"  -w, --watch [SECONDS]  rates every SECONDS (default 1, fractions\n"
"                         allowed) until interrupted, then a summary\n"
"  -c, --count N          stop watching after N intervals (implies -w)\n",
};
