// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * prefix.c - CIDR prefixes: parse, print, compare, list.
 *
 * Parsing is strict on purpose: a prefix decides which addresses of a real
 * LAN vnet answers for, so "198.18.1.5/22" is refused with the network it
 * probably meant rather than silently widened, and a length is decimal
 * digits only (no sign, no spaces, no hex).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/mode.h"
#include "core/prefix.h"
#include "lib/addr.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/util.h"

static unsigned int prefix_bits(int family)
{
	return family == 4 ? 32 : 128;
}

/* Clears the bits past p->len; returns whether any was set. */
static bool prefix_clear_host_bits(struct prefix *p)
{
	unsigned int nbytes = prefix_bits(p->family) / 8;
	bool had = false;

	for (unsigned int i = 0; i < nbytes; i++) {
		unsigned int first = i * 8;	/* bit index of this byte's MSB */
		__u8 mask;

		if (first + 8 <= p->len)
			continue;
		mask = first >= p->len ? 0 : (__u8)(0xff << (8 - (p->len - first)));
		if (p->addr[i] & ~mask)
			had = true;
		p->addr[i] &= mask;
	}
	return had;
}

static int prefix_parse_len(const char *s, unsigned int max, __u8 *len)
{
	unsigned long long v;
	int err;

	/* Longer than "128" is no length: the prefix is malformed. */
	err = strlen(s) > 3 ? -EINVAL : parse_u64(s, 0, max, &v);
	if (err)
		return err == -ERANGE ? PREFIX_BAD_LEN : PREFIX_BAD;
	*len = (__u8)v;
	return 0;
}

int prefix_parse(const char *text, struct prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	int err;

	memset(p, 0, sizeof(*p));
	if (!alen || alen >= sizeof(addr))
		return PREFIX_BAD;
	memcpy(addr, text, alen);
	addr[alen] = '\0';

	err = addr_parse(addr, 0, p->addr);
	if (err < 0)
		return PREFIX_BAD;
	p->family = (__u8)err;

	p->len = (__u8)prefix_bits(p->family);
	if (slash) {
		err = prefix_parse_len(slash + 1, prefix_bits(p->family), &p->len);
		if (err)
			return err;
	}
	return prefix_clear_host_bits(p) ? PREFIX_HOST_BITS : 0;
}

static int prefix_attr_hops(const char *text, const char *v, struct prefix *p)
{
	unsigned long n;

	if (!v[0] || strspn(v, "0123456789") != strlen(v) || strlen(v) > 3 ||
	    (n = strtoul(v, NULL, 10)) > VNET_MAX_HOPS) {
		log_err("%s: hops=%s: not a number of routers from 0 to %d", text, v,
			VNET_MAX_HOPS);
		return -EINVAL;
	}
	p->attr.hops = (__u8)n;
	return 0;
}

static int prefix_attr_via(const char *text, const char *v, struct prefix *p)
{
	if (addr_parse(v, p->family, p->attr.router) < 0) {
		log_err("%s: via=%s: not an IPv%u address", text, v, p->family);
		return -EINVAL;
	}
	return 0;
}

/* One open TCP port: 1 to 65535, at most VNET_MAX_PORTS of them. */
static int prefix_attr_port(const char *text, const char *v, struct prefix *p)
{
	unsigned long n;
	__be16 port;

	if (!v[0] || strspn(v, "0123456789") != strlen(v) || strlen(v) > 5 ||
	    (n = strtoul(v, NULL, 10)) < 1 || n > 65535) {
		log_err("%s: port '%s': not a TCP port from 1 to 65535", text, v);
		return -EINVAL;
	}
	port = htons((__u16)n);
	for (unsigned int i = 0; i < p->attr.nr_ports; i++)
		if (p->attr.ports[i] == port)
			return 0;
	if (p->attr.nr_ports == VNET_MAX_PORTS) {
		log_err("%s: more than %d open ports", text, VNET_MAX_PORTS);
		return -EINVAL;
	}
	p->attr.ports[p->attr.nr_ports++] = port;
	return 0;
}

/*
 * loss=P% and dup=P%: a share of echo requests, 0 to 100 with up to four
 * decimals (the program counts in parts per million); the % is optional.
 */
