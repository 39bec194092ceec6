/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * prefix.h - the --respond prefixes as vnetctl handles them: parsed from
 * CIDR text, printed back, kept in sorted, duplicate-free lists, and
 * turned into the LPM trie keys of bpf/vnet.shared.h.
 */
#ifndef VNET_PREFIX_H
#define VNET_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vnet.shared.h"

/*
 * "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" and its attributes
 * (",hops=64,via=" and another address, ",ports=" and 8 ports, loss=, dup=,
 * delay=), and a NUL.
 */
#define PREFIX_STRLEN 256

struct prefix {
	__u8 family;		/* 4 or 6 */
	__u8 len;		/* bits, 0..32 or 0..128 */
	__u8 addr[16];		/* network byte order; the first 4 bytes for IPv4 */
	/*
	 * What the tries' value says (bpf/vnet.shared.h): not part of the prefix's
	 * identity (prefix_cmp() ignores it), so `respond add` of a prefix
	 * that is there with other attributes changes them in place.
	 */
	struct vnet_prefix_attr attr;
};

/* prefix_parse()'s results besides 0. */
enum prefix_error {
	PREFIX_BAD = 1,		/* not ADDRESS[/LENGTH] */
	PREFIX_BAD_LEN,		/* a length beyond the family's bits */
	PREFIX_HOST_BITS,	/* bits set past the length; *p is the network */
};

/*
 * Parses "ADDRESS[/LENGTH]" (IPv4 or IPv6; no length means a single
 * address, /32 or /128) into @p. Returns 0 or an enum prefix_error; on
 * PREFIX_HOST_BITS @p holds the prefix with the host bits cleared, for
 * the "did you mean" of the message.
 */
int prefix_parse(const char *text, struct prefix *p);

/*
 * Parses "PREFIX[,ATTR=VALUE...]" (hops=N, via=ADDRESS, ports=PORT[,PORT...]
 * or ports=none) and
 * reports a bad one (one line, naming @text): the usage errors of
 * --respond and `respond add|del`. 0 or -EINVAL.
 */
int prefix_parse_report(const char *text, struct prefix *p);

/* "198.18.4.0/22", "2001:db8:1::/64": always with the length. */
void prefix_format(const struct prefix *p, char *buf, size_t size);
/*
 * prefix_format() and the attributes that differ from a plain prefix, in
 * the syntax prefix_parse_report() reads: "198.18.4.0/22,hops=3,via=198.18.4.1".
 */
void prefix_format_attrs(const struct prefix *p, char *buf, size_t size);
/* Whether @a and @b have the same attributes. */
bool prefix_attr_equal(const struct prefix *a, const struct prefix *b);
/* Router @k's address (1-based) of @p, as the program computes it. */
void prefix_router(const struct prefix *p, unsigned int k, __u8 *addr);

/* IPv4 before IPv6, then by address, then shorter first. */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
bool prefix_equal(const struct prefix *a, const struct prefix *b);

/* The trie keys of bpf/vnet.shared.h, and back. */
void prefix_to_key4(const struct prefix *p, struct vnet_prefix4_key *key);
void prefix_to_key6(const struct prefix *p, struct vnet_prefix6_key *key);
void prefix_from_key4(const struct vnet_prefix4_key *key, struct prefix *p);
void prefix_from_key6(const struct vnet_prefix6_key *key, struct prefix *p);

/* A growable list of prefixes. */
struct prefix_list {
	struct prefix *p;
	size_t n, cap;
};

/* Appends @p unless it is already there. 0 or -ENOMEM. */
int prefix_list_add(struct prefix_list *l, const struct prefix *p);
/* Whether @addr (of @family, 4 or 6) is inside @p, as the program's tries say. */
bool prefix_contains(const struct prefix *p, int family, const __u8 *addr);
/* Whether @addr is inside one of @l's prefixes. */
bool prefix_list_contains(const struct prefix_list *l, int family, const __u8 *addr);
bool prefix_list_has(const struct prefix_list *l, const struct prefix *p);
/* How many prefixes of @family (4 or 6) @l holds. */
size_t prefix_list_count(const struct prefix_list *l, int family);
void prefix_list_sort(struct prefix_list *l);
void prefix_list_free(struct prefix_list *l);

#endif /* VNET_PREFIX_H */
