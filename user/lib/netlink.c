// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netlink.c - a minimal rtnetlink client for the two questions libbpf
 * cannot answer: "what is this veth's peer, in whichever netns it lives,
 * and does it run XDP?" and "does this clsact qdisc carry anyone else's
 * filters?". One request, one socket, closed before returning.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "lib/netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_BUF_SIZE	32768

/* Called for every reply message of the request; non-zero stops the walk. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nh, void *ctx);

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/*
	 * Best effort: the extended ack explains refusals, the capped ack
	 * keeps error replies small. Kernels without them still work.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The kernel's extended-ack text from an NLMSG_ERROR, shown with -v. */
static void nl_note_extack(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct rtattr *rta;
	int len;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= nh->nlmsg_len)
		return;
	rta = (const struct rtattr *)((const char *)nh + off);
	len = (int)(nh->nlmsg_len - off);
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(rta) > 0) {
			log_note("netlink: %.*s", (int)RTA_PAYLOAD(rta) - 1,
				 (const char *)RTA_DATA(rta));
			return;
		}
	}
}

/*
 * Sends @req and feeds every reply to @fn until the kernel acks, reports
 * an error, or ends the dump. Returns 0 or -errno.
 */
static int nl_request(struct nlmsghdr *req, nl_reply_fn fn, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	char *buf;
	int fd, err = 0;

	buf = malloc(NL_BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	fd = nl_open();
	if (fd < 0) {
		err = fd;
		goto out_free;
	}

	req->nlmsg_seq = 1;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out_close;
	}

	for (;;) {
		struct nlmsghdr *nh;
		ssize_t n;
		int left;

		n = recv(fd, buf, NL_BUF_SIZE, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out_close;
		}
		if (n > NL_BUF_SIZE) {
			err = -EMSGSIZE;
			goto out_close;
		}
		left = (int)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			if (nh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					err = -EBADMSG;
				} else {
					err = e->error;
					if (err)
						nl_note_extack(nh);
				}
				goto out_close;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed part way says so here. */
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
					int derr;

					memcpy(&derr, NLMSG_DATA(nh), sizeof(derr));
					if (derr < 0)
						err = derr;
				}
				goto out_close;
			}
			err = fn(nh, ctx);
			if (err)
				goto out_close;
			/* A plain get answers with one message and no ack. */
			if (!dump)
				goto out_close;
		}
		/*
		 * Bytes NLMSG_OK() refused are a message cut short: reading on
		 * would wait forever for an answer that already came, mangled.
		 */
		if (left > 0) {
			err = -EBADMSG;
			goto out_close;
		}
	}

out_close:
	close(fd);
out_free:
	free(buf);
	return err < 0 ? err : 0;
}

/* Indexes a run of attributes by type (flags masked off); later wins. */
static void nl_parse_attrs(const struct rtattr **tb, int max, const struct rtattr *rta,
			   int len)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		int type = rta->rta_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = rta;
	}
}

static __u32 nl_attr_u32(const struct rtattr *rta)
{
	__u32 v;

	if (!rta || RTA_PAYLOAD(rta) < sizeof(v))
		return 0;
	memcpy(&v, RTA_DATA(rta), sizeof(v));
	return v;
}

static void nl_rta_put(struct nlmsghdr *nh, size_t room, int type, const void *data,
		       size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	/* Requests here are fixed and small; overflowing is a bug. */
	if (NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len) > room)
		abort();
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len);
}

static int nl_link_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *tb[IFLA_MAX + 1], *xdp[IFLA_XDP_MAX + 1];
	struct nl_link *link = ctx;

	if (nh->nlmsg_type != RTM_NEWLINK || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EBADMSG;
	nl_parse_attrs(tb, IFLA_MAX, IFLA_RTA(ifi), (int)IFLA_PAYLOAD(nh));

	link->ifindex = ifi->ifi_index;
	if (tb[IFLA_IFNAME]) {
		size_t len = RTA_PAYLOAD(tb[IFLA_IFNAME]);

		if (len >= sizeof(link->ifname))
			len = sizeof(link->ifname) - 1;
		memcpy(link->ifname, RTA_DATA(tb[IFLA_IFNAME]), len);
		link->ifname[len] = '\0';
	}
	link->link = (int)nl_attr_u32(tb[IFLA_LINK]);
	link->num_rx_queues = nl_attr_u32(tb[IFLA_NUM_RX_QUEUES]);
	if (tb[IFLA_ADDRESS] && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == sizeof(link->address)) {
		link->has_address = true;
		memcpy(link->address, RTA_DATA(tb[IFLA_ADDRESS]), sizeof(link->address));
	}
	if (tb[IFLA_LINK_NETNSID]) {
		link->has_link_netnsid = true;
		link->link_netnsid = (int)nl_attr_u32(tb[IFLA_LINK_NETNSID]);
	}
	if (tb[IFLA_XDP]) {
		nl_parse_attrs(xdp, IFLA_XDP_MAX, RTA_DATA(tb[IFLA_XDP]),
			       (int)RTA_PAYLOAD(tb[IFLA_XDP]));
		link->xdp_drv_prog_id = nl_attr_u32(xdp[IFLA_XDP_DRV_PROG_ID]);
	}
	return 0;
}

