/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * netlink.h - the rtnetlink queries libbpf does not offer: a link's veth
 * peer (possibly in another network namespace), its XDP programs and MAC,
 * whether a clsact qdisc carries filters other than ours, a neighbour
 * entry, and the id our netns has for another netns.
 */
#ifndef VNET_NETLINK_H
#define VNET_NETLINK_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

/* What RTM_GETLINK says about one interface. */
struct nl_link {
	int ifindex;
	char ifname[IFNAMSIZ];
	int link;		/* IFLA_LINK: a veth's peer ifindex; 0 if none */
	bool has_link_netnsid;	/* the peer lives in another netns ... */
	int link_netnsid;	/* ... known in ours by this id */
	__u32 xdp_drv_prog_id;	/* native-mode XDP program; 0: none */
	__u32 num_rx_queues;	/* IFLA_NUM_RX_QUEUES; 0: not reported */
	bool has_address;	/* an Ethernet address (IFLA_ADDRESS, 6 bytes) */
	__u8 address[6];
};

/*
 * RTM_GETLINK for @ifindex, in our netns (@netnsid < 0) or in the netns
 * our netns knows as @netnsid (IFLA_TARGET_NETNSID, no setns needed).
 * Returns 0 or -errno (-ENODEV: no such interface there).
 */
int nl_get_link(int ifindex, int netnsid, struct nl_link *link);

/*
 * How many filters on @ifindex's clsact hook @parent (TC_H_MAKE(TC_H_CLSACT,
 * TC_H_MIN_INGRESS or _EGRESS)) are not the one at @handle/@prio.
 * Returns 0 and sets *@count, or -errno (-EINVAL: no clsact qdisc).
 */
int nl_tc_count_other_filters(int ifindex, __u32 parent, __u32 handle, __u32 prio,
			      unsigned int *count);

/* 1 if @ifindex has a clsact qdisc, 0 if not, or -errno. */
int nl_has_clsact(int ifindex);

/*
 * A batch: a few rtnetlink requests sent in one sendmsg(). The kernel runs
 * every request of the buffer inside that one system call, so no signal,
 * SIGKILL included, lands between them: this is how vnetctl makes a clsact
 * qdisc and its filter, or puts a new program on and takes the old one off
 * across hooks, as one step. Each request still succeeds or fails on its
 * own (a failure does not stop the next); err[] says which.
 */
#define NL_BATCH_MAX	4
#define NL_TC_ROOM	256	/* one request of ours, attributes included */

struct nl_batch {
	char buf[NL_BATCH_MAX * NL_TC_ROOM] __attribute__((aligned(4)));
	size_t off;
	unsigned int n;
	int err[NL_BATCH_MAX];	/* after nlb_send(): each request's 0 or -errno */
};

#define NL_BATCH_INIT	{ .off = 0, .n = 0 }

/* Each appends one request and returns its index in err[]. */
unsigned int nlb_clsact_add(struct nl_batch *b, int ifindex);
unsigned int nlb_clsact_del(struct nl_batch *b, int ifindex);
/* A direct-action bpf filter running @prog_fd (@name, as tc shows it). */
unsigned int nlb_filter_add(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio, int prog_fd, const char *name);
unsigned int nlb_filter_del(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio);
/* IFLA_XDP: @prog_fd (-1: remove), XDP_FLAGS_*, @expected_fd (-1: none). */
unsigned int nlb_xdp(struct nl_batch *b, int ifindex, int prog_fd, __u32 flags,
		     int expected_fd);
/* Sends the batch and waits for every ack. 0 (see err[]) or -errno. */
int nlb_send(struct nl_batch *b);

/*
 * The link-layer address the neighbour table holds for @addr (4 or 16
 * bytes, per @family AF_INET/AF_INET6) on @ifindex, if the entry is usable
 * (not FAILED or INCOMPLETE). 0, -ENOENT, or -errno.
 */
int nl_get_neigh(int ifindex, int family, const void *addr, __u8 mac[6]);

/*
 * The id our netns has for the netns @nsfd refers to (RTM_GETNSID with
 * NETNSA_FD). 0 and *@nsid (-1: none assigned), or -errno.
 */
int nl_get_nsid(int nsfd, int *nsid);

/* An interface's root qdisc (kind "" if the dump has none). */
struct nl_qdisc {
	char kind[16];
	__u32 handle;		/* 0: a default qdisc the kernel attached */
};

/* RTM_GETQDISC dump: @ifindex's root qdisc into *@q. 0 or -errno. */
int nl_root_qdisc(int ifindex, struct nl_qdisc *q);
/* A root fq qdisc at @handle (only where the root is a default one). */
unsigned int nlb_fq_add(struct nl_batch *b, int ifindex, __u32 handle, __u32 limit,
			__u32 flow_limit);
/* Delete the root qdisc if it is @kind at @handle (the kernel checks the handle). */
unsigned int nlb_root_del(struct nl_batch *b, int ifindex, __u32 handle, const char *kind);

#endif /* VNET_NETLINK_H */
