// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * conf.c - reading /etc/vnet/IFACE.conf (see conf.h). Values are checked
 * by attach's own option table (settings.c), so that the attach apply
 * runs from them never meets a usage error: every mistake is reported
 * here, with its line.
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
			if (prefix_list_add(&c->want.respond, &p))
				return conf_error(c, line, "out of memory");
			if (prefix_list_count(&c->want.respond, p.family) > VNET_MAX_PREFIXES)
				return conf_error(c, line, "too many IPv%d prefixes (at most %d)",
						  p.family, VNET_MAX_PREFIXES);
		}
	}
	return rc ? -EINVAL : 0;
}

static int conf_line(struct vnet_conf *c, unsigned int line, char *text)
{
	char *hash = strchr(text, '#'), *eq, *key, *val, keys[256], err[OPT_ERR_MAX];
	int row;

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

	if (!strcmp(key, "respond"))
		return conf_respond(c, line, val);
	row = opt_find(vnet_settings_opts, key);
	if (row < 0 || (vnet_settings_opts[row].flags & OPT_CLI)) {
		opt_keys(vnet_settings_opts, keys, sizeof(keys));
		return conf_error(c, line, "unknown key '%s' (keys: %s)", key, keys);
	}
	if (c->line[row] && !(vnet_settings_opts[row].flags & OPT_REPEAT))
		return conf_error(c, line, "%s given twice (first on line %u)", key, c->line[row]);
	c->line[row] = line;
	if (opt_set(vnet_settings_opts, &c->want, key, val, err) < 0)
		return conf_error(c, line, "%s", err);
	return 0;
}

int conf_read(struct vnet_conf *c)
{
	char buf[CONF_MAX_LINE + 2];
	unsigned int line = 0;
	FILE *f;
	int err = 0;

	vnet_settings_init(&c->want);	/* attach's defaults */
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
	if (c->want.cfg.rate_drop && !c->want.cfg.rate_per_source && !c->want.cfg.rate_global)
		return conf_error(c, c->line[opt_find(vnet_settings_opts, "rate-limit-drop")],
				  "rate-limit-drop needs a rate-limit");
	prefix_list_sort(&c->want.respond);
	return 0;
}

void conf_free(struct vnet_conf *c)
{
	vnet_settings_free(&c->want);
}