int nl_get_link(int ifindex, int netnsid, struct nl_link *link)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nh.nlmsg_type = RTM_GETLINK,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = ifindex,
	};
	__u32 ext_mask = RTEXT_FILTER_SKIP_STATS;
	__s32 nsid = netnsid;
	int err;

	/* Counters are not wanted and make the reply large. */
	nl_rta_put(&req.nh, sizeof(req), IFLA_EXT_MASK, &ext_mask, sizeof(ext_mask));
	if (netnsid >= 0)
		nl_rta_put(&req.nh, sizeof(req), IFLA_TARGET_NETNSID, &nsid, sizeof(nsid));
	/* A bare ack instead of the link would leave *@link unset: say so. */
	memset(link, 0, sizeof(*link));
	err = nl_request(&req.nh, nl_link_reply, link);
	if (!err && link->ifindex != ifindex)
		err = -EBADMSG;
	return err;
}

struct nl_filter_count {
	__u32 handle;
	__u32 prio;
	unsigned int count;
};

static int nl_filter_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct tcmsg *tcm = NLMSG_DATA(nh);
	struct nl_filter_count *fc = ctx;
	__u32 prio;

	if (nh->nlmsg_type != RTM_NEWTFILTER || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*tcm)))
		return 0;
	prio = TC_H_MAJ(tcm->tcm_info) >> 16;
	/*
	 * A dump lists each classifier instance (handle 0) before its
	 * filters; ours is the instance at our priority and our handle.
	 */
	if (prio == fc->prio && (tcm->tcm_handle == 0 || tcm->tcm_handle == fc->handle))
		return 0;
	fc->count++;
	return 0;
}

int nl_tc_count_other_filters(int ifindex, __u32 parent, __u32 handle, __u32 prio,
			      unsigned int *count)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tcm;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.nh.nlmsg_type = RTM_GETTFILTER,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.tcm.tcm_family = AF_UNSPEC,
		.tcm.tcm_ifindex = ifindex,
		.tcm.tcm_parent = parent,
	};
	struct nl_filter_count fc = { .handle = handle, .prio = prio };
	int err;

	err = nl_request(&req.nh, nl_filter_reply, &fc);
	if (err)
		return err;
	*count = fc.count;
	return 0;
}

struct nl_neigh_query {
	int ifindex;
	size_t addr_len;
	const void *addr;
	bool found;
	__u8 *mac;
};

static int nl_neigh_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct ndmsg *ndm = NLMSG_DATA(nh);
	const struct rtattr *tb[NDA_MAX + 1];
	struct nl_neigh_query *q = ctx;

	if (nh->nlmsg_type != RTM_NEWNEIGH || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)))
		return 0;
	if (q->found || ndm->ndm_ifindex != q->ifindex ||
	    (ndm->ndm_state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NONE)))
		return 0;
	nl_parse_attrs(tb, NDA_MAX, (const struct rtattr *)((const char *)ndm +
			NLMSG_ALIGN(sizeof(*ndm))), (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ndm))));
	if (!tb[NDA_DST] || RTA_PAYLOAD(tb[NDA_DST]) != q->addr_len ||
	    memcmp(RTA_DATA(tb[NDA_DST]), q->addr, q->addr_len))
		return 0;
	if (!tb[NDA_LLADDR] || RTA_PAYLOAD(tb[NDA_LLADDR]) != 6)
		return 0;
	memcpy(q->mac, RTA_DATA(tb[NDA_LLADDR]), 6);
	q->found = true;
	return 0;
}

int nl_get_neigh(int ifindex, int family, const void *addr, __u8 mac[6])
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg ndm;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
		.nh.nlmsg_type = RTM_GETNEIGH,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.ndm.ndm_family = family,
	};
	struct nl_neigh_query q = {
		.ifindex = ifindex,
		.addr_len = family == AF_INET ? 4 : 16,
		.addr = addr,
		.mac = mac,
	};
	int err;

	err = nl_request(&req.nh, nl_neigh_reply, &q);
	if (err)
		return err;
	return q.found ? 0 : -ENOENT;
}

