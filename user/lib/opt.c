// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * opt.c - option tables (see opt.h): getopt_long driven from a table,
 * the same rows for KEY = VALUE, and --help written from them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "lib/log.h"
#include "lib/opt.h"
#include "lib/parse.h"
#include "lib/util.h"

/* getopt_long's value for a row without a short letter: 256 + its index. */
#define OPT_LONG_BASE 256

static size_t opt_rows(const struct opt *table)
{
	size_t n = 0;

	while (table[n].name)
		n++;
	return n;
}

static bool opt_takes_arg(const struct opt *o)
{
	return o->type != OPT_FLAG && o->type != OPT_SET;
}

static bool opt_arg_optional(const struct opt *o)
{
	return o->arg && o->arg[0] == '[';
}

static void opt_store_uint(void *dst, size_t size, unsigned long long v)
{
	switch (size) {
	case 1:
		*(__u8 *)dst = (__u8)v;
		break;
	case 2:
		*(__u16 *)dst = (__u16)v;
		break;
	case 4:
		*(__u32 *)dst = (__u32)v;
		break;
	default:
		*(__u64 *)dst = v;
	}
}

static unsigned long long opt_load_uint(const void *src, size_t size)
{
	switch (size) {
	case 1:
		return *(const __u8 *)src;
	case 2:
		return *(const __u16 *)src;
	case 4:
		return *(const __u32 *)src;
	default:
		return *(const __u64 *)src;
	}
}

static int opt_bad(const struct opt *o, const char *arg, char *err)
{
	/* The table's own format, with the argument as its only value. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(err, OPT_ERR_MAX, o->bad, log_arg(arg));
#pragma GCC diagnostic pop
	return -EINVAL;
}

/* Stores @arg (NULL: none given) as row @o says. */
static int opt_store(const struct opt *o, void *store, const char *arg, char *err)
{
	char *dst = (char *)store + o->off;
	unsigned long long v;

	switch (o->type) {
	case OPT_FLAG:
		opt_store_uint(dst, o->size, 1);
		return 0;
	case OPT_SET:
		*(int *)dst = o->set;
		return 0;
	case OPT_UINT:
		if (!arg)
			return 0;
		if (parse_u64(arg, o->min, o->max, &v))
			return opt_bad(o, arg, err);
		opt_store_uint(dst, o->size, v);
		return 0;
	case OPT_DOUBLE:
		if (arg && parse_double(arg, o->dmin, o->dmax, (double *)dst))
			return opt_bad(o, arg, err);
		return 0;
	case OPT_STRING:
		*(const char **)dst = arg;
		return 0;
	case OPT_CHOICE:
		for (int i = 0; arg && o->choices[i]; i++) {
			if (!strcmp(arg, o->choices[i])) {
				*(int *)dst = i;
				return 0;
			}
		}
		return arg ? opt_bad(o, arg, err) : 0;
	case OPT_FN:
		return o->fn(store, arg, err);
	}
	return 0;
}

/* A word an optional numeric argument may be: "-w 2" as "-w2". */
static bool opt_is_number(const struct opt *o, const char *s)
{
	char *end;

	if (o->type != OPT_DOUBLE && o->type != OPT_UINT)
		return false;
	strtod(s, &end);
	return end != s && !*end;
}

/* The error getopt_long's '?' or ':' stands for, in the words of ours. */
static int opt_getopt_error(int c, char **argv, char *err)
{
	/* getopt has moved past the offending word for long options. */
	const char *word = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':') {
		if (optopt && strncmp(word, "--", 2))
			snprintf(err, OPT_ERR_MAX, "option '-%c' requires an argument", optopt);
		else
			snprintf(err, OPT_ERR_MAX, "option '%s' requires an argument",
				 log_arg(word));
	} else if (optopt && optopt < OPT_LONG_BASE) {
		snprintf(err, OPT_ERR_MAX, "unknown option '-%c'", optopt);
	} else {
		snprintf(err, OPT_ERR_MAX, "unknown option '%s'", log_arg(word));
	}
	return -EINVAL;
}

int opt_parse(const struct opt *table, void *store, int argc, char **argv,
	      opt_seen_t *seen, char *err)
{
	struct option longopts[OPT_MAX_ROWS + 3] = {};
	char shorts[3 * OPT_MAX_ROWS + 8] = ":vh", *s = shorts + 3;
	size_t n = opt_rows(table), i;
	int c;

	*seen = 0;
	if (n > OPT_MAX_ROWS) {
		snprintf(err, OPT_ERR_MAX, "too many options in one table");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct opt *o = &table[i];
		int has = !opt_takes_arg(o) ? no_argument :
			  opt_arg_optional(o) ? optional_argument : required_argument;

		longopts[i] = (struct option){ o->name, has, NULL,
					       o->key ? o->key : OPT_LONG_BASE + (int)i };
		if (o->key) {
			*s++ = (char)o->key;
			if (has != no_argument)
				*s++ = ':';
			if (has == optional_argument)
				*s++ = ':';
		}
	}
	longopts[n] = (struct option){ "verbose", no_argument, NULL, 'v' };
	longopts[n + 1] = (struct option){ "help", no_argument, NULL, 'h' };
	*s = '\0';

	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		const struct opt *o = NULL;
		const char *arg = optarg;

		if (c == 'v' && !strchr(shorts + 3, 'v')) {
			log_verbosity++;
			continue;
		}
		if (c == 'h' && !strchr(shorts + 3, 'h'))
			return OPT_HELP;
		if (c >= OPT_LONG_BASE)
			o = &table[c - OPT_LONG_BASE];
		for (i = 0; !o && i < n; i++)
			if (table[i].key == c)
				o = &table[i];
		if (!o)
			return opt_getopt_error(c, argv, err);
		if (!arg && opt_arg_optional(o) && optind < argc && opt_is_number(o, argv[optind]))
			arg = argv[optind++];
		if (opt_store(o, store, arg, err))
			return -EINVAL;
		*seen |= 1ULL << (o - table);
	}
	return 0;
}

