// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * peer.c - inspect a veth's peer over rtnetlink, and tell the user how to
 * make native-mode replies reach it.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mode.h"
#include "core/peer.h"
#include "lib/iface.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "lib/util.h"

/* Where `make install` puts xdp_pass.bpf.o; the Makefile sets it. */
#ifndef VNET_LIBDIR
#define VNET_LIBDIR "/usr/local/lib/vnet"
#endif

int veth_peer_inspect(int ifindex, struct veth_peer *peer)
{
	struct nl_link self, far;
	int err;

	err = nl_get_link(ifindex, -1, &self);
	if (err)
		return err;
	if (!self.link)
		return -ENOENT;
	/*
	 * A netns our netns cannot give an id (one being torn down, or an
	 * id allocation failure) is reported as -1: asking with that would ask our own netns about an
	 * unrelated interface that happens to have the peer's index.
	 */
	if (self.has_link_netnsid && self.link_netnsid < 0)
		return -ENOENT;
	/*
	 * A peer in another netns is reported by its index there plus the
	 * id our netns has for that netns; IFLA_TARGET_NETNSID asks there.
	 */
	err = nl_get_link(self.link, self.has_link_netnsid ? self.link_netnsid : -1, &far);
	if (err)
		return err;

	memcpy(peer->ifname, far.ifname, sizeof(peer->ifname));
	peer->other_netns = self.has_link_netnsid;
	peer->netnsid = self.has_link_netnsid ? self.link_netnsid : -1;
	peer->xdp_drv_prog_id = far.xdp_drv_prog_id;
	peer->num_rx_queues = far.num_rx_queues;
	peer->has_address = far.has_address;
	memcpy(peer->address, far.address, sizeof(peer->address));
	return 0;
}

int veth_peer_of(const char *ifname, int ifindex, struct veth_peer *peer)
{
	char drv[32];

	if (iface_driver(ifname, drv, sizeof(drv)) || strcmp(drv, "veth"))
		return -ENOENT;
	return veth_peer_inspect(ifindex, peer);
}

const char *xdp_pass_path(char *buf, size_t len)
{
	static const char installed[] = VNET_LIBDIR "/xdp_pass.bpf.o";
	char exe[PATH_MAX], tree[PATH_MAX + 32];
	ssize_t n;
	int m;

	if (access(installed, R_OK) == 0)
		goto use_installed;

	/* Run from the build tree: user/vnetctl -> ../.output/xdp_pass.bpf.o */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		goto use_installed;
	exe[n] = '\0';
	m = snprintf(tree, sizeof(tree), "%s/../.output/xdp_pass.bpf.o", dirname(exe));
	if (m < 0 || (size_t)m >= sizeof(tree) || !realpath(tree, exe))
		goto use_installed;
	snprintf(buf, len, "%s", exe);
	return buf;

use_installed:
	/* Where `make install` would put it, the most useful thing to name. */
	snprintf(buf, len, "%s", installed);
	return buf;
}

void veth_peer_warn(const struct veth_peer *peer)
{
	char path[PATH_MAX];

	log_warn("veth peer %s has no XDP program: native XDP_TX replies will be dropped; attach one to it (ip link set dev %s xdpdrv obj %s sec xdp%s) or use --mode generic",
		 peer->ifname, peer->ifname, xdp_pass_path(path, sizeof(path)),
		 peer->other_netns ? ", in its namespace" : "");
}
