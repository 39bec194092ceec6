// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * settings.c - attach's options as one table (settings.h): the command
 * line (cmd/attach.c) and config files (conf.c) both read it, so an
 * option is checked, and its error worded, in one place.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "lib/log.h"
#include "lib/parse.h"

#define S struct vnet_settings

static int settings_mode(void *store, const char *arg, char *err)
{
	S *s = store;

	if (mode_parse(arg, &s->mode)) {
		snprintf(err, OPT_ERR_MAX, "invalid mode '%s': use auto, native, generic, tc or loopback",
			 log_arg(arg));
		return -EINVAL;
	}
	return 0;
}

/* One prefix with its attributes; prefix.c words (and prints) its errors. */
static int settings_respond(void *store, const char *arg, char *err)
{
	S *s = store;
	struct prefix p;

	err[0] = '\0';
	if (prefix_parse_report(arg, &p))
		return -EINVAL;
	if (prefix_list_add(&s->respond, &p)) {
		snprintf(err, OPT_ERR_MAX, "out of memory");
		return -EINVAL;
	}
	return 0;
}

/* PPS (the global cap) or PPS/source (per source address), each once. */
static int settings_rate(void *store, const char *arg, char *err)
{
	S *s = store;
	unsigned long v;
	bool per_source;

	if (parse_rate_limit(arg, &v, &per_source)) {
		snprintf(err, OPT_ERR_MAX, "invalid rate limit '%s': PPS or PPS/source, PPS 1 to %lu",
			 log_arg(arg), PARSE_MAX_PPS);
		return -EINVAL;
	}
	if (per_source) {
		if (s->cfg.rate_per_source) {
			snprintf(err, OPT_ERR_MAX, "--rate-limit PPS/source given twice");
			return -EINVAL;
		}
		s->cfg.rate_per_source = (__u32)v;
	} else {
		if (s->cfg.rate_global) {
			snprintf(err, OPT_ERR_MAX, "--rate-limit PPS (the global cap) given twice");
			return -EINVAL;
		}
		s->cfg.rate_global = (__u32)v;
	}
	return 0;
}

static int settings_mode_show(const void *store, unsigned int k, char *buf)
{
	const S *s = store;

	if (k)
		return -ENOENT;
	snprintf(buf, OPT_ERR_MAX, "%s", mode_name(s->mode));
	return 0;
}

static int settings_respond_show(const void *store, unsigned int k, char *buf)
{
	const S *s = store;

	if (k >= s->respond.n)
		return -ENOENT;
	prefix_format_attrs(&s->respond.p[k], buf, OPT_ERR_MAX);
	return 0;
}

/* The global cap, then the per-source limit: those set. */
static int settings_rate_show(const void *store, unsigned int k, char *buf)
{
	const S *s = store;

	if (s->cfg.rate_global && k-- == 0) {
		snprintf(buf, OPT_ERR_MAX, "%u", s->cfg.rate_global);
		return 0;
	}
	if (s->cfg.rate_per_source && k == 0) {
		snprintf(buf, OPT_ERR_MAX, "%u/source", s->cfg.rate_per_source);
		return 0;
	}
	return -ENOENT;
}

