// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * respond.c - `vnetctl respond IFACE add|del|list|flush`: the prefixes
 * vnet answers for (echo, ARP, ND), changed in the running program's maps,
 * with no reload and no lost request; list also shows the addresses in
 * them that another MAC claimed, which vnet leaves to it (--claim-age).
 *
 * Every argument is checked before anything changes: a bad prefix is a
 * usage error, a `del` of a prefix that is not there fails naming it, and
 * in both cases the maps stay as they were. Changes hold the lock of
 * lock.h and follow the ordering of tries.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/find.h"
#include "core/lock.h"
#include "core/prefix.h"
#include "core/qdisc.h"
#include "core/reconcile.h"
#include "core/tries.h"
#include "lib/addr.h"
#include "lib/json.h"
#include "lib/log.h"

enum respond_action {
	RESPOND_ADD,
	RESPOND_DEL,
	RESPOND_LIST,
	RESPOND_FLUSH,
};

static const char *const respond_actions[] = {
	[RESPOND_ADD] = "add",
	[RESPOND_DEL] = "del",
	[RESPOND_LIST] = "list",
	[RESPOND_FLUSH] = "flush",
};

static int respond_action_parse(const char *s, enum respond_action *action)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(respond_actions); i++) {
		if (!strcmp(s, respond_actions[i])) {
			*action = (enum respond_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void respond_json_prefix(struct json *j, const struct prefix *p)
{
	char buf[PREFIX_STRLEN], via[INET6_ADDRSTRLEN];

	json_object_begin(j);
	prefix_format(p, buf, sizeof(buf));
	json_kv_string(j, "prefix", buf);
	json_kv_u64(j, "hops", p->attr.hops);
	if (p->attr.hops) {
		json_kv_string(j, "via", addr_format(p->family, p->attr.router, via));
	}
	if (p->attr.loss_ppm)
		json_kv_double(j, "loss_pct", p->attr.loss_ppm / 10000.0, 4);
	if (p->attr.dup_ppm)
		json_kv_double(j, "dup_pct", p->attr.dup_ppm / 10000.0, 4);
	if (p->attr.flags & VNET_ATTR_DELAY) {
		json_kv_double(j, "delay_ms", p->attr.delay_us / 1000.0, 3);
		json_kv_double(j, "jitter_ms", p->attr.jitter_us / 1000.0, 3);
	}
	if (p->attr.flags & VNET_ATTR_L4) {
		json_key(j, "ports");
		json_array_begin(j);
		for (unsigned int i = 0; i < p->attr.nr_ports; i++)
			json_u64(j, ntohs(p->attr.ports[i]));
		json_array_end(j);
	}
	json_object_end(j);
}

/*
 * Keeps of @c those inside the prefixes: a claim outside them (the prefix
 * went since) is still remembered, but steps aside for nothing.
 */
static size_t respond_claims_inside(struct tries_claim *c, size_t n, const struct prefix_list *l)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (prefix_list_contains(l, c[i].family, c[i].addr))
			c[kept++] = c[i];
	return kept;
}

/* The addresses vnet steps aside for, after the prefixes (-j: "claims"). */
static void respond_claims_print(struct json *j, const struct tries_claim *c, size_t n)
{
	char addr[ADDR_STRLEN], mac[ADDR_STRLEN];

	if (j) {
		json_key(j, "claims");
		json_array_begin(j);
	}
	for (size_t i = 0; i < n; i++) {
		addr_format(c[i].family, c[i].addr, addr);
		addr_format_mac(c[i].mac, mac);
		if (!j) {
			printf("claimed %s by %s %.1fs ago\n", addr, mac, c[i].age_ms / 1000.0);
			continue;
		}
		json_object_begin(j);
		json_kv_string(j, "address", addr);
		json_kv_string(j, "mac", mac);
		json_kv_double(j, "age_s", c[i].age_ms / 1000.0, 1);
		json_object_end(j);
	}
	if (j)
		json_array_end(j);
}

static void respond_list_print(const char *ifname, const struct prefix_list *l,
			       const struct vnet_att *att, const struct tries_claim *claims,
			       size_t nr_claims, bool json)
{
	char buf[PREFIX_STRLEN];
	struct json j;

	if (!json) {
		for (size_t i = 0; i < l->n; i++) {
			prefix_format_attrs(&l->p[i], buf, sizeof(buf));
			printf("%s\n", buf);
		}
		respond_claims_print(NULL, claims, nr_claims);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "ifname", ifname);
	json_key(&j, "prefixes");
	json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++) {
		prefix_format(&l->p[i], buf, sizeof(buf));
		json_string(&j, buf);
	}
	json_array_end(&j);
	/* The same prefixes with their attributes, one object each. */
	json_key(&j, "details");
	json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++)
		respond_json_prefix(&j, &l->p[i]);
	json_array_end(&j);
	if (att->cfg_known)
		json_kv_u64(&j, "claim_age", att->cfg.claim_age);
	respond_claims_print(&j, claims, nr_claims);
	json_object_end(&j);
	putchar('\n');
}

