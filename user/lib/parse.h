/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * parse.h - strict parsers for the values vnetctl's options and config
 * file take: what the command line accepts, the file accepts alike.
 */
#ifndef VNET_LIB_PARSE_H
#define VNET_LIB_PARSE_H

#include <stdbool.h>

/* A rate limit's packets per second: 1 to this. */
#define PARSE_MAX_PPS	1000000000UL

/*
 * A decimal integer in [@min, @max] and nothing else: no sign, no space,
 * no base prefix (a leading zero does not make it octal). 0, -EINVAL (not
 * such a number) or -ERANGE (outside the range, or past 64 bits). The one
 * integer parser of vnetctl, bench/micro included.
 */
int parse_u64(const char *s, unsigned long long min, unsigned long long max,
	      unsigned long long *out);

/* parse_u64() for an unsigned long, at most ten digits. */
int parse_decimal(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/*
 * A decimal number with an optional fraction and exponent (strtod's), finite,
 * in [@min, @max], and nothing after it. 0 or -EINVAL.
 */
int parse_double(const char *s, double min, double max, double *out);

/*
 * A rate limit, "PPS" (all sources together) or "PPS/source", PPS 1 to
 * PARSE_MAX_PPS. 0 or -EINVAL.
 */
int parse_rate_limit(const char *s, unsigned long *pps, bool *per_source);

/*
 * A MAC address, xx:xx:xx:xx:xx:xx (one or two hex digits each), through
 * glibc's ether_aton_r, which alone would let anything follow the sixth.
 * 0 or -EINVAL.
 */
int parse_mac(const char *s, unsigned char mac[6]);

#endif /* VNET_LIB_PARSE_H */
