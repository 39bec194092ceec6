// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * parse.c - strict parsers for option and config values (see parse.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;

	if (!s[0] || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return -EINVAL;
	v = strtoul(s, NULL, 10);
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_rate_limit(const char *s, unsigned long *pps, bool *per_source)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	char num[16];

	if (len >= sizeof(num) || (slash && strcmp(slash, "/source")))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_decimal(num, 1, PARSE_MAX_PPS, pps))
		return -EINVAL;
	*per_source = slash != NULL;
	return 0;
}