static int prefix_attr_pct(const char *text, const char *name, const char *v, __u32 *ppm)
{
	char buf[16], *dot;
	unsigned long whole, frac = 0;
	size_t n = strlen(v), flen = 0;

	if (n && v[n - 1] == '%')
		n--;
	if (!n || n >= sizeof(buf))
		goto bad;
	memcpy(buf, v, n);
	buf[n] = '\0';
	dot = strchr(buf, '.');
	if (dot) {
		*dot = '\0';
		flen = strlen(dot + 1);
		if (!flen || flen > 4 || strspn(dot + 1, "0123456789") != flen)
			goto bad;
		frac = strtoul(dot + 1, NULL, 10);
		for (size_t i = flen; i < 4; i++)
			frac *= 10;
	}
	if (!buf[0] || strspn(buf, "0123456789") != strlen(buf) || strlen(buf) > 3)
		goto bad;
	whole = strtoul(buf, NULL, 10);
	if (whole * 10000 + frac > 1000000)
		goto bad;
	*ppm = (__u32)(whole * 10000 + frac);	/* 10^-4 percent: parts per million */
	return 0;
bad:
	log_err("%s: %s=%s: not a share from 0 to 100%% (up to 4 decimals)", text, name, v);
	return -EINVAL;
}

/* Milliseconds with up to 3 decimals ("50", "0.5", "12.125") into microseconds. */
static int prefix_parse_ms(const char *v, size_t n, __u32 *us)
{
	unsigned long whole = 0, frac = 0;
	size_t i = 0, digits = 0, fdigits = 0;

	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
		whole = whole * 10 + (unsigned long)(v[i] - '0');
	if (!digits || digits > 4)
		return -EINVAL;
	if (i < n && v[i] == '.') {
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, fdigits++)
			frac = frac * 10 + (unsigned long)(v[i] - '0');
		if (!fdigits || fdigits > 3)
			return -EINVAL;
		for (size_t k = fdigits; k < 3; k++)
			frac *= 10;
	}
	if (i != n)
		return -EINVAL;
	*us = (__u32)(whole * 1000 + frac);
	return 0;
}

/*
 * delay=MS[/JITTER]: the echo reply leaves MS +- JITTER milliseconds
 * (uniform) after the request came (bpf/delay.h). JITTER at most MS, and
 * MS + JITTER at most 9 s (fq drops what is due beyond its 10 s horizon).
 */
static int prefix_attr_delay(const char *text, const char *v, struct prefix *p)
{
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	__u32 d, j = 0;

	if (prefix_parse_ms(v, n, &d) || (slash && prefix_parse_ms(slash + 1, strlen(slash + 1), &j))) {
		log_err("%s: delay=%s: not MS or MS/JITTER (milliseconds, up to 3 decimals)", text, v);
		return -EINVAL;
	}
	if (j > d || (__u64)d + j > VNET_DELAY_MAX_US) {
		log_err("%s: delay=%s: the jitter must be at most the delay, and both together at most %u ms",
			text, v, VNET_DELAY_MAX_US / 1000);
		return -EINVAL;
	}
	p->attr.delay_us = d;
	p->attr.jitter_us = j;
	return 0;
}

/* ports=PORT[,PORT...] or ports=none: UDP and TCP answered, these open. */
static int prefix_attr_ports(const char *text, const char *v, struct prefix *p)
{
	p->attr.flags |= VNET_ATTR_L4;
	if (!strcmp(v, "none"))
		return 0;
	return prefix_attr_port(text, v, p);
}

/*
 * The attributes after the prefix: comma-separated NAME=VALUE, each at
 * most once; after ports=, bare numbers are more ports ("ports=22,80").
 * via= goes with hops= only (without routers it names none).
 */