const struct opt vnet_settings_opts[] = {
	{ .name = "mode", .key = 'm', .type = OPT_FN, .fn = settings_mode, .show = settings_mode_show, .arg = "MODE",
	  .help = "auto (default): native XDP where replies can leave\n"
		  "(on veth only if the peer runs native XDP), else\n"
		  "generic on veth, loopback on dummy and tc\n"
		  "elsewhere; or one of\n"
		  "native, generic, tc, loopback (answer the host's own\n"
		  "requests on IFACE's egress)" },
	{ .name = "force", .key = 'f', .type = OPT_FLAG, OPT_AT(S, force), .flags = OPT_CLI,
	  .help = "replace a vnet attachment already on IFACE (the new\n"
		  "one has only the prefixes and limits given here)" },
	{ .name = "no-ipv4", .type = OPT_FLAG, OPT_AT(S, cfg.no_ipv4),
	  .help = "leave ICMP echo requests unanswered" },
	{ .name = "no-ipv6", .type = OPT_FLAG, OPT_AT(S, cfg.no_ipv6),
	  .help = "leave ICMPv6 echo requests unanswered" },
	{ .name = "respond", .key = 'r', .type = OPT_FN, .fn = settings_respond, .show = settings_respond_show, .arg = "PREFIX",
	  .flags = OPT_REPEAT,
	  .help = "answer only for destinations inside PREFIX (IPv4 or\n"
		  "IPv6 CIDR; an address alone is /32 or /128), and\n"
		  "answer ARP and neighbour solicitations for them with\n"
		  "IFACE's MAC; repeatable, up to 1024 per family.\n"
		  "Without it every unicast destination is answered and\n"
		  "ARP/ND never are" },
	{ .name = "rate-limit", .type = OPT_FN, .fn = settings_rate, .show = settings_rate_show, .arg = "PPS[/source]",
	  .flags = OPT_REPEAT,
	  .help = "answer at most PPS echo requests per second in all\n"
		  "(PPS) or per source address (PPS/source); each form\n"
		  "at most once. Requests over the limit are handed on" },
	{ .name = "rate-limit-drop", .type = OPT_FLAG, OPT_AT(S, cfg.rate_drop),
	  .help = "drop requests over the limit instead" },
	{ .name = "ttl", .type = OPT_UINT, OPT_AT(S, cfg.ttl), .min = 1, .max = 255, .arg = "N",
	  .bad = "invalid TTL '%s': 1 to 255",
	  .help = "reply TTL / hop limit 1..255 (default: the request's)" },
	{ .name = "any-dst-mac", .type = OPT_FLAG, OPT_AT(S, any_dst_mac),
	  .help = "also answer echo requests sent to other hosts' MACs\n"
		  "(a bridge port answering for others; loopback mode\n"
		  "always does). Default: only those to IFACE's MAC" },
	{ .name = "multiprog", .type = OPT_FLAG, OPT_AT(S, multiprog), .flags = OPT_CLI,
	  .help = "share the hook with other programs: XDP through\n"
		  "libxdp's dispatcher (priority 40, XDP_PASS goes on to\n"
		  "the next program; automatic where a dispatcher is\n"
		  "already), tc in the tcx chain (Linux 6.6+; else clsact)" },
	{ .name = "claim-age", .type = OPT_UINT, OPT_AT(S, cfg.claim_age),
	  .min = 0, .max = VNET_CLAIM_AGE_MAX, .arg = "SECONDS",
	  .bad = "invalid claim age '%s': 0 to 86400 seconds",
	  .help = "when another MAC claims an address of the prefixes\n"
		  "(ARP reply or announcement, neighbour advertisement,\n"
		  "DAD), leave it to that host until the claim is\n"
		  "SECONDS old (default 60; 0: never step aside)" },
	{ .name = "seed", .type = OPT_UINT, OPT_AT(S, cfg.seed), .min = 1, .max = UINT32_MAX,
	  .arg = "N", .bad = "invalid seed '%s': 1 to 4294967295",
	  .help = "draw loss= and dup= from a generator seeded with N\n"
		  "(1..4294967295), the same drops every run; default:\n"
		  "the kernel's random numbers" },
	OPT_END
};

_Static_assert(VNET_CLAIM_AGE_MAX == 86400, "claim-age's error quotes 86400");
_Static_assert(PREFIX_STRLEN <= OPT_ERR_MAX, "a prefix shown whole");

void vnet_settings_init(struct vnet_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = VNET_MODE_AUTO;
	s->cfg.claim_age = VNET_CLAIM_AGE_DEFAULT;
}

void vnet_settings_free(struct vnet_settings *s)
{
	prefix_list_free(&s->respond);
}
