/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * peer.h - a veth's far end, which decides whether native XDP can answer:
 * veth hands an XDP_TX frame to its peer's NAPI receive queue, and that
 * queue exists only while the peer runs a native-mode XDP program of its
 * own. Without one, the replies are dropped silently.
 */
#ifndef VNET_PEER_H
#define VNET_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

struct veth_peer {
	char ifname[IFNAMSIZ];
	bool other_netns;
	int netnsid;		/* the id our netns has for the peer's; -1: ours */
	__u32 xdp_drv_prog_id;	/* 0: no native XDP program on the peer */
	__u32 num_rx_queues;	/* 0: not reported */
	bool has_address;
	__u8 address[6];
};

/* Finds @ifindex's peer, in whichever netns it is. 0 or -errno. */
int veth_peer_inspect(int ifindex, struct veth_peer *peer);

/*
 * The same for an interface that must be a veth: -ENOENT for any other
 * driver (IFLA_LINK of a VLAN or macvlan is its lower device, not a peer).
 */
int veth_peer_of(const char *ifname, int ifindex, struct veth_peer *peer);

/* Where xdp_pass.bpf.o is: installed, else in the tree of this binary. */
const char *xdp_pass_path(char *buf, size_t len);

/* The warning (vnetctl(8), attach) for native mode with a peer that has no program. */
void veth_peer_warn(const struct veth_peer *peer);

#endif /* VNET_PEER_H */
