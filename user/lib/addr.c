// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * addr.c - addresses in and out of text (see addr.h), the one place
 * that turns vnet's family numbers into AF_INET and AF_INET6.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/addr.h"

int addr_parse(const char *s, int family, __u8 out[16])
{
	memset(out, 0, 16);
	if (family != 6 && inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (family != 4 && inet_pton(AF_INET6, s, out) == 1)
		return 6;
	memset(out, 0, 16);
	return -EINVAL;
}

const char *addr_format(int family, const void *addr, char *buf)
{
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *addr_format_mac(const __u8 mac[6], char *buf)
{
	snprintf(buf, ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}