/* With -v, one line per prefix on stdout; iproute2 style is silence. */
static void respond_say(const char *ifname, const char *what, const struct prefix *p)
{
	char buf[PREFIX_STRLEN];

	if (log_verbosity < 1)
		return;
	prefix_format_attrs(p, buf, sizeof(buf));
	printf("%s: %s %s\n", ifname, what, buf);
}

static bool respond_mac_known(const struct vnet_att *att)
{
	static const __u8 zero[6];

	/* An unreadable .rodata is no reason to refuse: the program knows. */
	return !att->cfg_known || memcmp(att->cfg.mac, zero, sizeof(zero));
}

static int respond_add(const char *ifname, const struct vnet_att *att,
		       const struct prefix_list *have, const struct prefix_list *args)
{
	int family, err;

	if (!respond_mac_known(att)) {
		log_err("%s: the attached vnet program has no MAC address to answer ARP and ND with (not an Ethernet interface)",
			ifname);
		return -EINVAL;
	}
	err = delay_prepare(ifname, att, args);
	if (err)
		return err;
	err = tries_add(&att->tries, have, args, &family);
	if (err == -ENOSPC) {
		log_err("%s: too many IPv%d prefixes (at most %d)", ifname, family,
			VNET_MAX_PREFIXES);
		return err;
	}
	if (err) {
		log_err_sys(err, "%s: cannot add the prefixes", ifname);
		return err;
	}
	for (size_t i = 0; i < args->n; i++)
		respond_say(ifname, prefix_list_has(have, &args->p[i]) ? "already there:" : "added",
			    &args->p[i]);
	return 0;
}

static int respond_del(const char *ifname, const struct vnet_att *att,
		       const struct prefix_list *have, const struct prefix_list *args)
{
	char buf[PREFIX_STRLEN];
	int err;

	for (size_t i = 0; i < args->n; i++) {
		if (!prefix_list_has(have, &args->p[i])) {
			prefix_format(&args->p[i], buf, sizeof(buf));
			log_err("%s: %s: no such prefix", ifname, buf);
			return -ENOENT;
		}
	}
	err = tries_del(&att->tries, have, args);
	if (err) {
		log_err_sys(err, "%s: cannot delete the prefixes", ifname);
		return err;
	}
	for (size_t i = 0; i < args->n; i++)
		respond_say(ifname, "deleted", &args->p[i]);
	return 0;
}

/* Under the lock: the tries as they are now, then the change. */
static int respond_change(const char *ifname, const struct vnet_att *att,
			  enum respond_action action, const struct prefix_list *args)
{
	struct prefix_list have;
	int err;

	err = tries_read(&att->tries, &have);
	if (err) {
		log_err_sys(err, "%s: cannot read the prefix maps", ifname);
		return err;
	}
	switch (action) {
	case RESPOND_ADD:
		err = respond_add(ifname, att, &have, args);
		break;
	case RESPOND_DEL:
		err = respond_del(ifname, att, &have, args);
		break;
	default:	/* flush: delete everything there is */
		err = respond_del(ifname, att, &have, &have);
		break;
	}
	prefix_list_free(&have);
	return err;
}

/*
 * The operands after IFACE: the action and, for add and del, the
 * prefixes. CMD_CONTINUE or a usage error's exit code.
 */
