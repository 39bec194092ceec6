/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * opt.h - command-line options as one table per command: each row is an
 * option's name, its argument, its help, where its value goes and how it
 * is checked. getopt's string and long options, the --help text, the
 * synopsis and the errors all come from the table, so an option is
 * written once. The same rows read KEY = VALUE lines (opt_set()), which
 * is how a config file takes attach's options.
 */
#ifndef VNET_LIB_OPT_H
#define VNET_LIB_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What an option's argument is, and where it goes in the command's store. */
enum opt_type {
	OPT_FLAG,	/* no argument: the value (bool or __u8) becomes 1 */
	OPT_SET,	/* no argument: the int becomes .set (-j sets the json format) */
	OPT_UINT,	/* a decimal in [min, max]; the value is .size bytes */
	OPT_DOUBLE,	/* a number in [dmin, dmax]; a double */
	OPT_STRING,	/* the argument itself; a const char * */
	OPT_CHOICE,	/* one of .choices; the int becomes its index */
	OPT_FN,		/* .fn parses and stores it */
};

/* .flags */
#define OPT_REPEAT	0x1	/* may be given more than once ("..." in the synopsis) */
#define OPT_CLI		0x2	/* on the command line only: no config key */
#define OPT_NEEDED	0x4	/* the command says it is needed: no brackets in the synopsis */

/* Longest message a parser writes (it ends up on one line). */
#define OPT_ERR_MAX 256

/*
 * An OPT_FN parser: stores what @arg means in @store, or writes the
 * error (no newline) into @err and returns -EINVAL.
 */
typedef int (*opt_fn)(void *store, const char *arg, char *err);
/*
 * An OPT_FN row's value written back as its @k-th argument (a repeatable
 * row may have several) into @buf of OPT_ERR_MAX bytes: 0, or -ENOENT when
 * there is no @k-th.
 */
typedef int (*opt_show_fn)(const void *store, unsigned int k, char *buf);

struct opt {
	const char *name;	/* --name, and the config key */
	int key;		/* -k, or 0 */
	enum opt_type type;
	const char *arg;	/* its argument in --help ("[N]": optional); NULL: none */
	const char *help;	/* --help's lines for it ('\n' between); NULL: unlisted */
	size_t off;		/* where the value goes in the store */
	size_t size;		/* OPT_FLAG, OPT_UINT: the value's size */
	int set;		/* OPT_SET */
	unsigned long long min, max;	/* OPT_UINT */
	double dmin, dmax;		/* OPT_DOUBLE */
	const char *const *choices;	/* OPT_CHOICE, NULL-terminated */
	opt_fn fn;			/* OPT_FN */
	opt_show_fn show;		/* OPT_FN, for opt_args() */
	/* OPT_UINT, OPT_DOUBLE, OPT_CHOICE: the error, "%s" the argument. */
	const char *bad;
	unsigned int flags;
};

/* Where a value goes: the field of the store struct, and its size. */
#define OPT_AT(type, field) \
	.off = offsetof(type, field), .size = sizeof(((type *)0)->field)

/* The end of a table. */
#define OPT_END { .name = NULL }

/* Which rows of a table were given: bit i for row i (tables are short). */
typedef unsigned long long opt_seen_t;
#define OPT_MAX_ROWS 64

/*
 * Parses argv's options with getopt_long into @store; operands may stand
 * between them (getopt moves them to the end). -v/--verbose raises
 * log_verbosity, -h/--help returns OPT_HELP. 0 when done (the operands
 * from argv[optind]), or -EINVAL with the error written to @err (at least
 * OPT_ERR_MAX bytes). @seen gets the rows given. An optional argument may
 * also be the next word when that is a number ("-w 2" as "-w2").
 */
#define OPT_HELP 1
int opt_parse(const struct opt *table, void *store, int argc, char **argv,
	      opt_seen_t *seen, char *err);

/* The index of the row named @name, or -ENOENT. */
int opt_find(const struct opt *table, const char *name);
/* Whether the row named @name was given. */
bool opt_given(const struct opt *table, opt_seen_t seen, const char *name);

/*
 * One KEY = VALUE of a config file: the row named @key (not OPT_CLI),
 * with flags taking yes/true or no/false. The row's index, or -ENOENT
 * (no such key) or -EINVAL with @err written.
 */
int opt_set(const struct opt *table, void *store, const char *key, const char *val,
	    char *err);

/*
 * The options that say what @store holds, as arguments: each row but
 * OPT_CLI and OPT_SET ones, in table order, where @store differs from
 * @defaults (OPT_FN rows: what .show gives), as "--name" and its value.
 * @push takes each word; its first error stops and is returned.
 */
int opt_args(const struct opt *table, const void *store, const void *defaults,
	     int (*push)(void *ctx, const char *word), void *ctx);

/* The keys opt_set() takes, ", " between, into @buf. */
void opt_keys(const struct opt *table, char *buf, size_t size);

/*
 * The synopsis, from column @col of the line: @name, @operands, then each
 * option as [-k|--name ARG], wrapped before column 80 and indented by
 * @name's width.
 */
void opt_synopsis(FILE *out, int col, const char *name, const char *operands,
		  const struct opt *table);
/* The listed options, one per row, their help from column @col. */
void opt_help(FILE *out, const struct opt *table, int col);

#endif /* VNET_LIB_OPT_H */
