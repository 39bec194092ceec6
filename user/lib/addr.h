/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * addr.h - addresses as vnet keeps them: a family of 4 or 6 and the
 * address in 16 bytes (IPv4 in the first 4), and MACs; in and out of text.
 */
#ifndef VNET_LIB_ADDR_H
#define VNET_LIB_ADDR_H

#include <arpa/inet.h>
#include <linux/types.h>

/* Long enough for either family's text, and for a MAC's (18). */
#define ADDR_STRLEN INET6_ADDRSTRLEN

/*
 * @s as an address of @family (0: whichever it is) into @out, zeroed to
 * 16 bytes first. The family (4 or 6), or -EINVAL.
 */
int addr_parse(const char *s, int family, __u8 out[16]);
/* @addr of @family as text into @buf (ADDR_STRLEN bytes); "?" if it cannot be. */
const char *addr_format(int family, const void *addr, char *buf);
/* xx:xx:xx:xx:xx:xx into @buf (ADDR_STRLEN bytes). */
const char *addr_format_mac(const __u8 mac[6], char *buf);

#endif /* VNET_LIB_ADDR_H */
