// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * apply.c - `vnetctl apply FILE|IFACE`: bring an interface's attachment to
 * what its config file (/etc/vnet/IFACE.conf) says, with the fewest changes.
 *
 *   1. Read the whole file (conf.h); any error is one line naming
 *      FILE:LINE, and nothing has changed yet.
 *   2. Compare with what the kernel has (find.h): not attached -> attach;
 *      another mode, another configuration (.rodata: families, limits,
 *      TTL, the MAC), or a program older than this vnetctl -> attach
 *      --force; else only the prefixes that differ -> respond add, then
 *      respond del (the tries' ordering keeps every answer meanwhile).
 *   3. Print the plan as the vnetctl commands it runs, then run them
 *      through cmd_attach() and cmd_respond() themselves, so the effect
 *      (checks, undo list, lock, messages) is exactly theirs.
 */
#define _GNU_SOURCE	/* vasprintf */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cmd/cmd.h"
#include "core/conf.h"
#include "core/find.h"
#include "core/load.h"
#include "core/prefix.h"
#include "core/tries.h"
#include "lib/iface.h"
#include "lib/json.h"
#include "lib/log.h"

/* A growable, NULL-terminated argv of owned strings. */
struct argvec {
	char **v;
	int n, cap;
};

struct apply_step {
	struct argvec args;	/* args.v[0] is the command */
	char reason[160];
};

/* At most: an attach; or a respond add and a respond del. */
#define APPLY_MAX_STEPS 2

struct apply_plan {
	struct apply_step step[APPLY_MAX_STEPS];
	unsigned int n;
	char state[96];		/* what is there now, for "up to date" */
};

/*
 * FILE (a path with a '/' or a name ending in .conf: IFACE is its name
 * without .conf) or IFACE ($VNET_CONFIG_DIR or /etc/vnet, IFACE.conf).
 */
static int conf_locate(const struct vnet_cmd *cmd, const char *arg, struct vnet_conf *c)
{
	const char *base = strrchr(arg, '/');
	const char *dir = getenv("VNET_CONFIG_DIR");
	size_t len;

	base = base ? base + 1 : arg;
	len = strlen(base);
	if (strchr(arg, '/') || (len > 5 && !strcmp(base + len - 5, ".conf"))) {
		if (len <= 5 || strcmp(base + len - 5, ".conf"))
			return usage_error(cmd, "'%s': a config file is named IFACE.conf", arg);
		len -= 5;
		if (len >= IF_NAMESIZE)
			return usage_error(cmd, "'%s': '%.*s' is too long for an interface name",
					   arg, (int)len, base);
		memcpy(c->ifname, base, len);
		c->ifname[len] = '\0';
		if (strlen(arg) >= sizeof(c->path))
			return usage_error(cmd, "'%s': path too long", arg);
		strcpy(c->path, arg);
		return CMD_CONTINUE;
	}
	if (len >= IF_NAMESIZE)
		return usage_error(cmd, "'%s' is too long for an interface name", arg);
	strcpy(c->ifname, arg);
	if (!dir || !*dir)
		dir = VNET_CONF_DIR;
	if ((size_t)snprintf(c->path, sizeof(c->path), "%s/%s.conf", dir, arg) >= sizeof(c->path))
		return usage_error(cmd, "'%s': config path too long", arg);
	return CMD_CONTINUE;
}

static int argvec_push(struct argvec *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int argvec_push(struct argvec *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (a->n + 2 > a->cap) {
		int cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

static void argvec_free(struct argvec *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (struct argvec){};
}

static int push_prefixes(struct argvec *a, const char *opt, const struct prefix_list *l)
{
	char buf[PREFIX_STRLEN];
	int err = 0;

	for (size_t i = 0; i < l->n && !err; i++) {
		prefix_format_attrs(&l->p[i], buf, sizeof(buf));
		if (opt)
			err = argvec_push(a, "%s", opt);
		if (!err)
			err = argvec_push(a, "%s", buf);
	}
	return err;
}

static int argvec_push_word(void *a, const char *word)
{
	return argvec_push(a, "%s", word);
}

/*
 * `attach IFACE [--force] --mode M ...`: every option the file sets, as
 * attach's own table writes them back.
 */
static int plan_attach(struct apply_step *s, const struct vnet_conf *c, bool force)
{
	struct vnet_settings defaults;
	struct argvec *a = &s->args;
	int err;

	vnet_settings_init(&defaults);
	err = argvec_push(a, "attach") ?: argvec_push(a, "%s", c->ifname);
	if (!err && force)
		err = argvec_push(a, "--force");
	return err ?: opt_args(vnet_settings_opts, &c->want, &defaults, argvec_push_word, a);
}

/* `respond IFACE add|del PREFIX...`, if @l has any. */
static int plan_respond(struct apply_plan *plan, const struct vnet_conf *c, const char *action,
			const struct prefix_list *l)
{
	struct apply_step *s = &plan->step[plan->n];
	struct argvec *a = &s->args;

	if (!l->n)
		return 0;
	plan->n++;
	snprintf(s->reason, sizeof(s->reason), "%zu prefix%s to %s", l->n,
		 l->n == 1 ? "" : "es", !strcmp(action, "add") ? "add" : "delete");
	return argvec_push(a, "respond") ?: argvec_push(a, "%s", c->ifname) ?:
	       argvec_push(a, "%s", action) ?: push_prefixes(a, NULL, l);
}

/* Appends to @buf ("a, b"), for the list of what changed. */
static void reason_add(char *buf, size_t size, const char *what)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", what);
}

static int prog_tag(int fd, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return 0;
}

/*
 * Whether the attached program's code is this vnetctl's: the kernel's tag
 * hashes the instructions as loaded, before the verifier prunes what the
 * configuration switches off, so the program this vnetctl would load for
 * the same mode has the same tag exactly when the code is the same. This
 * loads it (never attaches it) to find out. 1 same, 0 not, -errno.
 */
static int plan_same_code(const char *ifname, const struct vnet_att *att)
{
	__u8 have[BPF_TAG_SIZE], ours[BPF_TAG_SIZE];
	struct vnet_loaded loaded;
	int err;

	err = prog_tag(att->prog_fd, have);
	if (err) {
		log_err_sys(err, "%s: cannot read the attached program's tag", ifname);
		return err;
	}
	err = vnet_load(ifname, att->mode, &att->cfg, &loaded);
	if (err)
		return err;
	err = prog_tag(loaded.prog_fd, ours);
	vnet_loaded_release(&loaded);
	if (err) {
		log_err_sys(err, "%s: cannot read the program's tag", ifname);
		return err;
	}
	return !memcmp(have, ours, sizeof(have));
}

/*
 * Why the attached program cannot become what @c says without a new one
 * (its mode, its .rodata, its code), into @why: 1 if so, 0 if it can,
 * -errno (reported).
 */
static int plan_needs_reattach(const struct vnet_conf *c, const struct vnet_found *found,
			       char *why, size_t size)
{
	const struct vnet_att *att = &found->att[0];
	const struct vnet_config *have = &att->cfg, *want = &c->want.cfg;
	unsigned char mac[6];
	bool mac_ok, auto_loopback = false;
	char changed[128] = "";
	int err;

	if (found->n > 1) {
		snprintf(why, size, "%u attachments on one interface", found->n);
		return 1;
	}
	/*
	 * auto picks loopback exactly where nothing is received (a dummy), and
	 * never elsewhere; any other mode it may pick satisfies it.
	 */
	if (c->want.mode == VNET_MODE_AUTO) {
		char drv[32] = "";

		iface_driver(c->ifname, drv, sizeof(drv));
		auto_loopback = mode_driver_rx_empty(drv);
	}
	if ((c->want.mode != VNET_MODE_AUTO && att->mode != c->want.mode) ||
	    (c->want.mode == VNET_MODE_AUTO && (att->mode == VNET_MODE_LOOPBACK) != auto_loopback)) {
		snprintf(why, size, "mode %s -> %s", mode_name(att->mode), mode_name(c->want.mode));
		return 1;
	}
	if (!att->cfg_known || !tries_present(&att->tries) ||
	    att->map_value_size != sizeof(struct vnet_stats)) {
		snprintf(why, size, "the attached program (id %u) is from another vnet version",
			 att->prog_id);
		return 1;
	}
	if (have->no_ipv4 != want->no_ipv4)
		reason_add(changed, sizeof(changed), "no-ipv4");
	if (have->no_ipv6 != want->no_ipv6)
		reason_add(changed, sizeof(changed), "no-ipv6");
	if (have->rate_global != want->rate_global ||
	    have->rate_per_source != want->rate_per_source)
		reason_add(changed, sizeof(changed), "rate-limit");
	if (have->rate_drop != want->rate_drop)
		reason_add(changed, sizeof(changed), "rate-limit-drop");
	if (have->ttl != want->ttl)
		reason_add(changed, sizeof(changed), "ttl");
	if (have->claim_age != want->claim_age)
		reason_add(changed, sizeof(changed), "claim-age");
	if (have->seed != want->seed)
		reason_add(changed, sizeof(changed), "seed");
	/* ARP and ND answers carry the MAC of the attach. */
	mac_ok = !iface_mac(c->ifname, mac);
	if (mac_ok && memcmp(mac, have->mac, sizeof(mac)))
		reason_add(changed, sizeof(changed), "the interface's MAC address");
	/* attach checks the destination MAC where it knows it, unless told not to or in loopback mode. */
	if (!!have->dst_mac_on != (mac_ok && !c->want.any_dst_mac && !mode_any_dst_mac(att->mode)))
		reason_add(changed, sizeof(changed), "any-dst-mac");
	if (changed[0]) {
		snprintf(why, size, "changed: %s", changed);
		return 1;
	}
	err = plan_same_code(c->ifname, att);
	if (err < 0)
		return err;
	if (!err) {
		snprintf(why, size, "the attached program (id %u) is from another vnet version",
			 att->prog_id);
		return 1;
	}
	return 0;
}

/*
 * What @a has that @b has not; with @attrs, also what @b has with other
 * attributes (respond add replaces them in one map update).
 */
static int prefix_list_minus(const struct prefix_list *a, const struct prefix_list *b,
			     bool attrs, struct prefix_list *out)
{
	for (size_t i = 0; i < a->n; i++) {
		bool same = false;

		for (size_t k = 0; k < b->n && !same; k++)
			same = prefix_equal(&a->p[i], &b->p[k]) &&
			       (!attrs || prefix_attr_equal(&a->p[i], &b->p[k]));
		if (!same && prefix_list_add(out, &a->p[i]))
			return -ENOMEM;
	}
	return 0;
}

/* The steps from what the kernel has to what @c says. 0 or -errno (reported). */
static int plan_make(const struct vnet_conf *c, struct apply_plan *plan)
{
	struct prefix_list have = {}, add = {}, del = {};
	struct vnet_found found = {};
	struct apply_step *s;
	int ifindex, err;

	ifindex = iface_resolve(c->ifname);
	if (!ifindex)
		return -ENODEV;
	err = vnet_find(ifindex, &found);
	if (err) {
		log_err_sys(err, "%s: cannot inspect the interface", c->ifname);
		goto out;
	}
	if (!found.n) {
		s = &plan->step[plan->n++];
		snprintf(s->reason, sizeof(s->reason), "not attached");
		err = plan_attach(s, c, false);
		goto out;
	}
	snprintf(plan->state, sizeof(plan->state), "%s mode, prog id %u",
		 mode_name(found.att[0].mode), found.att[0].prog_id);
	s = &plan->step[plan->n];
	err = plan_needs_reattach(c, &found, s->reason, sizeof(s->reason));
	if (err < 0)
		goto out;
	if (err) {
		plan->n++;
		err = plan_attach(s, c, true);
		goto out;
	}

	err = tries_read(&found.att[0].tries, &have);
	if (err) {
		log_err_sys(err, "%s: cannot read the prefix maps", c->ifname);
		goto out;
	}
	err = prefix_list_minus(&c->want.respond, &have, true, &add) ?:
	      prefix_list_minus(&have, &c->want.respond, false, &del);
	if (err)
		goto nomem;
	/* Add before delete: the count never drops to 0 on the way. */
	err = plan_respond(plan, c, "add", &add) ?: plan_respond(plan, c, "del", &del);
nomem:
	if (err == -ENOMEM)
		log_err_sys(err, "%s: cannot plan", c->ifname);
out:
	prefix_list_free(&have);
	prefix_list_free(&add);
	prefix_list_free(&del);
	vnet_found_release(&found);
	return err;
}

static void plan_free(struct apply_plan *plan)
{
	for (unsigned int i = 0; i < plan->n; i++)
		argvec_free(&plan->step[i].args);
}

static void plan_print(const struct vnet_conf *c, const struct apply_plan *plan, bool json,
		       bool dry_run)
{
	struct json j;

	if (!json) {
		if (!plan->n)
			printf("%s: up to date (%s)\n", c->ifname, plan->state);
		for (unsigned int i = 0; i < plan->n; i++) {
			const struct argvec *a = &plan->step[i].args;

			printf("%s: %s: vnetctl", c->ifname, plan->step[i].reason);
			for (int k = 0; k < a->n; k++)
				printf(" %s", a->v[k]);
			putchar('\n');
		}
		fflush(stdout);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "ifname", c->ifname);
	json_kv_string(&j, "file", c->path);
	json_key(&j, "dry_run");
	json_bool(&j, dry_run);
	json_key(&j, "changes");
	json_array_begin(&j);
	for (unsigned int i = 0; i < plan->n; i++) {
		const struct argvec *a = &plan->step[i].args;

		json_object_begin(&j);
		json_kv_string(&j, "reason", plan->step[i].reason);
		json_key(&j, "command");
		json_array_begin(&j);
		json_string(&j, "vnetctl");
		for (int k = 0; k < a->n; k++)
			json_string(&j, a->v[k]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	putchar('\n');
	fflush(stdout);
}

/*
 * Runs one step through the command itself. With -j, the command's own
 * stdout lines go to /dev/null so stdout stays one JSON object; errors
 * still reach stderr.
 */
static int plan_run_step(const struct apply_step *s, bool quiet)
{
	/* A plan's steps are attach and respond commands. */
	static const struct vnet_cmd *const steps[] = { &attach_cmd, &respond_cmd };
	const struct vnet_cmd *cmd = NULL;
	int saved = -1, null, rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(steps); i++)
		if (!strcmp(s->args.v[0], steps[i]->name))
			cmd = steps[i];
	if (!cmd)
		return VNET_EXIT_FAIL;
	if (quiet) {
		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (saved >= 0 && null >= 0)
			dup2(null, STDOUT_FILENO);
		if (null >= 0)
			close(null);
	}
	/* A fresh getopt for the command, as main() gives it. */
	optind = 0;
	rc = cmd->run(cmd, s->args.n, s->args.v);
	if (saved >= 0) {
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return rc;
}

struct apply_opts {
	bool dry_run, json;
};

static int cmd_apply(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct vnet_conf conf = {};
	struct apply_plan plan = {};
	struct apply_opts o = {};
	int rc, ret = VNET_EXIT_FAIL;
	const char *arg;

	rc = cmd_parse(cmd, &o, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	if (optind >= argc)
		return usage_error(cmd, "missing FILE or IFACE");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	arg = argv[optind];
	rc = conf_locate(cmd, arg, &conf);
	if (rc != CMD_CONTINUE)
		return rc;

	if (conf_read(&conf) || plan_make(&conf, &plan))
		goto out;
	plan_print(&conf, &plan, o.json, o.dry_run);
	if (o.dry_run) {
		ret = VNET_EXIT_OK;
		goto out;
	}
	for (unsigned int i = 0; i < plan.n; i++) {
		rc = plan_run_step(&plan.step[i], o.json);
		if (rc != VNET_EXIT_OK) {
			/* A usage error of ours would be a bug here: report it as a failure. */
			goto out;
		}
	}
	ret = VNET_EXIT_OK;
out:
	plan_free(&plan);
	conf_free(&conf);
	return ret;
}

static const struct opt apply_opts[] = {
	{ .name = "dry-run", .key = 'n', .type = OPT_FLAG, OPT_AT(struct apply_opts, dry_run),
	  .help = "print the plan (as vnetctl commands) and change nothing" },
	{ .name = "json", .key = 'j', .type = OPT_FLAG, OPT_AT(struct apply_opts, json),
	  .help = "the plan as one JSON object" },
	OPT_END
};

const struct vnet_cmd apply_cmd = {
	.name = "apply",
	.run = cmd_apply,
	.operands = "FILE|IFACE",
	.about =
"  Bring IFACE's attachment to what its config file says (FILE, named\n"
"  IFACE.conf, or /etc/vnet/IFACE.conf) with the fewest changes: prefixes\n"
"  changed live, a re-attach only when the mode or the program must change.\n",
	.opts = apply_opts,
	.col = 19,
};
