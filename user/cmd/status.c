// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * status.c - `vnetctl status`: every vnet attachment in this network
 * namespace, found by asking the kernel about each interface.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>

#include "cmd/cmd.h"
#include "core/find.h"
#include "core/lock.h"
#include "core/reconcile.h"
#include "core/snap.h"
#include "lib/json.h"
#include "lib/log.h"

/* One line of the table: copied out, so no fds stay open meanwhile. */
struct status_row {
	char ifname[IF_NAMESIZE];
	int ifindex;
	enum vnet_mode mode;
	enum vnet_via via;
	__u32 prog_id;
	__u32 map_id;
	__u64 rx, tx, pass;
	long long prefixes;	/* vnet_state.nr_prefixes; -1: no such map */
};

struct status_rows {
	struct status_row *row;
	size_t n, cap;
};

static int status_add(struct status_rows *rows, const char *ifname,
		      const struct vnet_att *att, const struct stats_snap *s,
		      long long prefixes)
{
	struct status_row *r;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 8;

		r = reallocarray(rows->row, cap, sizeof(*r));
		if (!r)
			return -ENOMEM;
		rows->row = r;
		rows->cap = cap;
	}
	r = &rows->row[rows->n++];
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->ifindex = att->ifindex;
	r->mode = att->mode;
	r->via = att->via;
	r->prog_id = att->prog_id;
	r->map_id = att->map_id;
	r->rx = s->total[STATS_IDX(rx_packets)];
	r->tx = s->total[STATS_IDX(tx_packets)];
	r->pass = s->total[STATS_IDX(pass)];
	r->prefixes = prefixes;
	return 0;
}

static void status_print_text(const struct status_rows *rows)
{
	printf("%-15s %-8s %-6s %8s %8s %12s %12s %12s %8s\n", "IFACE", "MODE", "HOOK", "PROG ID",
	       "MAP ID", "RX PKTS", "REPLIES", "PASS", "PREFIXES");
	for (size_t i = 0; i < rows->n; i++) {
		const struct status_row *r = &rows->row[i];
		char prefixes[24] = "-";

		if (r->prefixes >= 0)
			snprintf(prefixes, sizeof(prefixes), "%lld", r->prefixes);
		printf("%-15s %-8s %-6s %8u %8u %12llu %12llu %12llu %8s\n", r->ifname,
		       mode_name(r->mode), via_name(r->mode, r->via), r->prog_id, r->map_id, (unsigned long long)r->rx,
		       (unsigned long long)r->tx, (unsigned long long)r->pass, prefixes);
	}
}

static void status_print_json(const struct status_rows *rows)
{
	struct json j;

	json_init(&j, stdout);
	json_array_begin(&j);
	for (size_t i = 0; i < rows->n; i++) {
		const struct status_row *r = &rows->row[i];

		json_object_begin(&j);
		json_kv_string(&j, "ifname", r->ifname);
		json_kv_int(&j, "ifindex", r->ifindex);
		json_kv_string(&j, "mode", mode_name(r->mode));
		json_kv_string(&j, "hook", via_name(r->mode, r->via));
		json_kv_u64(&j, "prog_id", r->prog_id);
		json_kv_u64(&j, "map_id", r->map_id);
		json_kv_u64(&j, "rx_packets", r->rx);
		json_kv_u64(&j, "tx_packets", r->tx);
		json_kv_u64(&j, "pass", r->pass);
		/* Absent for a program older than --respond. */
		if (r->prefixes >= 0)
			json_kv_int(&j, "prefixes", r->prefixes);
		json_object_end(&j);
	}
	json_array_end(&j);
	putchar('\n');
}

/* Rows for one interface. 0, or -errno after reporting it. */
static int status_iface(struct status_rows *rows, const struct if_nameindex *ifn)
{
	struct vnet_found found;
	int err;

	err = vnet_find((int)ifn->if_index, &found);
	/* Deleted since the list was taken: nothing to show, no failure. */
	if (err == -ENODEV) {
		err = 0;
		goto out;
	}
	if (err) {
		log_err_sys(err, "%s: cannot inspect the interface", ifn->if_name);
		goto out;
	}
	for (unsigned int i = 0; i < found.n; i++) {
		struct stats_snap snap;
		long long prefixes = -1;
		__u32 count;

		err = stats_snap_read(&found.att[i], false, &snap);
		if (err) {
			log_err_sys(err, "%s: cannot read the stats map (id %u)", ifn->if_name,
				    found.att[i].map_id);
			goto out;
		}
		if (tries_present(&found.att[i].tries)) {
			err = tries_get_count(&found.att[i].tries, &count);
			if (err) {
				log_err_sys(err, "%s: cannot read the prefix count", ifn->if_name);
				stats_snap_free(&snap);
				goto out;
			}
			prefixes = count;
		}
		err = status_add(rows, ifn->if_name, &found.att[i], &snap, prefixes);
		stats_snap_free(&snap);
		if (err) {
			log_err_sys(err, "status");
			goto out;
		}
	}
out:
	vnet_found_release(&found);
	return err;
}

static int cmd_status(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct status_rows rows = {};
	struct if_nameindex *ifs;
	bool json = false;
	int rc, lock, err = 0;

	rc = cmd_parse(cmd, &json, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", log_arg(argv[optind]));

	/* What is shown is the state in effect: repaired first, and nobody changing it meanwhile. */
	lock = vnet_lock();
	if (lock < 0)
		return VNET_EXIT_FAIL;
	reconcile_all(NULL);
	ifs = if_nameindex();
	if (!ifs) {
		log_err_sys(errno, "cannot list the interfaces");
		vnet_unlock(lock);
		return VNET_EXIT_FAIL;
	}
	/*
	 * Collect every row before printing any: after a failure, a partial
	 * table (or truncated JSON) would read as the whole answer.
	 */
	for (struct if_nameindex *ifn = ifs; ifn->if_index; ifn++) {
		err = status_iface(&rows, ifn);
		if (err)
			break;
	}
	if_freenameindex(ifs);
	if (!err) {
		if (json)
			status_print_json(&rows);
		else
			status_print_text(&rows);
	}
	free(rows.row);
	vnet_unlock(lock);
	return err ? VNET_EXIT_FAIL : VNET_EXIT_OK;
}

const struct vnet_cmd status_cmd = {
	.name = "status",
	.run = cmd_status,
	.about = "  List the vnet attachments of this network namespace.\n",
	.opts = cmd_json_opts,
};
