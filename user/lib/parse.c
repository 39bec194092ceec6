// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * parse.c - strict parsers for option and config values (see parse.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <netinet/ether.h>
#include <string.h>

#include "lib/parse.h"

int parse_u64(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out)
{
	unsigned long long v;

	if (!s[0] || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	int err;

	if (strlen(s) > 10)
		return -EINVAL;
	err = parse_u64(s, min, max, &v);
	if (!err)
		*out = v;
	return err;
}

int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -EINVAL;
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

int parse_mac(const char *s, unsigned char mac[6])
{
	const char *last = strrchr(s, ':');
	struct ether_addr ea;
	int colons = 0;

	for (const char *c = s; *c; c++) {
		if (*c == ':')
			colons++;
		else if (!isxdigit((unsigned char)*c))
			return -EINVAL;
	}
	if (colons != 5 || !last[1] || strlen(last + 1) > 2 || !ether_aton_r(s, &ea))
		return -EINVAL;
	memcpy(mac, ea.ether_addr_octet, 6);
	return 0;
}