static int prefix_parse_attrs(const char *text, char *attrs, struct prefix *p)
{
	bool seen_hops = false, seen_via = false, seen_ports = false, in_ports = false;
	bool seen_loss = false, seen_dup = false, seen_delay = false;
	char *tok, *save = NULL;

	for (tok = strtok_r(attrs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		bool *seen;
		int err;

		if (!eq && in_ports && p->attr.nr_ports) {
			err = prefix_attr_port(text, tok, p);
			if (err)
				return err;
			continue;
		}
		in_ports = false;
		if (!eq) {
			log_err("%s: '%s': attributes are NAME=VALUE (hops=N, via=ADDRESS, ports=PORT,..., loss=P%%, dup=P%%, delay=MS[/JITTER])",
				text, tok);
			return -EINVAL;
		}
		*eq = '\0';
		if (!strcmp(tok, "hops")) {
			seen = &seen_hops;
			err = prefix_attr_hops(text, eq + 1, p);
		} else if (!strcmp(tok, "via")) {
			seen = &seen_via;
			err = prefix_attr_via(text, eq + 1, p);
		} else if (!strcmp(tok, "loss")) {
			seen = &seen_loss;
			err = prefix_attr_pct(text, tok, eq + 1, &p->attr.loss_ppm);
		} else if (!strcmp(tok, "dup")) {
			seen = &seen_dup;
			err = prefix_attr_pct(text, tok, eq + 1, &p->attr.dup_ppm);
		} else if (!strcmp(tok, "delay")) {
			seen = &seen_delay;
			err = prefix_attr_delay(text, eq + 1, p);
		} else if (!strcmp(tok, "ports")) {
			seen = &seen_ports;
			err = prefix_attr_ports(text, eq + 1, p);
			in_ports = true;
		} else {
			log_err("%s: unknown attribute '%s' (hops=N, via=ADDRESS, ports=PORT,..., loss=P%%, dup=P%%, delay=MS[/JITTER])",
				text, tok);
			return -EINVAL;
		}
		if (err)
			return err;
		if (*seen) {
			log_err("%s: %s= given twice", text, tok);
			return -EINVAL;
		}
		*seen = true;
	}
	if (seen_via && !p->attr.hops) {
		log_err("%s: via= names router 1: it needs hops=N (1 or more)", text);
		return -EINVAL;
	}
	if (p->attr.hops && !seen_via) {
		/* Router 1 is the network's first address, 2 the next, ... */
		memcpy(p->attr.router, p->addr, sizeof(p->attr.router));
		prefix_router(p, 2, p->attr.router);
	}
	if (!p->attr.hops)
		memset(p->attr.router, 0, sizeof(p->attr.router));
	/* The far end of a traceroute answers its UDP and TCP probes. */
	if (p->attr.hops)
		p->attr.flags |= VNET_ATTR_L4;
	if (p->attr.loss_ppm || p->attr.dup_ppm)
		p->attr.flags |= VNET_ATTR_CHAOS;
	if (p->attr.delay_us)
		p->attr.flags |= VNET_ATTR_DELAY;
	return 0;
}

int prefix_parse_report(const char *text, struct prefix *p)
{
	char net[PREFIX_STRLEN], buf[PREFIX_STRLEN];
	const char *comma = strchr(text, ',');
	int rc;

	if (comma) {
		if (strlen(text) >= sizeof(buf)) {
			log_err("%.40s...: too long for a prefix and its attributes", text);
			return -EINVAL;
		}
		strcpy(buf, text);
		buf[comma - text] = '\0';
		rc = prefix_parse(buf, p);
	} else {
		rc = prefix_parse(text, p);
	}
	if (!rc && comma)
		return prefix_parse_attrs(text, buf + (comma - text) + 1, p);

	switch (rc) {
	case 0:
		return 0;
	case PREFIX_BAD_LEN:
		log_err("%s: prefix length out of range (0 to %u for IPv%u)", log_arg(text),
			prefix_bits(p->family), p->family);
		break;
	case PREFIX_HOST_BITS:
		prefix_format(p, net, sizeof(net));
		log_err("%s: host bits set (did you mean %s?)", log_arg(text), net);
		break;
	default:
		log_err("%s: not an IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH)", log_arg(text));
		break;
	}
	return -EINVAL;
}

void prefix_format(const struct prefix *p, char *buf, size_t size)
{
	char addr[ADDR_STRLEN];

	snprintf(buf, size, "%s/%u", addr_format(p->family, p->addr, addr), p->len);
}

/* ",loss=12.5%": the shortest decimal that reads back to @ppm. */
static void prefix_format_pct(char *buf, size_t size, const char *name, __u32 ppm)
{
	size_t n = strlen(buf);
	char frac[8];
	int len;

	if (!ppm)
		return;
	len = snprintf(frac, sizeof(frac), "%04u", ppm % 10000);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	snprintf(buf + n, size - n, ",%s=%u%s%s%%", name, ppm / 10000, len ? "." : "", frac);
}

/* Microseconds as the shortest milliseconds that read back: "50", "0.5". */
static void prefix_format_ms(char *buf, size_t size, __u32 us)
{
	size_t n = strlen(buf);
	char frac[8];
	int len;

	len = snprintf(frac, sizeof(frac), "%03u", us % 1000);
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	snprintf(buf + n, size - n, "%u%s%s", us / 1000, len ? "." : "", frac);
}

/* ",delay=50/10", or nothing without a delay. */
static void prefix_format_delay(char *buf, size_t size, const struct vnet_prefix_attr *a)
{
	size_t n = strlen(buf);

	if (!(a->flags & VNET_ATTR_DELAY))
		return;
	snprintf(buf + n, size - n, ",delay=");
	prefix_format_ms(buf, size, a->delay_us);
	if (!a->jitter_us)
		return;
	n = strlen(buf);
	snprintf(buf + n, size - n, "/");
	prefix_format_ms(buf, size, a->jitter_us);
}

void prefix_format_attrs(const struct prefix *p, char *buf, size_t size)
{
	char via[ADDR_STRLEN];
	size_t n;

	prefix_format(p, buf, size);
	if (p->attr.hops) {
		n = strlen(buf);
		snprintf(buf + n, size - n, ",hops=%u,via=%s", p->attr.hops,
			 addr_format(p->family, p->attr.router, via));
	}
	prefix_format_pct(buf, size, "loss", p->attr.loss_ppm);
	prefix_format_pct(buf, size, "dup", p->attr.dup_ppm);
	prefix_format_delay(buf, size, &p->attr);
	if (!(p->attr.flags & VNET_ATTR_L4) || (p->attr.hops && !p->attr.nr_ports))
		return;
	n = strlen(buf);
	snprintf(buf + n, size - n, ",ports=%s", p->attr.nr_ports ? "" : "none");
	for (unsigned int i = 0; i < p->attr.nr_ports; i++) {
		n = strlen(buf);
		snprintf(buf + n, size - n, "%s%u", i ? "," : "", ntohs(p->attr.ports[i]));
	}
}

bool prefix_attr_equal(const struct prefix *a, const struct prefix *b)
{
	return !memcmp(&a->attr, &b->attr, sizeof(a->attr));
}

void prefix_router(const struct prefix *p, unsigned int k, __u8 *addr)
{
	unsigned int off = p->family == 4 ? 0 : 12;
	__u32 w;

	memmove(addr, p->attr.router, 16);
	memcpy(&w, addr + off, 4);
	w = htonl(ntohl(w) + k - 1);
	memcpy(addr + off, &w, 4);
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, prefix_bits(a->family) / 8);
	if (c)
		return c;
	return (int)a->len - (int)b->len;
}

