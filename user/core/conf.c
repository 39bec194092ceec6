// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * conf.c - reading /etc/vnet/IFACE.conf (see conf.h). Values are checked
 * as attach checks its options, so that the attach apply runs from them
 * never meets a usage error: every mistake is reported here, with its line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "lib/log.h"
#include "lib/parse.h"

#define CONF_MAX_LINE 4096

static int conf_error(const struct vnet_conf *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int conf_error(const struct vnet_conf *c, unsigned int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s:%u: %s", c->path, line, msg);
	return -EINVAL;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* A key that may be given once: remembers its line, or reports the repeat. */
static int conf_once(const struct vnet_conf *c, unsigned int *seen, unsigned int line,
		     const char *key)
{
	if (*seen)
		return conf_error(c, line, "%s given twice (first on line %u)", key, *seen);
	*seen = line;
	return 0;
}

static int conf_flag(const struct vnet_conf *c, unsigned int *seen, unsigned int line,
		     const char *key, const char *val, __u8 *out)
{
	if (conf_once(c, seen, line, key))
		return -EINVAL;
	if (!strcmp(val, "yes") || !strcmp(val, "true"))
		*out = 1;
	else if (!strcmp(val, "no") || !strcmp(val, "false"))
		*out = 0;
	else
		return conf_error(c, line, "%s: invalid value '%s': use yes or no", key, val);
	return 0;
}

static int conf_rate(struct vnet_conf *c, unsigned int line, const char *val)
{
	unsigned long v;
	bool per_source;

	if (parse_rate_limit(val, &v, &per_source))
		return conf_error(c, line, "invalid rate limit '%s': PPS or PPS/source, PPS 1 to %lu",
				  val, PARSE_MAX_PPS);
	if (per_source) {
		if (conf_once(c, &c->line_rate_s, line, "rate-limit PPS/source"))
			return -EINVAL;
		c->cfg.rate_per_source = (__u32)v;
	} else {
		if (conf_once(c, &c->line_rate_g, line, "rate-limit PPS"))
			return -EINVAL;
		c->cfg.rate_global = (__u32)v;
	}
	return 0;
}

/*
 * Whether the comma-separated piece at @s starts a new prefix rather than
 * carrying on the one before (an attribute, or another port of ports=).
 */
static bool conf_piece_is_prefix(const char *s)
{
	char buf[PREFIX_STRLEN];
	size_t len = strcspn(s, ",");
	struct prefix p;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return prefix_parse(buf, &p) != PREFIX_BAD;
}

/*
 * One or more prefixes, separated by blanks or commas, each with the
 * attributes of --respond (PREFIX,hops=3,ports=22,80 ...): a piece after
 * a comma that reads as an address starts the next prefix. Parsed by
 * attach's own parser, its messages placed at FILE:LINE.
 */
static int conf_respond(struct vnet_conf *c, unsigned int line, char *val)
{
	char where[PATH_MAX + 16], *save = NULL, *tok, *start, *end;
	struct prefix p;
	int rc = 0;

	snprintf(where, sizeof(where), "%s:%u", c->path, line);
	for (tok = strtok_r(val, " \t", &save); tok && !rc; tok = strtok_r(NULL, " \t", &save)) {
		for (start = tok; *start && !rc; start = *end ? end + 1 : end) {
			end = start;
			while ((end = strchr(end, ',')) && !conf_piece_is_prefix(end + 1))
				end++;
			if (!end)
				end = start + strlen(start);
			char keep = *end;

			*end = '\0';
			log_context(where);
			rc = prefix_parse_report(start, &p);
			log_context(NULL);
			*end = keep;
			if (rc)
				break;
			if (prefix_list_add(&c->respond, &p))
				return conf_error(c, line, "out of memory");
			if (prefix_list_count(&c->respond, p.family) > VNET_MAX_PREFIXES)
				return conf_error(c, line, "too many IPv%d prefixes (at most %d)",
						  p.family, VNET_MAX_PREFIXES);
		}
	}
	return rc ? -EINVAL : 0;
}

static int conf_line(struct vnet_conf *c, unsigned int line, char *text)
{
	char *hash = strchr(text, '#'), *eq, *key, *val;
	unsigned long v;

	if (hash)
		*hash = '\0';
	text = trim(text);
	if (!*text)
		return 0;
	eq = strchr(text, '=');
	if (!eq)
		return conf_error(c, line, "expected KEY = VALUE, got '%s'", text);
	*eq = '\0';
	key = trim(text);
	val = trim(eq + 1);
	if (!*key)
		return conf_error(c, line, "expected KEY = VALUE: no key");
	if (!*val)
		return conf_error(c, line, "%s: no value", key);

	if (!strcmp(key, "mode")) {
		if (conf_once(c, &c->line_mode, line, key))
			return -EINVAL;
		if (mode_parse(val, &c->mode))
			return conf_error(c, line, "invalid mode '%s': use auto, native, generic, tc or loopback",
					  val);
		return 0;
	}
	if (!strcmp(key, "no-ipv4"))
		return conf_flag(c, &c->line_no4, line, key, val, &c->cfg.no_ipv4);
	if (!strcmp(key, "no-ipv6"))
		return conf_flag(c, &c->line_no6, line, key, val, &c->cfg.no_ipv6);
	if (!strcmp(key, "rate-limit-drop"))
		return conf_flag(c, &c->line_drop, line, key, val, &c->cfg.rate_drop);
	if (!strcmp(key, "any-dst-mac"))
		return conf_flag(c, &c->line_any, line, key, val, &c->any_dst_mac);
	if (!strcmp(key, "respond"))
		return conf_respond(c, line, val);
	if (!strcmp(key, "rate-limit"))
		return conf_rate(c, line, val);
	if (!strcmp(key, "claim-age")) {
		if (conf_once(c, &c->line_claim_age, line, key))
			return -EINVAL;
		if (parse_decimal(val, 0, VNET_CLAIM_AGE_MAX, &v))
			return conf_error(c, line, "invalid claim age '%s': 0 to %d seconds", val,
					  VNET_CLAIM_AGE_MAX);
		c->cfg.claim_age = (__u32)v;
		return 0;
	}
	if (!strcmp(key, "seed")) {
		if (conf_once(c, &c->line_seed, line, key))
			return -EINVAL;
		if (parse_decimal(val, 1, UINT32_MAX, &v))
			return conf_error(c, line, "invalid seed '%s': 1 to %u", val, UINT32_MAX);
		c->cfg.seed = (__u32)v;
		return 0;
	}
	if (!strcmp(key, "ttl")) {
		if (conf_once(c, &c->line_ttl, line, key))
			return -EINVAL;
		if (parse_decimal(val, 1, 255, &v))
			return conf_error(c, line, "invalid TTL '%s': 1 to 255", val);
		c->cfg.ttl = (__u8)v;
		return 0;
	}
	return conf_error(c, line, "unknown key '%s' (keys: mode, no-ipv4, no-ipv6, respond, rate-limit, rate-limit-drop, ttl, any-dst-mac, claim-age, seed)",
			  key);
}

int conf_read(struct vnet_conf *c)
{
	char buf[CONF_MAX_LINE + 2];
	unsigned int line = 0;
	FILE *f;
	int err = 0;

	f = fopen(c->path, "re");
	if (!f) {
		err = -errno;
		log_err_sys(err, "%s: cannot open", c->path);
		return err;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (strlen(buf) > CONF_MAX_LINE) {
			err = conf_error(c, line, "line longer than %d characters", CONF_MAX_LINE);
			break;
		}
		err = conf_line(c, line, buf);
		if (err)
			break;
	}
	if (!err && ferror(f)) {
		err = -EIO;
		log_err_sys(err, "%s: cannot read", c->path);
	}
	fclose(f);
	if (err)
		return err;
	if (c->cfg.rate_drop && !c->cfg.rate_per_source && !c->cfg.rate_global)
		return conf_error(c, c->line_drop, "rate-limit-drop needs a rate-limit");
	if (!c->line_claim_age)
		c->cfg.claim_age = VNET_CLAIM_AGE_DEFAULT;	/* attach's default */
	prefix_list_sort(&c->respond);
	return 0;
}


void conf_free(struct vnet_conf *c)
{
	prefix_list_free(&c->respond);
}