static int respond_parse_operands(const struct vnet_cmd *cmd, int argc, char **argv,
				  enum respond_action *action, bool json,
				  struct prefix_list *args)
{
	if (optind >= argc)
		return usage_error(cmd, "missing IFACE");
	if (optind + 1 >= argc)
		return usage_error(cmd, "missing add, del, list or flush after IFACE");
	if (respond_action_parse(argv[optind + 1], action))
		return usage_error(cmd, "unknown action '%s': use add, del, list or flush",
				   log_arg(argv[optind + 1]));
	if (json && *action != RESPOND_LIST)
		return usage_error(cmd, "-j/--json goes with list only");
	if (*action == RESPOND_LIST || *action == RESPOND_FLUSH) {
		if (optind + 2 < argc)
			return usage_error(cmd, "unexpected argument '%s'", log_arg(argv[optind + 2]));
		return CMD_CONTINUE;
	}
	if (optind + 2 >= argc)
		return usage_error(cmd, "%s needs at least one PREFIX", respond_actions[*action]);
	for (int i = optind + 2; i < argc; i++) {
		int rc = cmd_prefix_arg(cmd, args, argv[i]);

		if (rc != CMD_CONTINUE)
			return rc;
	}
	return cmd_prefix_args_check(cmd, args);
}

static int cmd_respond(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct prefix_list args = {}, have;
	enum respond_action action = RESPOND_LIST;
	struct vnet_found found = {};
	const struct vnet_att *att;
	const char *ifname;
	bool json = false;
	int rc, err, lock = -1, ret = VNET_EXIT_FAIL;

	rc = cmd_parse(cmd, &json, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	rc = respond_parse_operands(cmd, argc, argv, &action, json, &args);
	if (rc != CMD_CONTINUE) {
		ret = rc;
		goto out;
	}
	ifname = argv[optind];

	/*
	 * The lock before looking: an attach --force holds it from its own
	 * look until its new program is on, so the program found here stays
	 * the one on the interface. And list too: a trie walked while another
	 * vnetctl deletes from it can restart from its first key.
	 */
	/* Also for list: it must show the state in effect, repaired first. */
	lock = reconcile_lock_find(ifname, &found);
	if (lock < 0)
		goto out;
	/* One attachment per interface is what attach makes. */
	att = &found.att[0];
	if (!tries_present(&att->tries)) {
		log_err("%s: the attached vnet program has no prefix maps (re-attach with --force)",
			ifname);
		goto out;
	}

	if (action == RESPOND_LIST) {
		struct tries_claim *claims = NULL;
		size_t nr_claims = 0;

		err = tries_read(&att->tries, &have);
		if (err) {
			log_err_sys(err, "%s: cannot read the prefix maps", ifname);
			goto out;
		}
		/* Claims live as long as the program's claim_age says. */
		err = tries_read_claims(&att->tries, att->cfg_known ? att->cfg.claim_age : 0,
					&claims, &nr_claims);
		if (err)
			log_warn("%s: cannot read the claimed addresses: %s", ifname,
				 strerror(-err));
		nr_claims = respond_claims_inside(claims, nr_claims, &have);
		respond_list_print(ifname, &have, att, claims, nr_claims, json);
		free(claims);
		prefix_list_free(&have);
		ret = VNET_EXIT_OK;
		goto out;
	}
	/* A change is a few map updates: let no signal cut it in two. */
	cmd_defer_signals();
	if (!respond_change(ifname, att, action, &args))
		ret = VNET_EXIT_OK;
out:
	vnet_unlock(lock);
	vnet_found_release(&found);
	prefix_list_free(&args);
	return ret;
}

const struct vnet_cmd respond_cmd = {
	.name = "respond",
	.run = cmd_respond,
	.operands = "IFACE add|del PREFIX... | list | flush",
	.about =
"  Change the prefixes vnet on IFACE answers for, while it runs: add\n"
"  (a prefix already there is fine), del (every PREFIX must be there),\n"
"  list (IPv4 then IPv6, sorted, then the addresses another MAC claimed,\n"
"  which vnet leaves to it: see attach --claim-age; -j: as JSON), flush\n"
"  (all: answer every destination again, and no ARP/ND).\n",
	.opts = cmd_json_opts,
};