int opt_find(const struct opt *table, const char *name)
{
	for (int i = 0; table[i].name; i++)
		if (!strcmp(table[i].name, name))
			return i;
	return -ENOENT;
}

bool opt_given(const struct opt *table, opt_seen_t seen, const char *name)
{
	int i = opt_find(table, name);

	return i >= 0 && (seen & (1ULL << i));
}

int opt_set(const struct opt *table, void *store, const char *key, const char *val,
	    char *err)
{
	int i = opt_find(table, key);
	const struct opt *o;
	bool on;

	if (i < 0)
		return -ENOENT;
	o = &table[i];
	if ((o->flags & OPT_CLI) || o->type == OPT_SET)
		return -ENOENT;
	if (o->type != OPT_FLAG)
		return opt_store(o, store, val, err) ?: i;
	on = !strcmp(val, "yes") || !strcmp(val, "true");
	if (!on && strcmp(val, "no") && strcmp(val, "false")) {
		snprintf(err, OPT_ERR_MAX, "%s: invalid value '%s': use yes or no", key,
			 log_arg(val));
		return -EINVAL;
	}
	opt_store_uint((char *)store + o->off, o->size, on);
	return i;
}

/* Row @o's value in @store as its argument, into @buf; false for a flag. */
static bool opt_value(const struct opt *o, const void *store, char *buf)
{
	const char *v = (const char *)store + o->off;

	switch (o->type) {
	case OPT_UINT:
		snprintf(buf, OPT_ERR_MAX, "%llu", opt_load_uint(v, o->size));
		return true;
	case OPT_DOUBLE:
		snprintf(buf, OPT_ERR_MAX, "%g", *(const double *)v);
		return true;
	case OPT_STRING:
		snprintf(buf, OPT_ERR_MAX, "%s", *(const char *const *)v);
		return true;
	case OPT_CHOICE:
		snprintf(buf, OPT_ERR_MAX, "%s", o->choices[*(const int *)v]);
		return true;
	default:
		return false;
	}
}

int opt_args(const struct opt *table, const void *store, const void *defaults,
	     int (*push)(void *ctx, const char *word), void *ctx)
{
	char word[OPT_ERR_MAX + 2], val[OPT_ERR_MAX];
	int err = 0;

	for (size_t i = 0; table[i].name && !err; i++) {
		const struct opt *o = &table[i];

		if ((o->flags & OPT_CLI) || o->type == OPT_SET)
			continue;
		snprintf(word, sizeof(word), "--%s", o->name);
		if (o->type == OPT_FN) {
			for (unsigned int k = 0; !err && o->show && !o->show(store, k, val); k++)
				err = push(ctx, word) ?: push(ctx, val);
			continue;
		}
		if (!memcmp((const char *)store + o->off, (const char *)defaults + o->off, o->size))
			continue;
		err = push(ctx, word);
		if (!err && opt_value(o, store, val))
			err = push(ctx, val);
	}
	return err;
}

void opt_keys(const struct opt *table, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; table[i].name && len < size; i++) {
		if ((table[i].flags & OPT_CLI) || table[i].type == OPT_SET)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					table[i].name);
	}
}

void opt_synopsis(FILE *out, int col, const char *name, const char *operands,
		  const struct opt *table)
{
	int indent = (int)strlen(name) + 1;
	char word[128];

	col += fprintf(out, "%s%s%s", name, operands ? " " : "", operands ? operands : "");
	for (size_t i = 0; table[i].name; i++) {
		const struct opt *o = &table[i];
		const char *arg = o->arg ? o->arg : "";
		bool needed = o->flags & OPT_NEEDED;
		int len;

		if (o->key)
			len = snprintf(word, sizeof(word), "%s-%c|--%s%s%s%s%s", needed ? "" : "[",
				       o->key, o->name, *arg ? " " : "", arg,
				       needed ? "" : "]", o->flags & OPT_REPEAT ? "..." : "");
		else
			len = snprintf(word, sizeof(word), "%s--%s%s%s%s%s", needed ? "" : "[",
				       o->name, *arg ? " " : "", arg,
				       needed ? "" : "]", o->flags & OPT_REPEAT ? "..." : "");
		if (col + 1 + len >= 80)
			col = fprintf(out, "\n%*s%s", indent, "", word) - 1;
		else
			col += fprintf(out, " %s", word);
	}
	fputc('\n', out);
}

void opt_help(FILE *out, const struct opt *table, int col)
{
	for (size_t i = 0; table[i].name; i++) {
		const struct opt *o = &table[i];
		const char *line, *nl;
		char left[128];
		int len;

		if (!o->help)
			continue;
		if (o->key)
			len = snprintf(left, sizeof(left), "  -%c, --%s", o->key, o->name);
		else
			len = snprintf(left, sizeof(left), "      --%s", o->name);
		if (o->arg)
			len += snprintf(left + len, sizeof(left) - (size_t)len, " %s", o->arg);
		if (len + 2 <= col)
			fprintf(out, "%-*s", col, left);
		else
			fprintf(out, "%s\n%*s", left, col, "");
		for (line = o->help; (nl = strchr(line, '\n')); line = nl + 1)
			fprintf(out, "%.*s\n%*s", (int)(nl - line), line, col, "");
		fprintf(out, "%s\n", line);
	}
}