static int nl_nsid_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct rtgenmsg *g = NLMSG_DATA(nh);
	const struct rtattr *tb[NETNSA_MAX + 1];
	int *nsid = ctx;

	if (nh->nlmsg_type != RTM_NEWNSID || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return -EBADMSG;
	nl_parse_attrs(tb, NETNSA_MAX, (const struct rtattr *)((const char *)g +
			NLMSG_ALIGN(sizeof(*g))), (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*g))));
	*nsid = tb[NETNSA_NSID] ? (int)nl_attr_u32(tb[NETNSA_NSID]) : -1;
	return 0;
}

int nl_get_nsid(int nsfd, int *nsid)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
		char attrs[16];
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg)),
		.nh.nlmsg_type = RTM_GETNSID,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.g.rtgen_family = AF_UNSPEC,
	};
	__u32 fd = (__u32)nsfd;

	nl_rta_put(&req.nh, sizeof(req), NETNSA_FD, &fd, sizeof(fd));
	*nsid = -1;
	return nl_request(&req.nh, nl_nsid_reply, nsid);
}

/*
 * Sends the @n requests in @buf (sequence numbers 1..@n, each asking for
 * an ack) in one sendmsg() and collects each one's result into @errs[].
 * The kernel runs every request of the buffer inside that one system
 * call, so no signal, SIGKILL included, can land between them: this is
 * how vnetctl makes a clsact qdisc and its filter (or removes both) as
 * one step. Returns 0 when every ack arrived, or -errno.
 */
static int nl_batch_send(const void *buf, size_t len, unsigned int n, int *errs)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	unsigned int acked = 0;
	char *rbuf;
	int fd, err = 0;

	rbuf = malloc(NL_BUF_SIZE);
	if (!rbuf)
		return -ENOMEM;
	fd = nl_open();
	if (fd < 0) {
		free(rbuf);
		return fd;
	}
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	/* One ack per request; anything else in between is not ours to read. */
	while (acked < n) {
		struct nlmsghdr *nh;
		ssize_t got;
		int left;

		got = recv(fd, rbuf, NL_BUF_SIZE, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		left = (int)got;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_type != NLMSG_ERROR || nh->nlmsg_seq < 1 ||
			    nh->nlmsg_seq > n || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				continue;
			errs[nh->nlmsg_seq - 1] = e->error;
			if (e->error)
				nl_note_extack(nh);
			acked++;
		}
		if (!got) {
			err = -EBADMSG;
			goto out;
		}
	}
out:
	close(fd);
	free(rbuf);
	return err;
}

/* Room for the next request of @b, zeroed; its header's type, flags and seq set. */
static struct nlmsghdr *nlb_next(struct nl_batch *b, int type, int flags)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(b->buf + b->off);

	/* A batch is a fixed handful of small requests; more is a bug. */
	if (b->n >= NL_BATCH_MAX || b->off + NL_TC_ROOM > sizeof(b->buf))
		abort();
	memset(nh, 0, NL_TC_ROOM);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nh->nlmsg_seq = ++b->n;
	return nh;
}

/* Moves past the request nlb_next() gave; returns its index in the batch. */
static unsigned int nlb_end(struct nl_batch *b, struct nlmsghdr *nh)
{
	b->off += NLMSG_ALIGN(nh->nlmsg_len);
	return b->n - 1;
}

static struct nlmsghdr *nlb_tc(struct nl_batch *b, int type, int flags, int ifindex,
			       __u32 parent, __u32 handle, __u32 info, const char *kind)
{
	struct nlmsghdr *nh = nlb_next(b, type, flags);
	struct tcmsg *tcm = NLMSG_DATA(nh);

	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	nl_rta_put(nh, NL_TC_ROOM, TCA_KIND, kind, strlen(kind) + 1);
	return nh;
}

