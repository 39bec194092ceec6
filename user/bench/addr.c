// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * addr.c - the addresses of a bench run: the destination range, the
 * source (IFACE's own by default) and the next hop's MAC (the veth peer's,
 * else the neighbour table's entry for the first destination).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench/run.h"
#include "core/peer.h"
#include "lib/addr.h"
#include "lib/iface.h"
#include "lib/log.h"
#include "lib/netlink.h"

static int family_of(const char *arg)
{
	return strchr(arg, ':') ? 6 : 4;
}

/* The low 64 bits of an address, as a number (IPv4: the whole address). */
static __u64 addr_low(int family, const __u8 *ip)
{
	const __u8 *p = family == 4 ? ip : ip + 8;
	int n = family == 4 ? 4 : 8;
	__u64 v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * ADDR or FIRST-LAST (inclusive). An IPv6 range may vary in its low 64
 * bits only, which is all the generator adds its offset to.
 */
int bench_parse_dst(const char *arg, struct bench_config *cfg)
{
	char first[INET6_ADDRSTRLEN + 1];
	const char *dash = strchr(arg, '-');
	__u8 last[16];
	size_t n;

	n = dash ? (size_t)(dash - arg) : strlen(arg);
	if (n == 0 || n >= sizeof(first))
		return -EINVAL;
	memcpy(first, arg, n);
	first[n] = '\0';
	cfg->family = family_of(first);
	if (addr_parse(first, cfg->family, cfg->dst_ip) < 0)
		return -EINVAL;
	cfg->dst_count = 1;
	if (!dash)
		return 0;
	if (family_of(dash + 1) != cfg->family || addr_parse(dash + 1, cfg->family, last) < 0)
		return -EINVAL;
	if (cfg->family == 6 && memcmp(cfg->dst_ip, last, 8))
		return -ERANGE;
	if (addr_low(cfg->family, last) < addr_low(cfg->family, cfg->dst_ip))
		return -ERANGE;
	cfg->dst_count = addr_low(cfg->family, last) - addr_low(cfg->family, cfg->dst_ip) + 1;
	/* 2^64 addresses would wrap the count to 0: one short of it will do. */
	if (cfg->dst_count == 0)
		cfg->dst_count = ~0ULL;
	return 0;
}

/* IFACE's first address of @family with global scope (no link-local, loopback). */
int bench_default_src(const char *ifname, int family, __u8 *out)
{
	struct ifaddrs *ifa, *a;
	int err = -ENOENT;

	if (getifaddrs(&ifa))
		return -errno;
	for (a = ifa; a; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, ifname))
			continue;
		if (family == 4 && a->ifa_addr->sa_family == AF_INET) {
			const struct in_addr *in = &((struct sockaddr_in *)a->ifa_addr)->sin_addr;
			const __u8 *b = (const __u8 *)in;

			if (b[0] == 127 || (b[0] == 169 && b[1] == 254))
				continue;
			memset(out, 0, 16);
			memcpy(out, in, 4);
			err = 0;
			break;
		}
		if (family == 6 && a->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *in6 = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(in6) || IN6_IS_ADDR_LOOPBACK(in6) ||
			    IN6_IS_ADDR_MULTICAST(in6))
				continue;
			memcpy(out, in6, 16);
			err = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return err;
}

/*
 * The veth peer's MAC (rtnetlink reaches into the peer's netns by the id
 * ours has for it, as user/peer.c does), else the neighbour entry of the
 * first destination. -ENOENT when neither is known.
 */
int bench_default_dst_mac(const char *ifname, int ifindex, const struct bench_config *cfg,
			  __u8 *mac)
{
	struct veth_peer peer;
	char text[ADDR_STRLEN];

	if (!veth_peer_of(ifname, ifindex, &peer) && peer.has_address) {
		memcpy(mac, peer.address, 6);
		log_note("%s: sending to its veth peer %s", ifname, peer.ifname);
		return 0;
	}
	if (nl_get_neigh(ifindex, cfg->family == 4 ? AF_INET : AF_INET6, cfg->dst_ip, mac))
		return -ENOENT;
	log_note("%s: sending to %s, the neighbour entry of the destination", ifname,
		 addr_format_mac(mac, text));
	return 0;
}