bool prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return !prefix_cmp(a, b);
}

void prefix_to_key4(const struct prefix *p, struct vnet_prefix4_key *key)
{
	memset(key, 0, sizeof(*key));
	key->prefixlen = p->len;
	memcpy(key->addr, p->addr, sizeof(key->addr));
}

void prefix_to_key6(const struct prefix *p, struct vnet_prefix6_key *key)
{
	memset(key, 0, sizeof(*key));
	key->prefixlen = p->len;
	memcpy(key->addr, p->addr, sizeof(key->addr));
}

void prefix_from_key4(const struct vnet_prefix4_key *key, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->len = (__u8)key->prefixlen;
	memcpy(p->addr, key->addr, sizeof(key->addr));
}

void prefix_from_key6(const struct vnet_prefix6_key *key, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = 6;
	p->len = (__u8)key->prefixlen;
	memcpy(p->addr, key->addr, sizeof(key->addr));
}

bool prefix_contains(const struct prefix *p, int family, const __u8 *addr)
{
	struct prefix a = { .family = p->family, .len = p->len };

	if (family != p->family)
		return false;
	memcpy(a.addr, addr, prefix_bits(family) / 8);
	prefix_clear_host_bits(&a);
	return !memcmp(a.addr, p->addr, prefix_bits(family) / 8);
}

bool prefix_list_contains(const struct prefix_list *l, int family, const __u8 *addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (prefix_contains(&l->p[i], family, addr))
			return true;
	return false;
}

bool prefix_list_has(const struct prefix_list *l, const struct prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (prefix_equal(&l->p[i], p))
			return true;
	return false;
}

int prefix_list_add(struct prefix_list *l, const struct prefix *p)
{
	struct prefix *np;

	if (prefix_list_has(l, p))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		np = reallocarray(l->p, cap, sizeof(*np));
		if (!np)
			return -ENOMEM;
		l->p = np;
		l->cap = cap;
	}
	l->p[l->n++] = *p;
	return 0;
}

size_t prefix_list_count(const struct prefix_list *l, int family)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->p[i].family == family;
	return n;
}

static int prefix_qsort_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

void prefix_list_sort(struct prefix_list *l)
{
	if (l->n)
		qsort(l->p, l->n, sizeof(*l->p), prefix_qsort_cmp);
}

void prefix_list_free(struct prefix_list *l)
{
	free(l->p);
	l->p = NULL;
	l->n = l->cap = 0;
}