unsigned int nlb_clsact_add(struct nl_batch *b, int ifindex)
{
	return nlb_end(b, nlb_tc(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				 TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact"));
}

unsigned int nlb_clsact_del(struct nl_batch *b, int ifindex)
{
	return nlb_end(b, nlb_tc(b, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT,
				 TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact"));
}

unsigned int nlb_filter_add(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio, int prog_fd, const char *name)
{
	struct nlmsghdr *nh = nlb_tc(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     parent, handle, TC_H_MAKE(prio << 16, htons(ETH_P_ALL)),
				     "bpf");
	struct rtattr *opts = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	__u32 fd = (__u32)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;

	nl_rta_put(nh, NL_TC_ROOM, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	nl_rta_put(nh, NL_TC_ROOM, TCA_BPF_FD, &fd, sizeof(fd));
	nl_rta_put(nh, NL_TC_ROOM, TCA_BPF_NAME, name, strlen(name) + 1);
	nl_rta_put(nh, NL_TC_ROOM, TCA_BPF_FLAGS, &flags, sizeof(flags));
	opts->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)opts);
	return nlb_end(b, nh);
}

unsigned int nlb_filter_del(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio)
{
	return nlb_end(b, nlb_tc(b, RTM_DELTFILTER, 0, ifindex, parent, handle,
				 TC_H_MAKE(prio << 16, htons(ETH_P_ALL)), "bpf"));
}

unsigned int nlb_xdp(struct nl_batch *b, int ifindex, int prog_fd, __u32 flags, int expected_fd)
{
	struct nlmsghdr *nh = nlb_next(b, RTM_SETLINK, 0);
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct rtattr *xdp;
	__s32 fd = prog_fd, efd = expected_fd;

	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	xdp = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	nl_rta_put(nh, NL_TC_ROOM, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	nl_rta_put(nh, NL_TC_ROOM, IFLA_XDP_FD, &fd, sizeof(fd));
	nl_rta_put(nh, NL_TC_ROOM, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	if (expected_fd >= 0)
		nl_rta_put(nh, NL_TC_ROOM, IFLA_XDP_EXPECTED_FD, &efd, sizeof(efd));
	xdp->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)xdp);
	return nlb_end(b, nh);
}

int nlb_send(struct nl_batch *b)
{
	for (unsigned int i = 0; i < b->n; i++)
		b->err[i] = -EINPROGRESS;	/* no ack: not known to have happened */
	return nl_batch_send(b->buf, b->off, b->n, b->err);
}

/* One qdisc dump serves both questions: which qdisc sits at a parent. */
struct nl_qdisc_find {
	int ifindex;
	__u32 parent;		/* TC_H_ROOT or TC_H_CLSACT */
	struct nl_qdisc *q;
};

static int nl_qdisc_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct tcmsg *tcm = NLMSG_DATA(nh);
	const struct rtattr *tb[TCA_MAX + 1];
	struct nl_qdisc_find *f = ctx;
	size_t n;

	if (nh->nlmsg_type != RTM_NEWQDISC || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*tcm)) ||
	    tcm->tcm_ifindex != f->ifindex || tcm->tcm_parent != f->parent)
		return 0;
	nl_parse_attrs(tb, TCA_MAX, (const struct rtattr *)((const char *)tcm +
			NLMSG_ALIGN(sizeof(*tcm))), (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*tcm))));
	if (!tb[TCA_KIND])
		return 0;
	n = RTA_PAYLOAD(tb[TCA_KIND]);
	if (n >= sizeof(f->q->kind))
		n = sizeof(f->q->kind) - 1;
	memcpy(f->q->kind, RTA_DATA(tb[TCA_KIND]), n);
	f->q->kind[n] = '\0';
	f->q->handle = tcm->tcm_handle;
	return 0;
}

/* RTM_GETQDISC dump: the qdisc of @ifindex at @parent into *@q (kind "" if none). */
static int nl_qdisc_at(int ifindex, __u32 parent, struct nl_qdisc *q)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tcm;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.nh.nlmsg_type = RTM_GETQDISC,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.tcm.tcm_family = AF_UNSPEC,
		.tcm.tcm_ifindex = ifindex,
	};
	struct nl_qdisc_find f = { .ifindex = ifindex, .parent = parent, .q = q };

	memset(q, 0, sizeof(*q));
	return nl_request(&req.nh, nl_qdisc_reply, &f);
}

int nl_has_clsact(int ifindex)
{
	struct nl_qdisc q;
	int err = nl_qdisc_at(ifindex, TC_H_CLSACT, &q);

	return err ? err : !strcmp(q.kind, "clsact");
}

/* Root qdisc lookup (delay=, user/qdisc.c): the dump's entry at TC_H_ROOT. */
int nl_root_qdisc(int ifindex, struct nl_qdisc *q)
{
	return nl_qdisc_at(ifindex, TC_H_ROOT, q);
}

unsigned int nlb_fq_add(struct nl_batch *b, int ifindex, __u32 handle, __u32 limit,
			__u32 flow_limit)
{
	struct nlmsghdr *nh = nlb_tc(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     TC_H_ROOT, handle, 0, "fq");
	struct rtattr *opts = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	nl_rta_put(nh, NL_TC_ROOM, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	nl_rta_put(nh, NL_TC_ROOM, TCA_FQ_PLIMIT, &limit, sizeof(limit));
	nl_rta_put(nh, NL_TC_ROOM, TCA_FQ_FLOW_PLIMIT, &flow_limit, sizeof(flow_limit));
	opts->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)opts);
	return nlb_end(b, nh);
}

unsigned int nlb_root_del(struct nl_batch *b, int ifindex, __u32 handle, const char *kind)
{
	return nlb_end(b, nlb_tc(b, RTM_DELQDISC, 0, ifindex, TC_H_ROOT, handle, 0, kind));
}
